package org.sparkrnn.driver.cli;

import org.sparkrnn.serve.TorchNames;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.driver.Printed;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.TestData;
import org.sparkrnn.driver.model.FileStore;
import org.sparkrnn.driver.model.ModelDirectory;
import org.sparkrnn.driver.model.ModelFile;
import org.sparkrnn.serve.SafeTensors;
import org.sparkrnn.driver.model.SavedModel;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The commands a user runs after training: evaluate, predict, export, through the real command line. */
class EvaluatePredictExportTest {

    @TempDir
    Path tmp;

    @Test
    void aTrainedClassifierIsEvaluatedUsedForPredictionAndExported() throws Exception {
        SharedSpark.stop();
        List<String> lines = new ArrayList<>();
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        for (int s = 0; s < 40; s++) {
            int cls = random.nextInt(3);
            lines.add("{\"features\": [[" + cls + ", 1], [" + (cls * 0.5) + ", -1]], \"label\": " + cls + "}");
        }
        Path data = TestData.write(tmp, "classes.jsonl", lines.toArray(new String[0]));
        Path model = tmp.resolve("model");
        Path out = tmp.resolve("predictions");
        Path exported = tmp.resolve("weights.safetensors");
        String text = Printed.capture(false, () -> {
            assertEquals(0, Main.run("train", "--data", data.toString(), "--task", "classification", "--hidden", "8",
                    "--lr", "0.05", "--iterations", "60", "--batch-size", "all", "--model-dir", model.toString(),
                    "--checkpoint-every", "10", "--keep-checkpoints", "2", "--log-every", "20", "--master", "local[2]"));
            assertEquals(0, Main.run("evaluate", "--model-dir", model.toString(), "--master", "local[2]"));
            assertEquals(0, Main.run("predict", "--model-dir", model.toString(), "--data", data.toString(),
                    "--output", out.toString(), "--master", "local[2]"));
            assertEquals(0, Main.run("export", "--model-dir", model.toString(), "--export", exported.toString(),
                    "--precision", "float64"));
            return null;
        }).text();
        String evaluation = text.lines().filter(l -> l.contains("accuracy")).reduce((a, b) -> b).orElseThrow();
        double accuracy = Double.parseDouble(evaluation.replaceAll(".*accuracy ([0-9.e-]+).*", "$1"));
        assertTrue(accuracy > 0.9, evaluation);

        List<JsonNode> predictions = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        try (Stream<Path> parts = Files.list(out)) {
            for (Path part : parts.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList()) {
                for (String line : Files.readAllLines(part)) {
                    predictions.add(json.readTree(line));
                }
            }
        }
        assertEquals(40, predictions.size(), "one line per input sequence, in input order");
        int correct = 0;
        for (int s = 0; s < 40; s++) {
            JsonNode p = predictions.get(s);
            assertEquals(3, p.get("probability").size());
            double total = 0;
            for (JsonNode q : p.get("probability")) {
                total += q.asDouble();
            }
            assertEquals(1.0, total, 1e-5, "probabilities sum to one");
            int expected = json.readTree(lines.get(s)).get("label").asInt();
            correct += p.get("prediction").asInt() == expected ? 1 : 0;
        }
        assertTrue(correct >= 36, correct + " of 40 predicted right");

        SavedModel saved = new ModelDirectory(new FileStore(new org.apache.hadoop.conf.Configuration()),
                model.toString()).readModel();
        double[] reread = TorchNames.importWeights(SafeTensors.read(
                new ByteArrayInputStream(Files.readAllBytes(exported)), "export"), saved.spec(), "export");
        assertArrayEquals(saved.params(), reread);
        try (Stream<Path> ckpts = Files.list(model.resolve("checkpoints"))) {
            assertEquals(List.of("ckpt-000000000050.bin", "ckpt-000000000060.bin"),
                    ckpts.map(p -> p.getFileName().toString()).sorted().toList(), "the newest 2 are kept");
        }
    }
}
