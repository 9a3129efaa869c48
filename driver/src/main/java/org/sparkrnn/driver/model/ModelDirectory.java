package org.sparkrnn.driver.model;

import org.sparkrnn.driver.UserError;
import org.sparkrnn.kernel.Precision;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The files of one model directory (local or any Hadoop URI):
 * <pre>
 *   config.properties    every setting of the run (usable again with --conf)
 *   model.safetensors    the model to use: best validation loss if validated, else the last iterate
 *   metrics.csv          one row per logged iteration
 *   loss.svg             training and validation loss against iteration
 *   checkpoints/         ckpt-&lt;iteration&gt;.bin, the newest K
 * </pre>
 * A model saved by Spark ML ({@code LstmModel.write().save(dir)}: metadata plus {@code data/model.safetensors}),
 * or a saved {@code PipelineModel} with one such stage, is read as a model directory too, so that the command line
 * predicts with what a Spark program fitted.
 */
public final class ModelDirectory {

    public static final String CONFIG = "config.properties";
    public static final String MODEL = org.sparkrnn.serve.ModelReader.MODEL;
    public static final String METRICS = "metrics.csv";
    public static final String LOSS_CURVE = "loss.svg";
    /** Where a Spark ML {@code LstmModel} keeps its model file inside the directory it is saved to. */
    public static final String SPARK_ML_MODEL = org.sparkrnn.serve.ModelReader.SPARK_ML_MODEL;

    private final FileStore files;
    private final String root;

    public ModelDirectory(FileStore files, String root) {
        this.files = files;
        this.root = root;
    }

    public String root() {
        return root;
    }

    public String path(String name) {
        return FileStore.join(root, name);
    }

    /** True when a run has already started here (a config or checkpoints exist). */
    public boolean holdsARun() throws IOException {
        return files.exists(path(CONFIG)) || !files.list(path("checkpoints")).isEmpty();
    }

    public CheckpointStore checkpoints(int keep) {
        return new CheckpointStore(files, root, keep);
    }

    public void writeConfig(Map<String, String> settings) throws IOException {
        StringBuilder text = new StringBuilder("# the settings of this run; reuse with --conf " + path(CONFIG) + "\n");
        new TreeMap<>(settings).forEach((k, v) -> text.append(k).append(" = ").append(v).append('\n'));
        files.writeAtomically(path(CONFIG), text.toString().getBytes(StandardCharsets.UTF_8));
    }

    public Map<String, String> readConfig() throws IOException {
        Properties properties = new Properties();
        properties.load(new StringReader(new String(files.read(path(CONFIG)), StandardCharsets.UTF_8)));
        Map<String, String> settings = new TreeMap<>();
        properties.forEach((k, v) -> settings.put(k.toString(), v.toString().trim()));
        return settings;
    }

    public void writeText(String name, String text) throws IOException {
        files.writeAtomically(path(name), text.getBytes(StandardCharsets.UTF_8));
    }

    /** The file's text, or null when it does not exist. */
    public String readText(String name) throws IOException {
        return files.exists(path(name)) ? new String(files.read(path(name)), StandardCharsets.UTF_8) : null;
    }

    public void writeModel(SavedModel model, Precision precision) throws IOException {
        files.writeAtomically(path(MODEL), ModelFile.encode(model, precision));
    }

    /**
     * The model: this directory's {@code model.safetensors}, or that of a Spark ML {@code LstmModel} saved here, or
     * of the one {@code LstmModel} stage of a {@code PipelineModel} saved here.
     */
    public SavedModel readModel() throws IOException {
        String file = modelFile();
        return ModelFile.decode(files.read(file), file);
    }

    /** Refuses, in {@link #readModel}'s words, a directory that holds no model; reads nothing of the model. */
    public void requireModel() throws IOException {
        modelFile();
    }

    private String modelFile() throws IOException {
        if (files.exists(path(MODEL))) {
            return path(MODEL);
        }
        if (files.exists(path(SPARK_ML_MODEL))) {
            return path(SPARK_ML_MODEL);
        }
        java.util.List<String> stages = new java.util.ArrayList<>();
        for (String stage : files.listDirectories(path("stages"))) {
            String candidate = FileStore.join(path("stages/" + stage), SPARK_ML_MODEL);
            if (files.exists(candidate)) {
                stages.add(candidate);
            }
        }
        if (stages.size() == 1) {
            return stages.get(0);
        }
        if (stages.size() > 1) {
            throw new UserError(root + ": a saved pipeline with " + stages.size() + " recurrent models (" + stages
                    + "); give the stage's directory");
        }
        // (a Spark ML model's file is data/model.safetensors inside it: not named, it reads as a data directory)
        throw new UserError(root + ": no " + MODEL + " here (has a training run finished in this directory?), nor"
                + " a Spark ML LstmModel or PipelineModel saved here with write().save(...)");
    }
}
