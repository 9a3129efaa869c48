package org.sparkrnn.driver.cli;

import org.sparkrnn.serve.TorchNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.driver.Printed;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.TestData;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.model.FileStore;
import org.sparkrnn.driver.model.ModelDirectory;
import org.sparkrnn.driver.model.ModelFile;
import org.sparkrnn.serve.SafeTensors;
import org.sparkrnn.driver.model.SavedModel;
import org.sparkrnn.driver.train.Trainer;

import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GRU, bidirectional layers, dropout and pooling from the command line: train, evaluate, predict and export a
 * bidirectional 2-layer GRU; its export carries torch's names and starts another run exactly (--init); options that
 * cannot go together are refused with the reason.
 */
class ModelOptionsCommandLineTest {

    @TempDir
    Path tmp;

    @Test
    void aBidirectionalGruTrainsEvaluatesPredictsAndExportsWithTorchNames() throws Exception {
        SharedSpark.stop();
        Path data = TestData.perStepRegression(tmp, "steps.jsonl", 30, 3, 6, 8);
        Path model = tmp.resolve("model");
        Path exported = tmp.resolve("bigru.safetensors");
        String out = Printed.capture(false, () -> {
            assertEquals(0, Main.run("train", "--data", data.toString(), "--cell", "gru", "--bidirectional",
                    "--hidden", "4,4", "--dropout", "0.2", "--iterations", "20", "--batch-size", "all",
                    "--precision", "float64", "--lr", "0.01", "--model-dir", model.toString(), "--export",
                    exported.toString(), "--master", "local[2]"));
            assertEquals(0, Main.run("evaluate", "--model-dir", model.toString(), "--master", "local[2]"));
            assertEquals(0, Main.run("predict", "--model-dir", model.toString(), "--data", data.toString(),
                    "--output", tmp.resolve("predictions").toString(), "--master", "local[2]"));
            return null;
        }).text();
        assertTrue(out.contains("bigru(4)-bigru(4) dropout 0.2"), out);

        SafeTensors.Contents contents = SafeTensors.read(new ByteArrayInputStream(Files.readAllBytes(exported)),
                "export");
        Set<String> expected = new TreeSet<>(List.of("head.weight", "head.bias"));
        for (String layer : List.of("l0", "l1")) {
            for (String suffix : List.of("", "_reverse")) {
                for (String name : List.of("weight_ih_", "weight_hh_", "bias_ih_", "bias_hh_")) {
                    expected.add("gru." + name + layer + suffix);
                }
            }
        }
        assertEquals(expected, new TreeSet<>(contents.tensors().keySet()), "torch.nn.GRU(num_layers=2,"
                + " bidirectional=True) state_dict names, plus the head");
        assertArrayEquals(new long[] {12, 8}, contents.tensors().get("gru.weight_ih_l1_reverse").shape(),
                "layer 1 reads both directions of layer 0: 3·H × 2·H");

        SavedModel saved = new ModelDirectory(new FileStore(new org.apache.hadoop.conf.Configuration()),
                model.toString()).readModel();
        assertTrue(saved.spec().bidirectional());
        assertArrayEquals(saved.params(), TorchNames.importWeights(contents, saved.spec(), "export"));
        List<String> predictions = Files.readAllLines(Files.list(tmp.resolve("predictions"))
                .filter(p -> p.getFileName().toString().startsWith("part-")).sorted().findFirst().orElseThrow());
        assertTrue(predictions.get(0).startsWith("{\"line\":1,\"prediction\":["), predictions.get(0));
    }

    @Test
    void optionsThatCannotGoTogetherAreRefused() throws Exception {
        UserError tbptt = assertThrows(UserError.class,
                () -> TrainCommand.parse("--data", "x.jsonl", "--bidirectional", "--tbptt", "10"));
        assertEquals("--tbptt cuts sequences into chunks, but --bidirectional reads whole sequences; use one or the"
                + " other", tbptt.getMessage());
        UserError dropout = assertThrows(UserError.class,
                () -> TrainCommand.parse("--data", "x.jsonl", "--dropout", "1"));
        assertEquals("--dropout must be in [0, 1), got 1.0", dropout.getMessage());
        UserError pooling = assertThrows(UserError.class,
                () -> TrainCommand.parse("--data", "x.jsonl", "--pooling", "median"));
        assertTrue(pooling.getMessage().startsWith("unknown pooling 'median', expected one of last, mean, max"),
                pooling.getMessage());
        Path data = TestData.perStepRegression(tmp, "steps.jsonl", 5, 2, 4, 3);
        UserError perStep = assertThrows(UserError.class, () -> new Trainer(SharedSpark.get(),
                TrainCommand.parse("--data", data.toString(), "--pooling", "mean", "--model-dir",
                        tmp.resolve("m").toString()), new PrintStream(java.io.OutputStream.nullOutputStream())).run());
        assertTrue(perStep.getMessage().startsWith("--pooling mean pools a sequence for its one label"),
                perStep.getMessage());
        // a baseline that does not fit the data is refused before training, and nothing is written
        Path baselineDir = tmp.resolve("b");
        UserError baseline = assertThrows(UserError.class, () -> new Trainer(SharedSpark.get(),
                TrainCommand.parse("--data", data.toString(), "--baseline", "unigram", "--validation-fraction",
                        "0.3", "--model-dir", baselineDir.toString()),
                new PrintStream(java.io.OutputStream.nullOutputStream())).run());
        assertEquals("--baseline: the unigram baseline needs class labels; these data have per-step numbers",
                baseline.getMessage());
        assertTrue(!Files.exists(baselineDir.resolve("config.properties")), "nothing written");
    }
}
