package org.sparkrnn.driver.model;

import org.sparkrnn.serve.TorchNames;
import org.sparkrnn.serve.SafeTensors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.cli.Main;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training end to end equals PyTorch's own loop ({@code torch_probabilistic_training.py} beside the fixtures) for a
 * quantile and a distribution model: {@code lstm-spark train --init} from PyTorch's starting weights on the bundled
 * sunspot numbers (windows of 6 years, no standardisation), Adam, 25 full-batch steps in float64 on {@code local[2]},
 * ends at PyTorch's weights to 1e-9, each step's training loss PyTorch's to 1e-10.
 */
class TorchProbabilisticTrainingTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"quantile", "gaussian"})
    void trainingEqualsPyTorchsLoop(String name) throws Exception {
        Path init = tmp.resolve("init.safetensors");
        try (InputStream in = getClass().getResourceAsStream("/golden/torch_probabilistic_training_" + name
                + ".safetensors")) {
            Files.write(init, in.readAllBytes());
        }
        List<String> expected;
        try (InputStream in = getClass().getResourceAsStream("/golden/torch_probabilistic_training_" + name
                + ".txt")) {
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("#"))
                    .toList();
        }
        Path dir = tmp.resolve("run");
        String loss = name.equals("quantile") ? "quantile:0.1,0.5,0.9" : "gaussian";
        int exit = Main.run("train", "--data", "../data/sunspots.csv", "--format", "csv", "--column", "SUNACTIVITY",
                "--time-column", "YEAR", "--window", "6", "--horizon", "1", "--normalize", "none", "--loss", loss,
                "--hidden", "4", "--init", init.toString(), "--optimizer", "adam", "--lr", "0.01", "--batch-size",
                "all", "--iterations", "25", "--precision", "float64", "--master", "local[2]", "--log-every", "1",
                "--validation-fraction", "0", "--model-dir", dir.toString());
        SharedSpark.stop();
        assertEquals(0, exit);
        SavedModel saved = new ModelDirectory(new FileStore(new org.apache.hadoop.conf.Configuration()),
                dir.toString()).readModel();
        Map<String, SafeTensors.Tensor> ours = TorchNames.tensors(saved.spec(), saved.params(),
                org.sparkrnn.kernel.Precision.FLOAT64);
        Map<String, double[]> theirs = new HashMap<>();
        for (String line : expected) {
            String[] parts = line.split(" ");
            if (parts[0].equals("weights")) {
                theirs.put(parts[1], Arrays.stream(parts).skip(2).mapToDouble(Double::parseDouble).toArray());
            }
        }
        assertEquals(theirs.keySet(), ours.keySet());
        for (Map.Entry<String, double[]> e : theirs.entrySet()) {
            double[] actual = ours.get(e.getKey()).values();
            for (int j = 0; j < actual.length; j++) {
                assertEquals(e.getValue()[j], actual[j], 1e-9 * Math.max(1, Math.abs(e.getValue()[j])),
                        name + " " + e.getKey() + "[" + j + "]");
            }
        }
        String history = Files.readString(dir.resolve("metrics.csv"));
        for (String line : expected) {
            String[] parts = line.split(" ");
            if (parts[0].equals("loss")) {
                String row = history.lines().filter(l -> l.startsWith(parts[1] + ",")).findFirst().orElseThrow();
                double ours1 = Double.parseDouble(row.split(",")[2]);
                assertEquals(Double.parseDouble(parts[2]), ours1, 1e-10 * Math.abs(ours1), name + " loss at "
                        + parts[1]);
            }
        }
        assertTrue(expected.stream().anyMatch(l -> l.startsWith("loss 25 ")));
    }
}
