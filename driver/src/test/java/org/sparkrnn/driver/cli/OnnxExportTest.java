package org.sparkrnn.driver.cli;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.driver.Printed;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.ml.SequenceWindows;
import org.sparkrnn.kernel.Precision;
import org.sparkrnn.serve.Forecaster;
import org.sparkrnn.serve.Forecasts;
import org.sparkrnn.serve.ModelReader;
import org.sparkrnn.serve.ServedModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * As a user serves a model away from Spark: trained by the command line on a real panel (four series of the US
 * employment table, a covariate known in advance, a static, the month), forecast by {@code predict}, exported by
 * {@code export --format onnx}, run by ONNX Runtime on the windows {@code SequenceWindows} cuts from the same table
 * (the series' scales read from the table the export writes beside the graph); and the Spark-free
 * {@link Forecaster} on the model directory. ONNX Runtime equals {@code predict} to 1e-5 of each value (float32
 * arithmetic both, in another order), the forecaster equals it exactly (the same kernel and code).
 */
class OnnxExportTest {

    private static final List<String> SERIES = List.of("construction", "manufacturing", "information", "utilities");

    @TempDir
    Path tmp;

    /** The employment panel's four series with the month's weekdays and goods-or-not (as DecoderPipelineTest). */
    private Path panel() throws Exception {
        List<String> all = Files.readAllLines(Path.of("../data/us-employment-by-sector.csv"));
        List<String> rows = new ArrayList<>(List.of("sector,month,employed,weekdays,goods"));
        Map<String, String> last = new java.util.LinkedHashMap<>();
        for (String line : all.subList(1, all.size())) {
            String[] f = line.split(",");
            if (SERIES.contains(f[0])) {
                java.time.LocalDate month = java.time.LocalDate.parse(f[1]);
                int weekdays = weekdays(month);
                int goods = f[0].equals("construction") || f[0].equals("manufacturing") ? 1 : 0;
                rows.add(line + "," + weekdays + "," + goods);
                last.put(f[0], line.split(",")[0] + "," + month.plusMonths(1) + ",," + weekdays(month.plusMonths(1))
                        + "," + goods + ";" + f[0] + "," + month.plusMonths(2) + ",," + weekdays(month.plusMonths(2))
                        + "," + goods + ";" + f[0] + "," + month.plusMonths(3) + ",," + weekdays(month.plusMonths(3))
                        + "," + goods);
            }
        }
        // the three months after each series' last: their weekdays known, their employment not (the forecast)
        last.values().forEach(ahead -> rows.addAll(List.of(ahead.split(";"))));
        return Files.write(tmp.resolve("panel.csv"), rows);
    }

    private static int weekdays(java.time.LocalDate month) {
        int n = 0;
        for (java.time.LocalDate d = month.withDayOfMonth(1); d.getMonth() == month.getMonth(); d = d.plusDays(1)) {
            n += d.getDayOfWeek().getValue() >= 6 ? 0 : 1;
        }
        return n;
    }

    @Test
    void anExportedDecoderModelWithQuantilesAndSeriesScalesGivesPredictsForecasts() throws Exception {
        check(List.of("--cell", "gru", "--hidden", "6,4", "--bidirectional", "--known-columns", "weekdays",
                "--static-columns", "goods", "--calendar", "month-of-year", "--decoder-hidden", "4", "--horizon",
                "1..3", "--normalize", "series", "--loss", "quantile:0.1,0.5,0.9"), true);
    }

    @Test
    void anExportedWindowScaledModelWithGaussianQuantilesGivesPredictsForecasts() throws Exception {
        check(List.of("--cell", "lstm", "--hidden", "5", "--pooling", "mean", "--feature-columns",
                "employed,weekdays", "--normalize", "window", "--loss", "gaussian"), false);
    }

    /**
     * A Spark program's model: fitted by LstmRegressor on windows SequenceWindows cut from the sunspots table in a
     * plain session, saved with {@code write().save(dir)}, then read by the Spark-free ModelReader and served by the
     * Forecaster and by ONNX Runtime: the Forecaster gives LstmModel.transform's predictions exactly, ONNX Runtime to
     * 1e-5.
     */
    @Test
    void aSparkMlModelSavedByAProgramIsServedWithoutSpark() throws Exception {
        SharedSpark.stop();
        SparkSession spark = SparkSession.builder().master("local[2]").appName("a user's program").getOrCreate();
        List<Row> predicted;
        Path saved = tmp.resolve("spark-ml-model");
        try {
            Dataset<Row> table = spark.read().option("header", "true").option("inferSchema", "true")
                    .csv("../data/sunspots.csv");
            Dataset<Row> windows = new SequenceWindows().setTimeColumn("YEAR").setTargetColumn("SUNACTIVITY")
                    .setWindow(10).transform(table).cache();
            org.sparkrnn.driver.ml.LstmModel model = Printed.quietly(() -> new org.sparkrnn.driver.ml.LstmRegressor()
                    .setCell("gru").setHidden(6).setBidirectional(true).setNormalize("window").setIterations(5)
                    .setBatchSize(32).setSeed(3).setLogEvery(1000).fit(windows));
            model.write().save(saved.toString());
            predicted = model.transform(windows).selectExpr("flatten(features) features", "prediction")
                    .collectAsList();
        } finally {
            spark.stop();
        }
        ServedModel served = ModelReader.read(saved);
        List<double[][]> windows = new ArrayList<>();
        float[][][] x = new float[predicted.size()][10][1];
        int[] lengths = new int[predicted.size()];
        for (int b = 0; b < predicted.size(); b++) {
            List<Double> flat = predicted.get(b).getList(0);
            double[][] w = new double[flat.size()][];
            for (int t = 0; t < w.length; t++) {
                w[t] = new double[] {flat.get(t)};
                x[b][t][0] = flat.get(t).floatValue();
            }
            lengths[b] = w.length;
            windows.add(w);
        }
        Forecasts java = new Forecaster(served, new double[0], Precision.FLOAT32).forecast(windows);
        byte[] onnx = org.sparkrnn.onnx.OnnxExport.write(served, new double[0]);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(onnx, new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, x);
             OnnxTensor lens = OnnxTensor.createTensor(env, lengths);
             OrtSession.Result result = session.run(Map.of("input", input, "sequence_lens", lens))) {
            float[] ort = (float[]) result.get("prediction").orElseThrow().getValue();
            for (int b = 0; b < predicted.size(); b++) {
                double want = predicted.get(b).getDouble(1);
                assertEquals(want, java.point(b)[0], 0, "window " + b + ": the Forecaster");
                close(want, ort[b], "window " + b);
            }
        }
        assertTrue(predicted.size() > 250, predicted.size() + " windows");
    }

    /**
     * What ONNX cannot express, and options that do not fit the format, are refused in one line before anything is
     * written.
     */
    @Test
    void exportsOnnxCannotExpressAreRefusedInOneLine() throws Exception {
        Path model = tmp.resolve("student");
        Printed.Output<Integer> trained = Printed.commandLine(false, "train", "--data", "../data/sunspots.csv",
                "--format", "csv", "--column", "SUNACTIVITY", "--window", "8", "--hidden", "4", "--iterations", "2",
                "--loss", "student-t", "--master", "local[1]", "--log-every", "100", "--model-dir", model.toString());
        SharedSpark.stop();
        assertEquals(0, trained.value(), trained.text());
        Path onnx = tmp.resolve("student.onnx");
        Map<List<String>, String> refusals = new java.util.LinkedHashMap<>();
        refusals.put(List.of("--format", "onnx"), "error: --format onnx cannot express a student-t head's quantiles"
                + " (its inverse distribution function is no ONNX operator); train with --loss gaussian or"
                + " quantile:LEVELS, or export safetensors");
        refusals.put(List.of("--format", "onnnx"), "error: unknown format 'onnnx', expected one of safetensors, onnx");
        refusals.put(List.of("--quantiles", "0.5"), "error: --quantiles is for --format onnx: a safetensors export"
                + " holds the weights, whatever quantiles are asked of them later");
        for (Map.Entry<List<String>, String> refusal : refusals.entrySet()) {
            List<String> args = new ArrayList<>(List.of("export", "--model-dir", model.toString(), "--output",
                    onnx.toString()));
            args.addAll(refusal.getKey());
            Printed.Output<Integer> refused = Printed.commandLine(true, args.toArray(new String[0]));
            assertEquals(2, refused.value(), refused.text());
            assertEquals(refusal.getValue(), refused.text().strip(), String.join(" ", refusal.getKey()));
            assertTrue(!Files.exists(onnx), "nothing written");
        }
    }

    private void check(List<String> options, boolean decoder) throws Exception {
        Path data = panel();
        Path model = tmp.resolve("model");
        List<String> train = new ArrayList<>(List.of("train", "--data", data.toString(), "--format", "csv",
                "--id-column", "sector", "--time-column", "month", "--target-column", "employed", "--window", "12",
                "--iterations", "6", "--batch-size", "64", "--master", "local[2]", "--log-every", "100",
                "--model-dir", model.toString()));
        train.addAll(options);
        Printed.Output<Integer> trained = Printed.commandLine(false, train.toArray(new String[0]));
        SharedSpark.stop();
        assertEquals(0, trained.value(), trained.text());
        Path out = tmp.resolve("predicted");
        Printed.Output<Integer> predicted = Printed.commandLine(false, "predict", "--model-dir", model.toString(),
                "--data", data.toString(), "--output", out.toString(), "--master", "local[2]");
        SharedSpark.stop();
        assertEquals(0, predicted.value(), predicted.text());
        Path onnx = tmp.resolve("model.onnx");
        Printed.Output<Integer> exported = Printed.commandLine(false, "export", "--model-dir", model.toString(),
                "--format", "onnx", "--output", onnx.toString());
        assertEquals(0, exported.value(), exported.text());
        assertTrue(exported.text().contains("as an ONNX graph (opset 17)"), exported.text());

        // predict's forecasts by series and time
        ObjectMapper json = new ObjectMapper();
        Map<String, JsonNode> cli = new TreeMap<>();
        try (Stream<Path> parts = Files.list(out)) {
            for (Path part : parts.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
                for (String line : Files.readAllLines(part)) {
                    JsonNode row = json.readTree(line);
                    cli.put(row.get("sector").asText() + "@" + row.get("time").asText(), row);
                }
            }
        }
        assertTrue(cli.size() > 100, cli.size() + " forecasts");

        // the same windows, cut by SequenceWindows from the same table, as a user's program would
        SparkSession spark = SparkSession.builder().config(SharedSpark.get().getConf()).getOrCreate();
        Dataset<Row> table = spark.read().option("header", "true").csv(data.toString())
                .selectExpr("sector", "month", "cast(employed as double) employed",
                        "cast(weekdays as double) weekdays", "cast(goods as double) goods");
        SequenceWindows cut = new SequenceWindows().setIdColumn("sector").setTimeColumn("month")
                .setTargetColumn("employed").setWindow(12).setKeepUnlabelled(true);
        if (decoder) {
            cut.setKnownColumns("weekdays").setStaticColumns("goods").setCalendar("month-of-year").setHorizon("1..3")
                    .setFutureCol("ahead");
        } else {
            cut.setFeatureColumns("employed", "weekdays");
        }
        // nested arrays flattened in SQL: their rows are the model's input rows, I values each
        List<Row> windows = cut.transform(table).selectExpr("sector", "time", "flatten(features) features",
                decoder ? "flatten(ahead) ahead" : "null ahead").collectAsList();
        SharedSpark.stop();

        ServedModel served = ModelReader.read(model);
        Map<String, Double> scales = new HashMap<>();
        Path table2 = tmp.resolve("model.series.csv");
        assertEquals(decoder, Files.exists(table2), "the series' scales beside the graph");
        if (decoder) {
            for (String line : Files.readAllLines(table2).subList(1, SERIES.size() + 1)) {
                scales.put(line.split(",")[0], Double.parseDouble(line.split(",")[1]));
            }
        }
        int batch = windows.size();
        int steps = 12;
        int inputs = served.spec().inputSize();
        float[][][] x = new float[batch][steps][inputs];
        int[] lengths = new int[batch];
        float[] seriesScale = new float[batch];
        int futureSteps = decoder ? served.spec().decoder().steps() : 0;
        float[][][] future = new float[batch][futureSteps][inputs];
        List<double[][]> javaWindows = new ArrayList<>();
        List<double[][]> javaFuture = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            Row row = windows.get(b);
            List<Double> flat = row.getList(row.fieldIndex("features"));
            double[][] w = new double[flat.size() / inputs][];
            lengths[b] = w.length;
            for (int t = 0; t < w.length; t++) {
                w[t] = flat.subList(t * inputs, (t + 1) * inputs).stream().mapToDouble(Double::doubleValue)
                        .toArray();
                for (int j = 0; j < inputs; j++) {
                    x[b][t][j] = (float) w[t][j];
                }
            }
            javaWindows.add(w);
            String series = row.getAs("sector");
            keys.add(series);
            seriesScale[b] = decoder ? scales.get(series).floatValue() : 0;
            if (decoder) {
                List<Double> ahead = row.getList(row.fieldIndex("ahead"));
                double[][] f = new double[futureSteps][];
                for (int s = 0; s < futureSteps; s++) {
                    f[s] = ahead.subList(s * inputs, (s + 1) * inputs).stream().mapToDouble(Double::doubleValue)
                            .toArray();
                    for (int j = 0; j < inputs; j++) {
                        future[b][s][j] = (float) f[s][j];
                    }
                }
                javaFuture.add(f);
            }
        }
        double[] levels = {0.1, 0.25, 0.5, 0.75, 0.9};
        if (decoder) {
            levels = new double[] {0.1, 0.5, 0.9};
        }
        Forecasts java = new Forecaster(served, levels, Precision.FLOAT32)
                .forecast(javaWindows, decoder ? keys : null, decoder ? javaFuture : null);
        // a float64 safetensors export serves as the model directory does: the same forecasts
        Path weights = tmp.resolve("model.safetensors");
        assertEquals(0, Printed.commandLine(false, "export", "--model-dir", model.toString(), "--output",
                weights.toString(), "--precision", "float64").value());
        Forecasts fromExport = new Forecaster(ModelReader.read(weights), levels, Precision.FLOAT32)
                .forecast(javaWindows, decoder ? keys : null, decoder ? javaFuture : null);
        for (int b = 0; b < batch; b++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(java.point(b), fromExport.point(b), 0, "window " + b);
        }

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> feeds = new HashMap<>();
        feeds.put("input", OnnxTensor.createTensor(env, x));
        feeds.put("sequence_lens", OnnxTensor.createTensor(env, lengths));
        if (decoder) {
            feeds.put("series_scale", OnnxTensor.createTensor(env, seriesScale));
            feeds.put("future", OnnxTensor.createTensor(env, future));
        }
        int values = served.spec().outputSize();
        int compared = 0;
        try (OrtSession session = env.createSession(onnx.toString(), new OrtSession.SessionOptions());
             OrtSession.Result result = session.run(feeds)) {
            Object prediction = result.get("prediction").orElseThrow().getValue();
            float[][][] quantiles = (float[][][]) result.get("quantiles").orElseThrow().getValue();
            for (int b = 0; b < batch; b++) {
                Row row = windows.get(b);
                String key = row.getAs("sector") + "@" + row.getAs("time");
                JsonNode expected = cli.get(key);
                assertTrue(expected != null, "predict forecast " + key);
                for (int v = 0; v < values; v++) {
                    double want = values == 1 ? expected.get("prediction").asDouble()
                            : expected.get("prediction").get(v).asDouble();
                    double got = values == 1 ? ((float[]) prediction)[b] : ((float[][]) prediction)[b][v];
                    close(want, got, key + " value " + v);
                    assertEquals(want, java.point(b)[v], 0, key + ": the Spark-free forecaster");
                    for (int k = 0; k < levels.length; k++) {
                        String column = org.sparkrnn.model.Quantiles.columnName(levels[k]);
                        double q = values == 1 ? expected.get(column).asDouble()
                                : expected.get(column).get(v).asDouble();
                        close(q, quantiles[b][v][k], key + " " + column + " value " + v);
                        assertEquals(q, java.quantile(b, k)[v], 0, key + " " + column + ": the forecaster");
                        compared++;
                    }
                }
            }
        } finally {
            for (OnnxTensor tensor : feeds.values()) {
                tensor.close();
            }
        }
        assertTrue(compared >= cli.size(), compared + " quantiles compared");
    }

    private static void close(double want, double got, String what) {
        assertTrue(Math.abs(want - got) <= 1e-5 * Math.max(1, Math.abs(want)), what + ": ONNX Runtime " + got
                + ", predict " + want);
    }
}
