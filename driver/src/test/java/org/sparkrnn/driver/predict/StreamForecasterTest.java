package org.sparkrnn.driver.predict;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.data.WindowTransform;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.cli.Main;
import org.sparkrnn.driver.config.KernelSettings;
import org.sparkrnn.driver.config.MissingValues;
import org.sparkrnn.driver.config.TableLayout;
import org.sparkrnn.driver.model.FileStore;
import org.sparkrnn.driver.model.ModelDirectory;
import org.sparkrnn.driver.model.SavedModel;
import org.sparkrnn.kernel.Precision;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Streams of long rows beyond a window model's forecasts ({@link StreamedWindowForecastsTest}): per-step models that
 * carry their recurrent state, series forgotten after a timeout, and a stopped query that leaves its checkpoint alone.
 */
@Tag("every-spark-line")
@Tag("no-numerics")
class StreamForecasterTest {

    private static final TableLayout LAYOUT = new TableLayout("year", "date", List.of("co2", "season"),
            List.of("co2"), 8, 1, new int[] {1}, MissingValues.SKIP, null, WindowTransform.WINDOW_FROM_LAST,
            List.of(org.sparkrnn.driver.config.CalendarFeature.MONTH_OF_YEAR), "yyyyMMdd");

    @TempDir
    Path tmp;

    /**
     * Trains a small float64 model on data/co2-by-year.csv and predicts the whole table with the command line: the
     * model in {@code tmp/model} and the batch predictions in {@code tmp/batch}.
     */
    static Path trainAndPredict(Path tmp) throws Exception {
        Path model = tmp.resolve("model");
        SharedSpark.stop();
        assertEquals(0, Main.run("train", "--data", "../data/co2-by-year.csv", "--format", "csv", "--id-column",
                "year", "--time-column", "date", "--feature-columns", "co2,season", "--target-column", "co2",
                "--window", "8", "--relative-to-last", "--normalize", "window", "--calendar", "month-of-year",
                "--time-format", "yyyyMMdd", "--hidden", "8", "--iterations",
                "20", "--precision", "float64", "--log-every", "100", "--master", "local[2]", "--model-dir",
                model.toString()));
        assertEquals(0, Main.run("predict", "--model-dir", model.toString(), "--output",
                tmp.resolve("batch").toString(), "--precision", "float64", "--master", "local[2]"));
        return model;
    }

    /** (year, time) -> prediction, from JSON Lines files. */
    static Map<String, Double> predictions(SparkSession spark, Path dir) {
        Map<String, Double> out = new HashMap<>();
        for (Row row : spark.read().json(dir.toString()).collectAsList()) {
            String key = row.getAs("year") + "@" + row.getAs("time");
            Double previous = out.put(key, ((Number) row.getAs("prediction")).doubleValue());
            assertEquals(null, previous, "one forecast per window: " + key);
        }
        return out;
    }

    /** The table as twelve CSV files, file m holding every year's rows of month m, written in month order. */
    private List<Path> monthFiles() throws Exception {
        return monthFiles(tmp, Path.of("../data/co2-by-year.csv"), "month");
    }

    /** {@code table} (the CO2 table's columns) as twelve files {@code dir/name-MM.csv}, one per month. */
    static List<Path> monthFiles(Path dir, Path table, String name) throws Exception {
        List<String> lines = Files.readAllLines(table);
        List<Path> files = new ArrayList<>();
        for (int month = 1; month <= 12; month++) {
            List<String> part = new ArrayList<>(List.of(lines.get(0)));
            for (String line : lines.subList(1, lines.size())) {
                if (Integer.parseInt(line.split(",")[1].substring(4, 6)) == month) {
                    part.add(line);
                }
            }
            files.add(Files.write(dir.resolve(String.format(name + "-%02d.csv", month)), part));
        }
        return files;
    }

    /** Copies {@code file} into {@code dir}, its modification time {@code second}s after 2026: the stream's order. */
    static void arrive(Path file, Path dir, String name, int second) throws Exception {
        Path copy = Files.copy(file, dir.resolve(name));
        Files.setLastModifiedTime(copy, java.nio.file.attribute.FileTime.fromMillis(1_767_225_600_000L
                + second * 1000L));
    }


    /** Runs the stream over what is in {@code input} now (one file per micro-batch), writing JSON Lines. */
    static void runOnce(SparkSession spark, SavedModel saved, Path input, Path output, Path checkpoint,
                                StructType schema, LongAccumulator late) throws Exception {
        Dataset<Row> rows = spark.readStream().schema(schema).option("header", true).option("maxFilesPerTrigger", 1)
                .csv(input.toString());
        StreamingQuery query = StreamForecaster.forecasts(rows, saved, LAYOUT, input.toString(),
                        new KernelSettings(Precision.FLOAT64, 0), null,
                        new org.sparkrnn.driver.data.stream.SeriesStream.Counters(late, null, null))
                .writeStream().format("json").option("checkpointLocation", checkpoint.toString())
                .trigger(Trigger.AvailableNow()).start(output.toString());
        runToEnd(query);
    }

    /**
     * Runs {@code query} to its end (available-now), then ends it so that nothing writes into its checkpoint after
     * this, even when the query failed.
     */
    static void runToEnd(StreamingQuery query) throws Exception {
        try {
            query.awaitTermination();
        } finally {
            QueryShutdown.stop(query);
        }
    }

