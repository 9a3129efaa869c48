package org.sparkrnn.driver.cli;

import org.apache.hadoop.conf.Configuration;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.config.DataOptions;
import org.sparkrnn.driver.data.records.DataFiles;
import org.sparkrnn.driver.model.FileStore;
import org.sparkrnn.driver.model.ModelDirectory;
import org.sparkrnn.driver.model.SavedModel;

import java.io.IOException;

/**
 * What a command can refuse from the file system alone, asked before Spark starts: a missing model or data file, an
 * output that is already there. Spark takes seconds to start (tens under load); these answers need none of it. The
 * files are those Spark will see: the same Hadoop configuration ({@link SparkRun#hadoopConfiguration}).
 */
final class FileChecks {

    private final Configuration hadoop;
    private final FileStore files;

    FileChecks(SparkMixin options) {
        this.hadoop = SparkRun.hadoopConfiguration(options);
        this.files = new FileStore(hadoop);
    }

    FileStore files() {
        return files;
    }

    /** The model in {@code modelDir}, or the one line that says what is missing there. */
    SavedModel model(String modelDir) throws IOException {
        return new ModelDirectory(files, modelDir).readModel();
    }

    /**
     * Without {@code --data}, a command that reads a saved model takes the data its run read: a model directory
     * that holds no model is then the problem to name, not the missing option.
     */
    void modelBeforeData(DataMixin data, String modelDir) throws IOException {
        if (data.data == null && modelDir != null) {
            new ModelDirectory(files, modelDir).requireModel();
        }
    }

    /** Refuses a data path ({@code --data}, {@code --validation}) that names no readable file. */
    void dataExists(DataOptions options) {
        for (String path : new String[] {options.path(), options.validationPath()}) {
            if (path != null) {
                DataFiles.checkExists(hadoop, path);
            }
        }
    }

    /**
     * {@code work}, which writes {@code output} (new: {@link #isNew}), made to leave nothing there when it fails, so
     * that the same command can run again: Spark leaves the directory of a failed or stopped write behind.
     */
    SparkRun.SparkWork removingOnFailure(String output, SparkRun.SparkWork work) {
        return sc -> {
            try {
                return work.run(sc);
            } catch (Exception | Error e) {
                try {
                    files.deleteTree(output);
                } catch (IOException | RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
        };
    }

    /** Refuses an output that is already there: {@code option} writes a new one. */
    void isNew(String output, String option) throws IOException {
        if (files.exists(output)) {
            throw new UserError(output + " already exists; choose a new " + option + " directory");
        }
    }
}
