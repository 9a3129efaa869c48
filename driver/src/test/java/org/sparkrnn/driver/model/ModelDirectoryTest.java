package org.sparkrnn.driver.model;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.driver.UserError;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A directory that holds no model says so in one line that names what it looked for, in the user's words: the run's
 * model file, or a Spark ML model saved there; not a path inside a Spark ML model's layout, which reads as a data
 * directory.
 */
class ModelDirectoryTest {

    @TempDir
    Path tmp;

    @Test
    void aDirectoryWithoutAModelSaysWhatItLookedFor() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("runs/empty"));
        UserError missing = assertThrows(UserError.class,
                () -> new ModelDirectory(new FileStore(new Configuration()), empty.toString()).readModel());
        assertEquals(empty + ": no model.safetensors here (has a training run finished in this directory?), nor a"
                + " Spark ML LstmModel or PipelineModel saved here with write().save(...)", missing.getMessage());
    }

    /** A YARN run printed {@code hdfs:/runs/y1/model.safetensors} for {@code --model-dir hdfs:///runs/y1}. */
    @Test
    void aFileInsideADirectoryIsSpeltAsTheUserSpeltTheDirectory() {
        ModelDirectory onHdfs = new ModelDirectory(new FileStore(new Configuration()), "hdfs:///runs/y1");
        assertEquals("hdfs:///runs/y1/model.safetensors", onHdfs.path(ModelDirectory.MODEL));
        assertEquals("hdfs://nn:8020/runs/y1/checkpoints", FileStore.join("hdfs://nn:8020/runs/y1/", "checkpoints"));
        assertEquals("runs/y1/config.properties", FileStore.join("runs/y1", ModelDirectory.CONFIG));
    }
}