    /**
     * A per-step model (trained on whole series, a label per step) carries each series' recurrent state (h and c of
     * both layers) from micro-batch to micro-batch: every streamed row's forecast equals per-step batch prediction
     * over the series' whole prefix, to 1e-12 in float64, also across a restart from the checkpoint; the command
     * line streams it with the table's columns given.
     */
    @Test
    void perStepModelsCarryTheirStateAcrossMicroBatchesAndRestarts() throws Exception {
        // every year of the CO2 table as one sequence, each week labelled with the next week's value; a per-step
        // model's state cannot step over a missing value, so the weeks without one are left out
        List<String> lines = Files.readAllLines(Path.of("../data/co2-by-year.csv"));
        List<String> whole = new ArrayList<>(List.of(lines.get(0)));
        lines.stream().skip(1).filter(line -> !line.contains(",,")).forEach(whole::add);
        Path table = Files.write(tmp.resolve("co2-whole.csv"), whole);
        Map<String, List<String[]>> years = new java.util.TreeMap<>();
        for (String line : whole.subList(1, whole.size())) {
            String[] f = line.split(",");
            years.computeIfAbsent(f[0], y -> new ArrayList<>()).add(f);
        }
        List<String> records = new ArrayList<>();
        for (Map.Entry<String, List<String[]>> year : years.entrySet()) {
            List<String[]> weeks = year.getValue();
            weeks.sort(java.util.Comparator.comparing(f -> f[1]));
            StringBuilder features = new StringBuilder();
            StringBuilder labels = new StringBuilder();
            for (int t = 0; t < weeks.size(); t++) {
                features.append(t == 0 ? "" : ",").append("[").append(weeks.get(t)[2]).append(",")
                        .append(weeks.get(t)[3]).append("]");
                labels.append(t == 0 ? "" : ",").append(t + 1 < weeks.size() ? weeks.get(t + 1)[2] : "null");
            }
            records.add("{\"year\":" + year.getKey() + ",\"features\":[" + features + "],\"labels\":[" + labels
                    + "]}");
        }
        Path series = Files.write(tmp.resolve("years.jsonl"), records);
        Path model = tmp.resolve("per-step");
        SharedSpark.stop();
        assertEquals(0, Main.run("train", "--data", series.toString(), "--format", "jsonl", "--hidden", "6,5",
                "--normalize", "standard", "--iterations", "10", "--precision", "float64", "--log-every", "100",
                "--master", "local[2]", "--model-dir", model.toString()));
        assertEquals(0, Main.run("predict", "--model-dir", model.toString(), "--output",
                tmp.resolve("batch").toString(), "--precision", "float64", "--master", "local[2]"));
        SparkSession spark = SparkSession.builder().sparkContext(SharedSpark.get().sc()).getOrCreate().newSession();
        spark.conf().set("spark.sql.shuffle.partitions", "3");
        Map<String, Double> batch = new HashMap<>(); // (year, date) -> the prediction at that week
        for (Row row : spark.read().json(tmp.resolve("batch").toString()).collectAsList()) {
            String year = String.valueOf(row.<Object>getAs("year"));
            List<Double> steps = row.getList(row.fieldIndex("prediction"));
            List<String[]> weeks = years.get(year);
            assertEquals(weeks.size(), steps.size());
            for (int t = 0; t < steps.size(); t++) {
                batch.put(year + "@" + weeks.get(t)[1], steps.get(t));
            }
        }

        SavedModel saved = new ModelDirectory(new FileStore(spark.sparkContext().hadoopConfiguration()),
                model.toString()).readModel();
        TableLayout columns = new TableLayout("year", "date", List.of("co2", "season"), List.of("co2"), 1, 1,
                new int[] {1}, MissingValues.SKIP, null, WindowTransform.NONE, java.util.List.of(), null);
        StructType schema = spark.read().option("header", true).csv("../data/co2-by-year.csv").schema();
        List<Path> months = monthFiles(tmp, table, "whole");
        Path in = Files.createDirectories(tmp.resolve("in-steps"));
        for (int part = 0; part < 2; part++) { // six months, stopped, started again from the checkpoint, six more
            for (int m = 6 * part; m < 6 * part + 6; m++) {
                arrive(months.get(m), in, months.get(m).getFileName().toString(), m);
            }
            Dataset<Row> rows = spark.readStream().schema(schema).option("header", true)
                    .option("maxFilesPerTrigger", 2).csv(in.toString());
            runToEnd(StreamForecaster.forecasts(rows, saved, columns, in.toString(),
                            new KernelSettings(Precision.FLOAT64, 0), null,
                            org.sparkrnn.driver.data.stream.SeriesStream.Counters.NONE)
                    .writeStream().format("json").option("checkpointLocation", tmp.resolve("ck-steps").toString())
                    .trigger(Trigger.AvailableNow()).start(tmp.resolve("out-steps").toString()));
        }
        Map<String, Double> streamed = predictions(spark, tmp.resolve("out-steps"));
        assertEquals(batch.keySet(), streamed.keySet(), "every week of every year, once");
        double worst = 0;
        for (Map.Entry<String, Double> entry : batch.entrySet()) {
            worst = Math.max(worst, Math.abs(entry.getValue() - streamed.get(entry.getKey())));
        }
        assertTrue(worst <= 1e-12, "largest difference " + worst);

        // a row with a missing input is a bad row (rejected here, counted with its problem)
        org.apache.spark.util.CollectionAccumulator<String> rejected = spark.sparkContext().collectionAccumulator();
        Path gaps = Files.createDirectories(tmp.resolve("in-gaps"));
        arrive(monthFiles().get(4), gaps, "may.csv", 0);
        long empty = Files.readAllLines(gaps.resolve("may.csv")).stream().filter(line -> line.contains(",,")).count();
        runToEnd(StreamForecaster.forecasts(spark.readStream().schema(schema).option("header", true)
                        .csv(gaps.toString()), saved, columns, gaps.toString(),
                        new KernelSettings(Precision.FLOAT64, 0), null,
                        new org.sparkrnn.driver.data.stream.SeriesStream.Counters(null, null, rejected))
                .writeStream().format("json").option("checkpointLocation", tmp.resolve("ck-gaps").toString())
                .trigger(Trigger.AvailableNow()).start(tmp.resolve("out-gaps").toString()));
        assertTrue(empty > 0);
        assertEquals(empty, rejected.value().size(), rejected.value().toString());
        assertTrue(rejected.value().get(0).matches(".*in-gaps: series \\d{4} at time \\d{8}: column 'co2' is empty;"
                + " a per-step model's state cannot step over a missing input \\(file:.*may.csv\\)"),
                rejected.value().get(0));

        // the command line: the model was trained on sequences, so the table's columns are given
        SharedSpark.stop();
        assertEquals(0, Main.run("stream", "--model-dir", model.toString(), "--source", in.toString(), "--format",
                "csv", "--id-column", "year", "--time-column", "date", "--feature-columns", "co2,season",
                "--output", tmp.resolve("out-steps-cli").toString(), "--checkpoint-location",
                tmp.resolve("ck-steps-cli").toString(), "--trigger", "available-now", "--precision", "float64",
                "--master", "local[2]"));
        spark = SparkSession.builder().sparkContext(SharedSpark.get().sc()).getOrCreate();
        assertEquals(streamed, predictions(spark, tmp.resolve("out-steps-cli")));
    }

