package org.sparkrnn.driver.model;

import org.sparkrnn.serve.SafeTensors;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.cli.Main;
import org.sparkrnn.kernel.Precision;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An export is enough for a PyTorch user: {@code export} writes the weights and the standardisation statistics, and
 * PyTorch (the README's recipe, {@code predict_from_export.py}) predicts what {@code lstm-spark predict} predicts for
 * the same sequences, for float32 and float64 exports (each all in its precision: the recipe's arithmetic stays in
 * it). Runs where /usr/bin/python3 has torch (CI installs Debian's python3-torch).
 */
class TorchExportTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(Precision.class)
    void pytorchReproducesPredictFromTheExport(Precision precision) throws Exception {
        Assumptions.assumeTrue(TorchRecipe.available(), "no torch for /usr/bin/python3");
        Path data = tmp.resolve("d.jsonl");
        List<String> lines = sequences();
        Files.write(data, lines);
        Path model = trainedModel(data);
        Path export = tmp.resolve("m.safetensors");
        run("export", "--model-dir", model.toString(), "--output", export.toString(), "--precision",
                precision.cliName());
        Path predictions = tmp.resolve("predictions");
        run("predict", "--model-dir", model.toString(), "--data", data.toString(), "--output",
                predictions.toString(), "--precision", precision.cliName(), "--master", "local[2]");

        List<Double> ours = predictedRows(predictions).stream().map(row -> row.get("prediction").asDouble())
                .toList();
        List<Double> torch = firstOutputs(export, data, 2, 5);
        assertEquals(lines.size(), torch.size());
        assertEquals(lines.size(), ours.size());
        // float32: two float32 computations of the same network, summed in other orders
        double tolerance = precision == Precision.FLOAT64 ? 1e-9 : 2e-5;
        for (int i = 0; i < ours.size(); i++) {
            double theirs = torch.get(i);
            assertEquals(ours.get(i), theirs, tolerance * Math.max(1, Math.abs(theirs)), "sequence " + i);
        }
        assertTrue(Math.abs(ours.get(0)) > 50, "in the labels' units (about 100), not standardised: " + ours.get(0));
    }

    /**
     * A model of windows scaled each by its own values ({@code --normalize window}, with and without
     * {@code --relative-to-last}): the README's recipe (origin and scale from each window, then the standardisation;
     * back in the reverse order) gives in PyTorch what {@code predict} gives, for every window of a csv column.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void pytorchReproducesAWindowScaledModel(boolean relativeToLast) throws Exception {
        Assumptions.assumeTrue(TorchRecipe.available(), "no torch for /usr/bin/python3");
        List<String> rows = new ArrayList<>(List.of("t,v"));
        double[] v = new double[60];
        for (int t = 0; t < v.length; t++) {
            v[t] = 500 + 3 * t + 40 * Math.sin(2 * Math.PI * t / 12) + (t % 7 == 0 ? 9 : 0);
            rows.add(t + "," + v[t]);
        }
        v[30] = v[31] = v[32] = v[33] = v[34] = v[35] = 620; // one flat window: scaled by its level
        rows.set(31, "30,620");
        rows.set(32, "31,620");
        rows.set(33, "32,620");
        rows.set(34, "33,620");
        rows.set(35, "34,620");
        rows.set(36, "35,620");
        Path csv = Files.write(tmp.resolve("series.csv"), rows);
        Path model = tmp.resolve("window-model");
        List<String> train = new ArrayList<>(List.of("train", "--data", csv.toString(), "--format", "csv",
                "--column", "v", "--time-column", "t", "--window", "6", "--normalize", "window", "--hidden", "5",
                "--iterations", "15", "--batch-size", "all", "--precision", "float64", "--lr", "0.05", "--master",
                "local[2]", "--log-every", "100", "--model-dir", model.toString()));
        if (relativeToLast) {
            train.add("--relative-to-last");
        }
        SharedSpark.stop();
        run(train.toArray(String[]::new));
        Path export = tmp.resolve("w.safetensors");
        run("export", "--model-dir", model.toString(), "--output", export.toString(), "--precision", "float64");
        Path predictions = tmp.resolve("window-predictions");
        run("predict", "--model-dir", model.toString(), "--data", csv.toString(), "--output",
                predictions.toString(), "--precision", "float64", "--master", "local[2]");
        java.util.Map<String, Double> ours = new java.util.TreeMap<>();
        for (JsonNode row : predictedRows(predictions)) {
            ours.put(row.get("time").asText(), row.get("prediction").asDouble());
        }
        // every window of the column, as JSON Lines sequences, in the order of their last step's time
        List<String> times = new ArrayList<>();
        List<String> windows = new ArrayList<>();
        for (int end = 5; end < v.length; end++) {
            windows.add("{\"features\": " + steps(v, end - 5, end) + "}");
            times.add(String.valueOf(end));
        }
        Path sequences = Files.write(tmp.resolve("windows.jsonl"), windows);
        List<Double> torch = firstOutputs(export, sequences, 1, 5);
        assertEquals(windows.size(), torch.size());
        int compared = 0;
        for (int i = 0; i < times.size(); i++) {
            Double mine = ours.get(times.get(i));
            if (mine == null) {
                continue; // a window predict does not write (none here: every window's inputs are whole)
            }
            double theirs = torch.get(i);
            assertEquals(mine, theirs, 1e-9 * Math.max(1, Math.abs(theirs)), "window ending at " + times.get(i));
            compared++;
        }
        assertEquals(windows.size(), compared, "every window predicted: " + ours.keySet());
        assertTrue(ours.values().stream().allMatch(p -> p > 300), "in the series' units (about 600): " + ours);
    }

    /**
     * A model that scales each series by its own training scale ({@code --normalize series}, with and without
     * {@code --relative-to-last}) on a long table of two series 100x apart: the export's table of scales
     * ({@code .series.csv}) and the README's recipe give in PyTorch what {@code predict} gives for every window, a
     * series the model never saw (scaled by each window's own values) included, which predict counts.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void pytorchReproducesASeriesScaledModel(boolean relativeToLast) throws Exception {
        Assumptions.assumeTrue(TorchRecipe.available(), "no torch for /usr/bin/python3");
        String[] keys = {"big", "small", "new"};
        double[] levels = {500, 5, 50};
        java.util.Map<String, double[]> series = new java.util.LinkedHashMap<>();
        List<String> trainRows = new ArrayList<>(List.of("store,t,v"));
        List<String> allRows = new ArrayList<>(List.of("store,t,v"));
        for (int s = 0; s < keys.length; s++) {
            double[] v = new double[40];
            for (int t = 0; t < v.length; t++) {
                v[t] = levels[s] * (1 + 0.01 * t + 0.1 * Math.sin(2 * Math.PI * t / 12) + (t % 5 == 0 ? 0.03 : 0));
                String row = keys[s] + "," + t + "," + v[t];
                allRows.add(row);
                if (s < 2) {
                    trainRows.add(row);
                }
            }
            series.put(keys[s], v);
        }
        Path trainCsv = Files.write(tmp.resolve("train.csv"), trainRows);
        Path allCsv = Files.write(tmp.resolve("all.csv"), allRows);
        Path model = tmp.resolve("series-model");
        List<String> train = new ArrayList<>(List.of("train", "--data", trainCsv.toString(), "--format", "csv",
                "--id-column", "store", "--time-column", "t", "--target-column", "v", "--window", "6",
                "--normalize", "series", "--hidden", "5", "--iterations", "15", "--batch-size", "all",
                "--precision", "float64", "--lr", "0.05", "--master", "local[2]", "--log-every", "100",
                "--model-dir", model.toString()));
        if (relativeToLast) {
            train.add("--relative-to-last");
        }
        SharedSpark.stop();
        run(train.toArray(String[]::new));
        Path export = tmp.resolve("s.safetensors");
        run("export", "--model-dir", model.toString(), "--output", export.toString(), "--precision", "float64");
        List<String> table = Files.readAllLines(tmp.resolve("s.series.csv"));
        assertEquals("key,scale", table.get(0));
        assertEquals(3, table.size(), "big and small: " + table);
        Path predictions = tmp.resolve("series-predictions");
        org.sparkrnn.driver.Printed.Output<Integer> predicted = org.sparkrnn.driver.Printed.commandLine(false,
                "predict", "--model-dir", model.toString(), "--data", allCsv.toString(), "--output",
                predictions.toString(), "--precision", "float64", "--master", "local[2]");
        SharedSpark.stop();
        assertEquals(0, predicted.value(), predicted.text());
        // "new" has 35 windows (40 rows, 6 steps each), the model has no scale for it
        assertTrue(predicted.text().contains("warning: " + allCsv + ": 35 window(s) of series the model has no"
                + " scale for"), predicted.text());
        java.util.Map<String, Double> ours = new java.util.TreeMap<>();
        for (JsonNode row : predictedRows(predictions)) {
            ours.put(row.get("store").asText() + "@" + row.get("time").asText(), row.get("prediction").asDouble());
        }
        List<String> names = new ArrayList<>();
        List<String> windows = new ArrayList<>();
        series.forEach((key, v) -> {
            for (int end = 5; end < v.length; end++) {
                windows.add("{\"key\": \"" + key + "\", \"features\": " + steps(v, end - 5, end) + "}");
                names.add(key + "@" + end);
            }
        });
        Path sequences = Files.write(tmp.resolve("keyed-windows.jsonl"), windows);
        List<Double> torch = firstOutputs(export, sequences, 1, 5);
        assertEquals(windows.size(), torch.size());
        for (int i = 0; i < names.size(); i++) {
            Double mine = ours.get(names.get(i));
            double theirs = torch.get(i);
            assertTrue(mine != null, names.get(i) + " predicted: " + ours.keySet());
            assertEquals(mine, theirs, 1e-9 * Math.max(1, Math.abs(theirs)), names.get(i));
        }
        assertEquals(windows.size(), ours.size());
        // in each series' own units
        assertTrue(ours.get("big@20") > 200 && ours.get("small@20") < 20, ours.toString());
    }

    /** Every tensor of an export, the standardisation's included, is in the export's precision (no torch needed). */
    @ParameterizedTest
    @EnumSource(Precision.class)
    void anExportIsInOnePrecision(Precision precision) throws Exception {
        Path data = tmp.resolve("d.jsonl");
        Files.write(data, sequences());
        Path model = trainedModel(data);
        SavedModel saved = new ModelDirectory(new FileStore(new org.apache.hadoop.conf.Configuration()),
                model.toString()).readModel();
        SafeTensors.Contents export = SafeTensors.read(new java.io.ByteArrayInputStream(ModelFile.export(saved,
                precision)), "export");
        assertTrue(export.tensors().containsKey(ModelFile.TARGET_MEAN), export.tensors().keySet().toString());
        String dtype = precision == Precision.FLOAT64 ? "F64" : "F32";
        export.tensors().forEach((name, tensor) -> assertEquals(dtype, tensor.dtype(), name));
    }

    /** 40 sequences of 6 steps, 2 features, a label about 100 (so that standardisation matters). */
    private static List<String> sequences() {
        Random random = new Random(5);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            StringBuilder steps = new StringBuilder();
            double sum = 0;
            for (int t = 0; t < 6; t++) {
                double a = 10 + 3 * random.nextGaussian();
                double b = -2 + 0.5 * random.nextGaussian();
                sum += a * 0.1 + b;
                steps.append(t == 0 ? "" : ", ").append("[").append(a).append(", ").append(b).append("]");
            }
            lines.add("{\"features\": [" + steps + "], \"label\": " + (100 + sum) + "}");
        }
        return lines;
    }

    /** A standardised 2-layer LSTM trained on {@code data} through the command line. */
    private Path trainedModel(Path data) {
        Path model = tmp.resolve("model");
        SharedSpark.stop();
        run("train", "--data", data.toString(), "--model-dir", model.toString(), "--hidden", "5,5",
                "--normalize", "standard", "--iterations", "15", "--batch-size", "all", "--precision", "float64",
                "--lr", "0.05", "--master", "local[2]", "--log-every", "100");
        return model;
    }

    /** Every row {@code predict} wrote to {@code dir} (JSON Lines part files, in order). */
    private static List<JsonNode> predictedRows(Path dir) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> rows = new ArrayList<>();
        try (Stream<Path> parts = Files.list(dir)) {
            for (Path part : parts.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList()) {
                for (String line : Files.readAllLines(part)) {
                    rows.add(json.readTree(line));
                }
            }
        }
        return rows;
    }

    /** Rows {@code from..to} of a one-feature column as a JSON sequence: {@code [[v], [v], ...]}. */
    private static String steps(double[] v, int from, int to) {
        StringBuilder steps = new StringBuilder("[");
        for (int t = from; t <= to; t++) {
            steps.append(t == from ? "" : ", ").append("[").append(v[t]).append("]");
        }
        return steps.append("]").toString();
    }

    private static void run(String... args) {
        assertEquals(0, Main.run(args), String.join(" ", args));
        SharedSpark.stop();
    }

    /** The recipe's first output for each sequence ({@link TorchRecipe#outputs}). */
    private static List<Double> firstOutputs(Path export, Path sequences, int layers, int hidden) throws Exception {
        return TorchRecipe.outputs(export, sequences, layers, hidden).stream().map(y -> y[0]).toList();
    }
}
