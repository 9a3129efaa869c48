package org.sparkrnn.driver.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.TestData;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.cli.TrainCommand;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Early stopping keeps the best model; divergence stops the run, names the block, and leaves checkpoints alone. */
class StoppingTest {

    @TempDir
    Path tmp;

    @Test
    void earlyStoppingStopsAfterPatienceAndKeepsTheBestModel() throws Exception {
        // validation labels are the negated training labels: fitting the training data worsens validation
        Path train = TestData.write(tmp, "train.jsonl", "{\"features\": [[1], [2]], \"label\": 1}",
                "{\"features\": [[2], [1]], \"label\": 2}", "{\"features\": [[0], [1]], \"label\": 3}");
        Path validation = TestData.write(tmp, "validation.jsonl", "{\"features\": [[1], [2]], \"label\": -1}",
                "{\"features\": [[2], [1]], \"label\": -2}", "{\"features\": [[0], [1]], \"label\": -3}");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Trainer.Result result = new Trainer(SharedSpark.get(), TrainCommand.parse("--data", train.toString(),
                "--validation", validation.toString(), "--hidden", "4", "--lr", "0.05", "--iterations", "200",
                "--batch-size", "all", "--validate-every", "5", "--patience", "3", "--precision", "float64",
                "--model-dir", tmp.resolve("model").toString()), new PrintStream(log, true, StandardCharsets.UTF_8))
                .run();
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("early stop: no improvement in 3 validations"), text);
        assertEquals(20, result.iterations(), "best at the first validation (5), then 3 worse ones");
        assertTrue(text.contains("best validation loss") && text.contains("at iteration 5"), text);
        assertArrayEquals(result.keptParams(), new org.sparkrnn.driver.model.ModelDirectory(
                new org.sparkrnn.driver.model.FileStore(SharedSpark.get().hadoopConfiguration()),
                tmp.resolve("model").toString()).readModel().params(), "model.safetensors holds the best weights");
    }

    @Test
    void divergenceNamesTheIterationAndBlockAndWritesNothing() throws Exception {
        Path data = TestData.perStepRegression(tmp, "train.jsonl", 5, 2, 4, 9);
        Path model = tmp.resolve("model");
        UserError error = assertThrows(UserError.class, () -> new Trainer(SharedSpark.get(), TrainCommand.parse(
                "--data", data.toString(), "--hidden", "3", "--optimizer", "sgd", "--lr", "1e300",
                "--iterations", "10", "--batch-size", "all", "--checkpoint-every", "1", "--precision", "float64",
                "--model-dir", model.toString()), new PrintStream(java.io.OutputStream.nullOutputStream())).run());
        assertTrue(error.getMessage().matches("training diverged at iteration \\d+: the (gradient|updated parameters)"
                + " of \\w+\\[[0-9,]+\\] \\(block \\w+\\) is (-?Infinity|NaN); .*"), error.getMessage());
        assertTrue(error.getMessage().contains("the last good checkpoint (iteration "), error.getMessage());
        assertTrue(!Files.exists(model.resolve("model.safetensors")), "a diverged run writes no model");
        try (var files = Files.list(model.resolve("checkpoints"))) {
            assertTrue(files.allMatch(f -> f.getFileName().toString().endsWith(".bin")), "only complete checkpoints");
        }
    }
}