    /** Rows (id, t, v) cut into windows of 3 steps, forecasting v: the table of the two tests below. */
    private static final TableLayout TINY_TABLE = new TableLayout("id", "t", List.of("v"), List.of("v"), 3, 1,
            new int[] {1}, MissingValues.SKIP, null, WindowTransform.NONE, java.util.List.of(), null);

    /** An LSTM(4) window model with its initial weights: what it forecasts does not matter below, when it does. */
    private static SavedModel untrainedWindowModel() {
        org.sparkrnn.model.NetworkSpec spec = new org.sparkrnn.model.NetworkSpec(1,
                List.of(org.sparkrnn.model.LayerSpec.lstm(4)), 1, org.sparkrnn.model.Loss.MSE);
        return new SavedModel(spec, org.sparkrnn.model.Initializer.initialize(
                new org.sparkrnn.model.ParameterLayout(spec), org.sparkrnn.model.InitOptions.defaults()),
                new org.sparkrnn.driver.data.records.RecordShape(1, false, org.sparkrnn.data.LabelShape.PER_SEQUENCE,
                        org.sparkrnn.data.LabelKind.VALUES, 1, 0), null, null, WindowTransform.NONE);
    }

    /**
     * A model that scales each series by its own training scale ({@code --normalize series}) forecasts a stream as
     * batch {@code predict} does, window for window: the stream's windows find their series' scale by the key column,
     * and the series the model never saw (the years after the time hold-out) are scaled by each window's own values,
     * in both.
     */
    @Test
    void aSeriesScaledModelStreamsAsItPredicts() throws Exception {
        Path model = tmp.resolve("series-model");
        SharedSpark.stop();
        assertEquals(0, Main.run("train", "--data", "../data/co2-by-year.csv", "--format", "csv", "--id-column",
                "year", "--time-column", "date", "--feature-columns", "co2,season", "--target-column", "co2",
                "--window", "8", "--relative-to-last", "--normalize", "series", "--calendar", "month-of-year",
                "--time-format", "yyyyMMdd", "--validate-from", "19950101", "--hidden", "8", "--iterations", "20",
                "--precision", "float64", "--log-every", "100", "--master", "local[2]", "--model-dir",
                model.toString()));
        assertEquals(0, Main.run("predict", "--model-dir", model.toString(), "--output",
                tmp.resolve("series-batch").toString(), "--precision", "float64", "--master", "local[2]"));
        SparkSession spark = SparkSession.builder().sparkContext(SharedSpark.get().sc()).getOrCreate().newSession();
        spark.conf().set("spark.sql.shuffle.partitions", "4");
        SavedModel saved = new ModelDirectory(new FileStore(spark.sparkContext().hadoopConfiguration()),
                model.toString()).readModel();
        assertEquals(37, saved.seriesScaling().size(), "the years 1958-1994 have a row before the hold-out");
        Path in = Files.createDirectories(tmp.resolve("series-in"));
        List<Path> months = monthFiles();
        for (int m = 0; m < 12; m++) {
            arrive(months.get(m), in, months.get(m).getFileName().toString(), m);
        }
        StructType schema = spark.read().option("header", true).csv("../data/co2-by-year.csv").schema();
        runOnce(spark, saved, in, tmp.resolve("series-out"), tmp.resolve("series-ck"), schema,
                spark.sparkContext().longAccumulator("late"));
        Map<String, Double> batch = predictions(spark, tmp.resolve("series-batch"));
        Map<String, Double> streamed = predictions(spark, tmp.resolve("series-out"));
        assertEquals(batch.keySet(), streamed.keySet(), "every window of the table, once");
        for (Map.Entry<String, Double> entry : batch.entrySet()) {
            assertEquals(entry.getValue(), streamed.get(entry.getKey()), 1e-12, entry.getKey());
        }
        assertTrue(batch.keySet().stream().anyMatch(k -> k.startsWith("2001@")), "an unseen year forecast too");
        // the model's time step (a week, inferred in training) keys every forecast by the week it predicts, in both
        assertEquals(new org.sparkrnn.driver.config.Frequency(1, org.sparkrnn.driver.config.Frequency.Unit.WEEK),
                saved.frequency());
        Map<String, String> batchTimes = forecastTimes(spark, tmp.resolve("series-batch"));
        assertEquals(batchTimes, forecastTimes(spark, tmp.resolve("series-out")));
        assertEquals("20020105", batchTimes.get("2001@20011229"), "the week after the data's last");
    }

    /**
     * A model with statics — a number (the year's decade) and text (its era: one-hot by the model's categories) —
     * streams as it predicts: the stream reads the statics from each arriving row, as the model's categories say.
     */
    @Test
    void aModelWithStaticsStreamsAsItPredicts() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("../data/co2-by-year.csv"));
        List<String> rows = new ArrayList<>(List.of(lines.get(0) + ",decade,era"));
        for (String line : lines.subList(1, lines.size())) {
            int year = Integer.parseInt(line.split(",")[0]);
            rows.add(line + "," + (year / 10 * 10) + "," + (year < 1975 ? "early" : year < 1990 ? "middle" : "late"));
        }
        Path table = Files.write(tmp.resolve("co2-statics.csv"), rows);
        Path model = tmp.resolve("statics-model");
        SharedSpark.stop();
        assertEquals(0, Main.run("train", "--data", table.toString(), "--format", "csv", "--id-column", "year",
                "--time-column", "date", "--feature-columns", "co2,season", "--target-column", "co2",
                "--static-columns", "decade,era", "--window", "8", "--relative-to-last", "--normalize", "window",
                "--time-format", "yyyyMMdd", "--hidden", "6", "--iterations", "15", "--precision", "float64",
                "--log-every", "100", "--master", "local[2]", "--model-dir", model.toString()));
        assertEquals(0, Main.run("predict", "--model-dir", model.toString(), "--output",
                tmp.resolve("statics-batch").toString(), "--precision", "float64", "--master", "local[2]"));
        SparkSession spark = SparkSession.builder().sparkContext(SharedSpark.get().sc()).getOrCreate().newSession();
        spark.conf().set("spark.sql.shuffle.partitions", "4");
        SavedModel saved = new ModelDirectory(new FileStore(spark.sparkContext().hadoopConfiguration()),
                model.toString()).readModel();
        assertEquals(Map.of("decade", List.of(), "era", List.of("early", "late", "middle")),
                saved.shape().staticCategories());
        assertEquals(2 + 1 + 3, saved.shape().inputSize(), "co2, season, decade, era=early|late|middle");
        TableLayout layout = new TableLayout("year", "date", List.of("co2", "season"), List.of("co2"), 8, 1,
                new int[] {1}, MissingValues.SKIP, null, WindowTransform.WINDOW_FROM_LAST, false, List.of(),
                "yyyyMMdd", null, List.of(), List.of("decade", "era"), false)
                .withCategories(saved.shape().staticCategories());
        Path in = Files.createDirectories(tmp.resolve("statics-in"));
        List<Path> months = monthFiles(tmp, table, "statics");
        for (int m = 0; m < 12; m++) {
            arrive(months.get(m), in, months.get(m).getFileName().toString(), m);
        }
        StructType schema = spark.read().option("header", true).csv(table.toString()).schema();
        Dataset<Row> arriving = spark.readStream().schema(schema).option("header", true)
                .option("maxFilesPerTrigger", 1).csv(in.toString());
        StreamingQuery query = StreamForecaster.forecasts(arriving, saved, layout, in.toString(),
                        new KernelSettings(Precision.FLOAT64, 0), null,
                        new org.sparkrnn.driver.data.stream.SeriesStream.Counters(
                                spark.sparkContext().longAccumulator("late"), null, null))
                .writeStream().format("json").option("checkpointLocation", tmp.resolve("statics-ck").toString())
                .trigger(Trigger.AvailableNow()).start(tmp.resolve("statics-out").toString());
        runToEnd(query);
        Map<String, Double> batch = predictions(spark, tmp.resolve("statics-batch"));
        Map<String, Double> streamed = predictions(spark, tmp.resolve("statics-out"));
        assertEquals(batch.keySet(), streamed.keySet(), "every window of the table, once");
        for (Map.Entry<String, Double> entry : batch.entrySet()) {
            assertEquals(entry.getValue(), streamed.get(entry.getKey()), 1e-12, entry.getKey());
        }
    }

    /**
     * A model with a forecast decoder streams as it predicts: each window once the rows of the steps it predicts
     * have come. Four series of the employment panel with a known covariate (weekdays) and a static, arriving a year
     * per micro-batch, then three future rows each (target empty): every window's forecast equals {@code predict}'s
     * over the whole table (1e-12), the last ones forecasting the future. Then the months' actual values arrive for
     * future rows the stream holds: it fills them in, and the windows they complete follow, as predict gives them
     * over the table with those values.
     */
    @Test
    void aDecoderModelStreamsAsItPredicts() throws Exception {
        List<String> all = Files.readAllLines(Path.of("../data/us-employment-by-sector.csv"));
        List<String> series = List.of("construction", "manufacturing", "information", "utilities");
        String header = "sector,month,employed,weekdays,goods";
        List<String> history = new ArrayList<>();
        for (String line : all.subList(1, all.size())) {
            String[] f = line.split(",");
            if (series.contains(f[0])) {
                history.add(line + "," + weekdays(java.time.LocalDate.parse(f[1])) + ","
                        + (f[0].equals("construction") || f[0].equals("manufacturing") ? 1 : 0));
            }
        }
        java.util.function.Function<String, List<String>> futureOf = after -> {
            List<String> rows = new ArrayList<>();
            for (String name : series) {
                java.time.LocalDate month = java.time.LocalDate.parse(after);
                for (int k = 1; k <= 3; k++) {
                    rows.add(name + "," + month.plusMonths(k) + ",," + weekdays(month.plusMonths(k)) + ",");
                }
            }
            return rows;
        };
        Path model = tmp.resolve("decoder-model");
        List<String> table = new ArrayList<>(List.of(header));
        table.addAll(history);
        Path historyCsv = Files.write(tmp.resolve("decoder-history.csv"), table);
        SharedSpark.stop();
        assertEquals(0, Main.run("train", "--data", historyCsv.toString(), "--format", "csv", "--id-column",
                "sector", "--time-column", "month", "--target-column", "employed", "--known-columns", "weekdays",
                "--static-columns", "goods", "--calendar", "month-of-year", "--decoder-hidden", "4", "--window",
                "12", "--horizon", "1..3", "--hidden", "5", "--iterations", "6", "--batch-size", "all",
                "--precision", "float64", "--log-every", "100", "--master", "local[2]", "--model-dir",
                model.toString()));
        List<String> future = new ArrayList<>(List.of(header));
        future.addAll(futureOf.apply("2015-12-01"));
        List<String> whole = new ArrayList<>(table);
        whole.addAll(future.subList(1, future.size()));
        Map<String, List<Double>> batch = decoderBatch(model, Files.write(tmp.resolve("decoder-whole.csv"), whole),
                tmp.resolve("decoder-batch"));
        SparkSession spark = SparkSession.builder().sparkContext(SharedSpark.get().sc()).getOrCreate().newSession();
        spark.conf().set("spark.sql.shuffle.partitions", "4");
        SavedModel saved = new ModelDirectory(new FileStore(spark.sparkContext().hadoopConfiguration()),
                model.toString()).readModel();
        TableLayout layout = decoderLayout(saved, List.of("weekdays"));

        // 1: a year per micro-batch, then the future rows
        Path in = Files.createDirectories(tmp.resolve("decoder-in"));
        int second = 0;
        for (int year = 2006; year <= 2015; year++) {
            String prefix = "," + year + "-";
            List<String> part = new ArrayList<>(List.of(header));
            history.stream().filter(r -> r.contains(prefix)).forEach(part::add);
            arrive(Files.write(tmp.resolve("y" + year + ".csv"), part), in, "y" + year + ".csv", second++);
        }
        arrive(Files.write(tmp.resolve("future.csv"), future), in, "z-future.csv", second++);
        Map<String, List<Double>> streamed = decoderStream(spark, saved, layout, in, tmp.resolve("decoder-out"),
                tmp.resolve("decoder-ck"), historyCsv);
        assertEquals(batch.keySet(), streamed.keySet(), "every window of the table, once");
        assertTrue(streamed.containsKey("utilities@2015-12-01"), "the forecast of the future: " + streamed.keySet());
        assertClose(batch, streamed);

        // 2: the future rows of October to December come first; then their actual values fill them in
        Path in2 = Files.createDirectories(tmp.resolve("decoder-in2"));
        List<String> before = new ArrayList<>(List.of(header));
        history.stream().filter(r -> r.compareTo(r.split(",")[0] + ",2015-10") < 0).forEach(before::add);
        arrive(Files.write(tmp.resolve("before.csv"), before), in2, "a.csv", 0);
        List<String> ahead = new ArrayList<>(List.of(header));
        ahead.addAll(futureOf.apply("2015-09-01"));
        arrive(Files.write(tmp.resolve("ahead.csv"), ahead), in2, "b.csv", 1);
        List<String> actual = new ArrayList<>(List.of(header));
        history.stream().filter(r -> r.compareTo(r.split(",")[0] + ",2015-10") > 0).forEach(actual::add);
        arrive(Files.write(tmp.resolve("actual.csv"), actual), in2, "c.csv", 2);
        arrive(tmp.resolve("future.csv"), in2, "d.csv", 3);
        Map<String, List<Double>> filled = decoderStream(spark, saved, layout, in2, tmp.resolve("decoder-out2"),
                tmp.resolve("decoder-ck2"), historyCsv);
        assertEquals(batch.keySet(), filled.keySet(), "every window once, those the filled rows complete too");
        assertClose(batch, filled);
    }

    /**
     * A decoder that reads only the statics and the calendar forecasts each window as soon as its last row has come
     * (the steps it predicts made from their times), no future rows sent: three years per micro-batch of four series
     * whose table simply ends at their last values; every window's forecast, the last ones forecasting past the
     * data, equals {@code predict}'s over the same table (which makes the steps the same way), and each micro-batch
     * forecasts the windows that end in it (none waits for the next).
     */
    @Test
    void aCalendarDecoderForecastsEachWindowWhenItsLastRowComes() throws Exception {
        List<String> all = Files.readAllLines(Path.of("../data/us-employment-by-sector.csv"));
        List<String> series = List.of("construction", "manufacturing", "information", "utilities");
        String header = "sector,month,employed,goods";
        List<String> table = new ArrayList<>(List.of(header));
        for (String line : all.subList(1, all.size())) {
            String[] f = line.split(",");
            if (series.contains(f[0])) {
                table.add(line + "," + (f[0].equals("construction") || f[0].equals("manufacturing") ? 1 : 0));
            }
        }
        Path history = Files.write(tmp.resolve("calendar-history.csv"), table);
        Path model = tmp.resolve("calendar-model");
        SharedSpark.stop();
        assertEquals(0, Main.run("train", "--data", history.toString(), "--format", "csv", "--id-column", "sector",
                "--time-column", "month", "--target-column", "employed", "--static-columns", "goods", "--calendar",
                "month-of-year", "--decoder-hidden", "4", "--window", "12", "--horizon", "1..3", "--hidden", "5",
                "--iterations", "6", "--batch-size", "all", "--precision", "float64", "--log-every", "100",
                "--master", "local[2]", "--model-dir", model.toString()));
        Map<String, List<Double>> batch = decoderBatch(model, history, tmp.resolve("calendar-batch"));
        SparkSession spark = SparkSession.builder().sparkContext(SharedSpark.get().sc()).getOrCreate().newSession();
        spark.conf().set("spark.sql.shuffle.partitions", "4");
        SavedModel saved = new ModelDirectory(new FileStore(spark.sparkContext().hadoopConfiguration()),
                model.toString()).readModel();
        TableLayout layout = decoderLayout(saved, List.of());
        Path in = Files.createDirectories(tmp.resolve("calendar-in"));
        int second = 0;
        for (int from = 2006; from <= 2015; from += 3) {
            List<String> part = new ArrayList<>(List.of(header));
            for (String row : table.subList(1, table.size())) {
                int year = Integer.parseInt(row.split(",")[1].substring(0, 4));
                if (year >= from && year < from + 3) {
                    part.add(row);
                }
            }
            arrive(Files.write(tmp.resolve("c" + from + ".csv"), part), in, "c" + from + ".csv", second++);
        }
        Path out = tmp.resolve("calendar-out");
        Map<String, List<Double>> streamed = decoderStream(spark, saved, layout, in, out,
                tmp.resolve("calendar-ck"), history);
        assertEquals(batch.keySet(), streamed.keySet(), "every window of the table, once");
        assertTrue(streamed.containsKey("utilities@2015-12-01"), "the forecast past the data: " + streamed.keySet());
        assertClose(batch, streamed);
        // the first micro-batch (2006-2008) forecasts every window that ends in it: 25 per series, from 2006-12
        // (its first) to 2008-12 (its last, whose steps ahead have not come); the file sink's log lists its files
        List<String> firstBatch = new ArrayList<>();
        for (String entry : Files.readAllLines(out.resolve("_spark_metadata").resolve("0"))) {
            java.util.regex.Matcher file = java.util.regex.Pattern.compile("\"path\":\"([^\"]+)\"").matcher(entry);
            if (file.find()) {
                firstBatch.addAll(Files.readAllLines(Path.of(java.net.URI.create(file.group(1)))));
            }
        }
        assertEquals(4 * 25, firstBatch.size(), String.join("\n", firstBatch));
        assertEquals(4, firstBatch.stream().filter(l -> l.contains("\"time\":\"2008-12-01\"")).count(),
                String.join("\n", firstBatch));
    }

    /** The employment panel's layout for a decoder model: window 12, horizons 1..3, month of year, goods. */
    private static TableLayout decoderLayout(SavedModel saved, List<String> knownColumns) {
        return new TableLayout("sector", "month", List.of("employed"), List.of("employed"), 12, 1,
                new int[] {1, 2, 3}, MissingValues.SKIP, null, WindowTransform.NONE, false,
                List.of(org.sparkrnn.driver.config.CalendarFeature.MONTH_OF_YEAR), null, saved.frequency(),
                knownColumns, List.of("goods"), true).withCategories(saved.shape().staticCategories());
    }

    private static int weekdays(java.time.LocalDate month) {
        int n = 0;
        for (java.time.LocalDate d = month.withDayOfMonth(1); d.getMonth() == month.getMonth(); d = d.plusDays(1)) {
            n += d.getDayOfWeek().getValue() >= 6 ? 0 : 1;
        }
        return n;
    }

    /** predict over {@code table}: (sector, time) -> the forecast of each step. */
    private static Map<String, List<Double>> decoderBatch(Path model, Path table, Path out) {
        SharedSpark.stop();
        assertEquals(0, Main.run("predict", "--model-dir", model.toString(), "--data", table.toString(),
                "--output", out.toString(), "--precision", "float64", "--master", "local[2]"));
        SparkSession spark = SparkSession.builder().sparkContext(SharedSpark.get().sc()).getOrCreate();
        return decoderForecasts(spark, out);
    }

    /** The stream over what is in {@code in} (a file per micro-batch): (sector, time) -> each step's forecast. */
    private static Map<String, List<Double>> decoderStream(SparkSession spark, SavedModel saved, TableLayout layout,
                                                           Path in, Path out, Path checkpoint, Path like)
            throws Exception {
        StructType schema = spark.read().option("header", true).csv(like.toString()).schema();
        Dataset<Row> rows = spark.readStream().schema(schema).option("header", true).option("maxFilesPerTrigger", 1)
                .csv(in.toString());
        runToEnd(StreamForecaster.forecasts(rows, saved, layout, in.toString(), new KernelSettings(Precision.FLOAT64,
                        0), null, new org.sparkrnn.driver.data.stream.SeriesStream.Counters(
                        spark.sparkContext().longAccumulator("late"), null, null))
                .writeStream().format("json").option("checkpointLocation", checkpoint.toString())
                .trigger(Trigger.AvailableNow()).start(out.toString()));
        return decoderForecasts(spark, out);
    }

    private static Map<String, List<Double>> decoderForecasts(SparkSession spark, Path dir) {
        Map<String, List<Double>> out = new HashMap<>();
        for (Row row : spark.read().json(dir.toString()).collectAsList()) {
            String key = row.getAs("sector") + "@" + row.getAs("time");
            List<Double> y = row.getList(row.fieldIndex("prediction"));
            assertEquals(null, out.put(key, y), "one forecast per window: " + key);
        }
        return out;
    }

    private static void assertClose(Map<String, List<Double>> expected, Map<String, List<Double>> actual) {
        expected.forEach((key, y) -> {
            for (int s = 0; s < y.size(); s++) {
                assertEquals(y.get(s), actual.get(key).get(s), 1e-12, key + " step " + s);
            }
        });
    }

    /** (year, time) -> forecast_time, from JSON Lines files. */
    static Map<String, String> forecastTimes(SparkSession spark, Path dir) {
        Map<String, String> out = new HashMap<>();
        for (Row row : spark.read().json(dir.toString()).collectAsList()) {
            out.put(row.getAs("year") + "@" + row.getAs("time"), row.getAs("forecast_time"));
        }
        return out;
    }

    /**
     * A stream checks each series' steps: with {@code --frequency} given, a series that skips one stops the query
     * naming the series and the gap; with the model's step (inferred when it was trained), no window reads across the
     * gap (the window ending at 5 would hold 3, 4, 5 with 4 missing: none is made until 5, 6, 7); every forecast
     * carries the time it predicts.
     */
    @Test
    void aStreamChecksEachSeriesStepsAndKeysForecastsByThem() throws Exception {
        SparkSession spark = SparkSession.builder().sparkContext(SharedSpark.get().sc()).getOrCreate().newSession();
        spark.conf().set("spark.sql.shuffle.partitions", "2");
        StructType schema = new StructType().add("id", "string").add("t", "long").add("v", "double");
        Path in = Files.createDirectories(tmp.resolve("steps-in"));
        List<String> rows = new ArrayList<>();
        for (int t : new int[] {1, 2, 3, 5, 6, 7, 8}) {
            rows.add("{\"id\":\"a\",\"t\":" + t + ",\"v\":" + t + ".0}");
        }
        Files.write(in.resolve("rows.json"), rows);
        org.sparkrnn.driver.config.Frequency one = org.sparkrnn.driver.config.Frequency.parse("1");
        SavedModel model = untrainedWindowModel();
        SavedModel stepped = new SavedModel(model.spec(), model.params(), model.shape(), null, null,
                WindowTransform.NONE, null, one);
        // the model's step: the windows that do not read across the gap, keyed by the step they predict
        StreamingQuery lenient = StreamForecaster.forecasts(spark.readStream().schema(schema).json(in.toString()),
                        stepped, TINY_TABLE, in.toString(), new KernelSettings(Precision.FLOAT64, 0), null,
                        org.sparkrnn.driver.data.stream.SeriesStream.Counters.NONE)
                .writeStream().format("memory").queryName("steps_lenient")
                .option("checkpointLocation", tmp.resolve("steps-ck").toString())
                .trigger(Trigger.AvailableNow()).start();
        runToEnd(lenient);
        Map<String, String> forecasts = new HashMap<>();
        for (Row row : spark.sql("SELECT time, forecast_time FROM steps_lenient").collectAsList()) {
            forecasts.put(row.getString(0), row.getString(1));
        }
        assertEquals(Map.of("3", "4", "7", "8", "8", "9"), forecasts, "windows 1-3, 5-7 and 6-8; none across 4");
        // a given step: the gap stops the query, naming the series and the gap
        StreamingQuery strict = StreamForecaster.forecasts(spark.readStream().schema(schema).json(in.toString()),
                        model, TINY_TABLE.withFrequency(one), in.toString(), new KernelSettings(Precision.FLOAT64, 0),
                        null, org.sparkrnn.driver.data.stream.SeriesStream.Counters.NONE)
                .writeStream().format("memory").queryName("steps_strict")
                .option("checkpointLocation", tmp.resolve("steps-strict-ck").toString())
                .trigger(Trigger.AvailableNow()).start();
        Exception failed = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> runToEnd(strict));
        Throwable cause = failed;
        while (cause.getCause() != null && !(cause instanceof org.sparkrnn.driver.UserError)) {
            cause = cause.getCause();
        }
        assertTrue(String.valueOf(cause.getMessage()).contains(in + ": series a skips a step of --frequency 1: after"
                + " 3 comes 5, not 4"), String.valueOf(failed));
    }

    /**
     * {@code timeout}: a series that sends nothing for longer is forgotten (its state removed by Spark's
     * processing-time timeout, checked in micro-batches without data too), so its next rows start it afresh and
     * complete no window until it has T rows again; kept, the same rows complete windows at once.
     */
    @Test
    void aQuietSeriesIsForgottenAfterTheTimeout() throws Exception {
        SparkSession spark = SparkSession.builder().sparkContext(SharedSpark.get().sc()).getOrCreate().newSession();
        spark.conf().set("spark.sql.shuffle.partitions", "2");
        SavedModel saved = untrainedWindowModel();
        TableLayout layout = TINY_TABLE;
        StructType schema = new StructType().add("id", "string").add("t", "long").add("v", "double");
        Map<String, Long> forecasts = new HashMap<>();
        for (String timeout : List.of("kept", "forgotten")) {
            Path in = Files.createDirectories(tmp.resolve("quiet-in-" + timeout));
            Dataset<Row> rows = spark.readStream().schema(schema).json(in.toString());
            StreamingQuery query = StreamForecaster.forecasts(rows, saved, layout, in.toString(),
                            new KernelSettings(Precision.FLOAT64, 0),
                            timeout.equals("kept") ? null : java.time.Duration.ofMillis(500),
                            org.sparkrnn.driver.data.stream.SeriesStream.Counters.NONE)
                    .writeStream().format("memory").queryName("quiet_" + timeout)
                    .option("checkpointLocation", tmp.resolve("quiet-ck-" + timeout).toString())
                    .trigger(Trigger.ProcessingTime(100)).start();
            try {
                Files.write(in.resolve("first.json"), List.of("{\"id\":\"a\",\"t\":1,\"v\":1.0}",
                        "{\"id\":\"a\",\"t\":2,\"v\":2.0}", "{\"id\":\"a\",\"t\":3,\"v\":3.0}"));
                awaitRows(query, 3);
                if (timeout.equals("kept")) {
                    Thread.sleep(2_000); // as quiet as the other for four timeouts: nothing to wait for, it is kept
                } else {
                    awaitState(query, 0); // the timeout ran out and an empty micro-batch removed the series
                }
                Files.write(in.resolve("second.json"), List.of("{\"id\":\"a\",\"t\":4,\"v\":4.0}",
                        "{\"id\":\"a\",\"t\":5,\"v\":5.0}"));
                awaitRows(query, 5);
                forecasts.put(timeout, spark.sql("SELECT count(*) FROM quiet_" + timeout).first().getLong(0));
            } finally {
                QueryShutdown.stop(query);
            }
        }
        assertEquals(3L, forecasts.get("kept"), "windows ending at 3, 4 and 5");
        assertEquals(1L, forecasts.get("forgotten"), "only the window ending at 3: 4 and 5 start the series afresh");
    }

    /**
     * Once {@link QueryShutdown#stop} returns, nothing writes into the query's checkpoint: no task of it runs, and
     * Spark's state-store maintenance (here every 50 ms, a snapshot after every 2 deltas, so it writes often) no
     * longer holds the query's stores. The checkpoint deleted then stays deleted. (With {@code query.stop()} alone,
     * maintenance wrote snapshots into a deleted checkpoint, or JUnit failed to delete it: issue 32.)
     */
    @Test
    void aStoppedQueryLeavesItsCheckpointAlone() throws Exception {
        SparkSession spark = SparkSession.builder().sparkContext(SharedSpark.get().sc()).getOrCreate().newSession();
        spark.conf().set("spark.sql.shuffle.partitions", "2");
        spark.conf().set("spark.sql.streaming.stateStore.maintenanceInterval", "50ms");
        spark.conf().set("spark.sql.streaming.stateStore.minDeltasForSnapshot", "2");
        // maintenance keeps the interval of the query that started it: stopped (nothing is loaded between tests),
        // this query starts it again with its own
        org.apache.spark.sql.execution.streaming.state.StateStore.stop();
        SavedModel saved = untrainedWindowModel();
        TableLayout layout = TINY_TABLE;
        Path in = Files.createDirectories(tmp.resolve("busy-in"));
        Path checkpoint = tmp.resolve("busy-ck");
        StreamingQuery query = StreamForecaster.forecasts(spark.readStream().schema(new StructType().add("id",
                                "string").add("t", "long").add("v", "double")).json(in.toString()), saved, layout,
                        in.toString(), new KernelSettings(Precision.FLOAT64, 0), java.time.Duration.ofMinutes(1),
                        org.sparkrnn.driver.data.stream.SeriesStream.Counters.NONE)
                .writeStream().format("memory").queryName("busy")
                .option("checkpointLocation", checkpoint.toString()).trigger(Trigger.ProcessingTime(20)).start();
        try {
            for (int t = 1; t <= 6; t++) {
                Files.write(in.resolve(t + ".json"), List.of("{\"id\":\"a\",\"t\":" + t + ",\"v\":" + t + "}",
                        "{\"id\":\"b\",\"t\":" + t + ",\"v\":" + -t + "}"));
                awaitRows(query, 2L * t);
            }
            assertTrue(java.nio.file.Files.walk(checkpoint).anyMatch(f -> f.toString().endsWith(".snapshot")),
                    "maintenance wrote snapshots while the query ran");
        } finally {
            QueryShutdown.stop(query);
        }
        List<String> before;
        try (java.util.stream.Stream<Path> files = Files.walk(checkpoint)) {
            before = files.map(Path::toString).sorted().toList();
        }
        try (java.util.stream.Stream<Path> files = Files.walk(checkpoint)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        } catch (java.nio.file.DirectoryNotEmptyException e) {
            try (java.util.stream.Stream<Path> files = Files.walk(checkpoint)) {
                throw new AssertionError("written after the stop: " + files.map(Path::toString).sorted().toList()
                        + "; before: " + before.size() + " files; threads: " + Thread.getAllStackTraces().keySet()
                        .stream().map(Thread::getName).sorted().toList(), e);
            }
        }
        Thread.sleep(500); // ten maintenance intervals: nothing to wait for, the directory must stay gone
        assertTrue(!Files.exists(checkpoint), "nothing wrote into the deleted checkpoint");
    }

    /** Waits until the query's last micro-batch left {@code rows} rows in its state store. */
    private static void awaitState(StreamingQuery query, long rows) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            var progress = query.lastProgress();
            if (progress != null && progress.stateOperators().length > 0
                    && progress.stateOperators()[0].numRowsTotal() == rows) {
                return;
            }
            assertTrue(System.currentTimeMillis() < deadline, "no state of " + rows + " rows in a minute");
            Thread.sleep(20);
        }
    }

    /**
     * Waits until the query has read {@code rows} rows in all (with a processing-time timeout Spark runs empty
     * micro-batches on every trigger, and {@code processAllAvailable} does not return).
     */
    private static void awaitRows(StreamingQuery query, long rows) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (java.util.Arrays.stream(query.recentProgress()).mapToLong(p -> p.numInputRows()).sum() < rows) {
            assertTrue(System.currentTimeMillis() < deadline, "no " + rows + " rows read in a minute");
            Thread.sleep(20);
        }
    }
}
