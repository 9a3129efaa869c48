package org.sparkrnn.driver.predict;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.data.WindowTransform;
import org.sparkrnn.driver.Printed;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.cli.Main;
import org.sparkrnn.driver.config.KernelSettings;
import org.sparkrnn.driver.config.MissingValues;
import org.sparkrnn.driver.config.TableLayout;
import org.sparkrnn.driver.data.stream.SeriesStream;
import org.sparkrnn.driver.model.FileStore;
import org.sparkrnn.driver.model.ModelDirectory;
import org.sparkrnn.driver.model.SavedModel;
import org.sparkrnn.kernel.Precision;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A window model's forecasts on a stream of long rows equal batch {@code predict} on the whole table, window for
 * window: the bundled CO2 table (one series per year, two features) arrives as twelve files, one per month of the
 * year, so every micro-batch holds a piece of every series and every series is split over twelve micro-batches. One
 * model, trained once for the class; one scenario per test: the uninterrupted stream, a restart from the checkpoint,
 * late rows, a bad value (stopping the query, or rejected), and the command line (to files, to the console, refusing
 * what it cannot run).
 */
@Tag("every-spark-line")
@Tag("no-numerics")
class StreamedWindowForecastsTest {

    private static final TableLayout LAYOUT = new TableLayout("year", "date", List.of("co2", "season"),
            List.of("co2"), 8, 1, new int[] {1}, MissingValues.SKIP, null, WindowTransform.WINDOW_FROM_LAST,
            List.of(org.sparkrnn.driver.config.CalendarFeature.MONTH_OF_YEAR), "yyyyMMdd");
    private static final KernelSettings FLOAT64 = new KernelSettings(Precision.FLOAT64, 0);

    @TempDir
    static Path shared;

    @TempDir
    Path tmp;

    private static Path model;
    private static SavedModel saved;
    private static Map<String, Double> batch;
    private static StructType schema;
    private static List<Path> months;
    /** The twelve months, as they arrive; the uninterrupted stream's input. */
    private static Path all;
    /** The uninterrupted stream's forecasts, and its late rows. */
    private static Map<String, Double> streamed;
    private static long late;

    @BeforeAll
    static void trainPredictAndStreamOnce() throws Exception {
        model = StreamForecasterTest.trainAndPredict(shared);
        SparkSession spark = session();
        saved = new ModelDirectory(new FileStore(spark.sparkContext().hadoopConfiguration()), model.toString())
                .readModel();
        batch = StreamForecasterTest.predictions(spark, shared.resolve("batch"));
        schema = spark.read().option("header", true).csv("../data/co2-by-year.csv").schema();
        months = StreamForecasterTest.monthFiles(shared, Path.of("../data/co2-by-year.csv"), "month");
        all = Files.createDirectories(shared.resolve("in-all"));
        for (int m = 0; m < 12; m++) {
            StreamForecasterTest.arrive(months.get(m), all, months.get(m).getFileName().toString(), m);
        }
        LongAccumulator lateRows = spark.sparkContext().longAccumulator("late");
        StreamForecasterTest.runOnce(spark, saved, all, shared.resolve("out-all"), shared.resolve("ck-all"), schema,
                lateRows);
        streamed = StreamForecasterTest.predictions(spark, shared.resolve("out-all"));
        late = lateRows.value();
    }

    /** A session of its own over the shared context: the state store's partitions, a few (Spark's default is 200). */
    private static SparkSession session() {
        SparkSession spark = SparkSession.builder().sparkContext(SharedSpark.get().sc()).getOrCreate().newSession();
        spark.conf().set("spark.sql.shuffle.partitions", "4");
        return spark;
    }

    @Test
    void theStreamForecastsEveryWindowOnceAsBatchPredictionDoes() {
        assertEquals(batch.keySet(), streamed.keySet(), "every window of the table, once");
        double worst = 0;
        for (Map.Entry<String, Double> entry : batch.entrySet()) {
            worst = Math.max(worst, Math.abs(entry.getValue() - streamed.get(entry.getKey())));
        }
        assertTrue(worst <= 1e-12, "largest difference " + worst);
        assertEquals(0, late);
    }

    /** Stopped after six months, started again from the checkpoint with the other six. */
    @Test
    void aRestartFromTheCheckpointLosesAndRepeatsNothing() throws Exception {
        SparkSession spark = session();
        halfThenTheRest(spark);
        assertEquals(streamed, StreamForecasterTest.predictions(spark, tmp.resolve("out-half")),
                "the same forecasts, none lost or repeated");
    }

    /** A month sent again after the year has moved on, to a query started again: every row late, none forecast. */
    @Test
    void rowsArrivingAfterTheirSeriesHasMovedOnAreLateAndCounted() throws Exception {
        SparkSession spark = session();
        Path half = halfThenTheRest(spark);
        StreamForecasterTest.arrive(months.get(0), half, "month-01-again.csv", 12);
        LongAccumulator lateAgain = spark.sparkContext().longAccumulator("late again");
        StreamForecasterTest.runOnce(spark, saved, half, tmp.resolve("out-half"), tmp.resolve("ck-half"), schema,
                lateAgain);
        assertEquals(Files.readAllLines(months.get(0)).size() - 1, lateAgain.value(), "January's rows, all late");
        assertEquals(streamed, StreamForecasterTest.predictions(spark, tmp.resolve("out-half")));
    }

    /** Six months, the query run to its end, then the other six from its checkpoint; the input directory. */
    private Path halfThenTheRest(SparkSession spark) throws Exception {
        Path half = Files.createDirectories(tmp.resolve("in-half"));
        for (int m = 0; m < 6; m++) {
            StreamForecasterTest.arrive(months.get(m), half, months.get(m).getFileName().toString(), m);
        }
        StreamForecasterTest.runOnce(spark, saved, half, tmp.resolve("out-half"), tmp.resolve("ck-half"), schema,
                null);
        int before = StreamForecasterTest.predictions(spark, tmp.resolve("out-half")).size();
        for (int m = 6; m < 12; m++) {
            StreamForecasterTest.arrive(months.get(m), half, months.get(m).getFileName().toString(), m);
        }
        StreamForecasterTest.runOnce(spark, saved, half, tmp.resolve("out-half"), tmp.resolve("ck-half"), schema,
                null);
        int after = StreamForecasterTest.predictions(spark, tmp.resolve("out-half")).size();
        assertTrue(before > 0 && before < after, before + " then " + after);
        return half;
    }

    /** January to March, a bad value in the fifth row. */
    private Path quarterWithABadValue() throws Exception {
        Path bad = Files.createDirectories(tmp.resolve("in-bad"));
        List<String> quarter = new ArrayList<>(Files.readAllLines(months.get(0)));
        quarter.addAll(Files.readAllLines(months.get(1)).subList(1, Files.readAllLines(months.get(1)).size()));
        quarter.addAll(Files.readAllLines(months.get(2)).subList(1, Files.readAllLines(months.get(2)).size()));
        quarter.set(5, quarter.get(5).replaceFirst("^(\\d{4},\\d{8}),[^,]*,", "$1,n/a,"));
        Files.write(bad.resolve("month-01.csv"), quarter);
        return bad;
    }

    /** By default a bad value stops the query, naming the source, series, time, column and file. */
    @Test
    void aBadValueStopsTheQueryNamingWhereItIs() throws Exception {
        SparkSession spark = session();
        Path bad = quarterWithABadValue();
        Exception stopped = assertThrows(Exception.class, () -> StreamForecasterTest.runOnce(spark, saved, bad,
                tmp.resolve("out-bad"), tmp.resolve("ck-bad"), schema, null));
        String message = UserError.findIn(stopped).getMessage();
        assertTrue(message.matches(".*in-bad: series \\d{4} at time \\d{8}: column 'co2' value 'n/a' is not a number"
                + " \\(file:.*month-01.csv\\)"), message);
    }

    /** Rejected (the --on-bad-record skip policy), a bad row is counted with its problem and the rest goes on. */
    @Test
    void aRejectedBadValueIsCountedAndTheRestIsForecast() throws Exception {
        SparkSession spark = session();
        Path bad = quarterWithABadValue();
        CollectionAccumulator<String> rejected = spark.sparkContext().collectionAccumulator();
        Dataset<Row> rows = spark.readStream().schema(schema).option("header", true).csv(bad.toString());
        StreamForecasterTest.runToEnd(StreamForecaster.forecasts(rows, saved, LAYOUT, bad.toString(), FLOAT64, null,
                        new SeriesStream.Counters(null, null, rejected))
                .writeStream().format("json").option("checkpointLocation", tmp.resolve("ck-skip").toString())
                .trigger(Trigger.AvailableNow()).start(tmp.resolve("out-skip").toString()));
        assertEquals(1, rejected.value().size(), rejected.value().toString());
        assertTrue(StreamForecasterTest.predictions(spark, tmp.resolve("out-skip")).size() > 0,
                "the other rows forecast");
    }

    /** The command line: the table options are the run's; one file per micro-batch, then it stops. */
    @Test
    void theCommandLineStreamsWithTheRunsTableOptions() {
        Printed.Output<Integer> cli = Printed.commandLine(false, "stream", "--model-dir", model.toString(),
                "--source", all.toString(), "--output", tmp.resolve("out-cli").toString(), "--checkpoint-location",
                tmp.resolve("ck-cli").toString(), "--trigger", "available-now", "--max-files-per-trigger", "1",
                "--precision", "float64", "--master", "local[2]");
        assertEquals(0, cli.value(), cli.text());
        assertTrue(cli.text().contains("batch 11: "), "twelve micro-batches:\n" + cli.text());
        SparkSession spark = SparkSession.builder().sparkContext(SharedSpark.get().sc()).getOrCreate();
        assertEquals(streamed, StreamForecasterTest.predictions(spark, tmp.resolve("out-cli")));
    }

    /** To the console: Spark's console sink sends its rows back as task results (Kryo-registered). */
    @Test
    void theCommandLineStreamsToTheConsole() {
        Printed.Output<Integer> toConsole = Printed.commandLine(false, "stream", "--model-dir", model.toString(),
                "--source", all.toString(), "--output", "console", "--checkpoint-location",
                tmp.resolve("ck-console").toString(), "--trigger", "available-now", "--master", "local[2]");
        assertEquals(0, toConsole.value(), toConsole.text());
        assertTrue(toConsole.text().contains("|year|time    |forecast_time|prediction"), toConsole.text());
        // every forecast, not Spark's first 20: as many table rows as the stream made forecasts
        long shown = toConsole.text().lines().filter(line -> line.matches("\\|\\d{4}\\|\\d{8}\\|.*")).count();
        assertEquals(streamed.size(), shown, "forecasts shown on the console");
        assertTrue(!toConsole.text().contains("only showing top"), "no row left out");
    }

    @Test
    void theCommandLineRefusesATriggerThatIsNotOneAndAStreamWithoutCheckpoint() {
        SharedSpark.stop();
        assertEquals(2, Main.run("stream", "--model-dir", model.toString(), "--source", all.toString(), "--output",
                tmp.resolve("out-bad").toString(), "--checkpoint-location", tmp.resolve("ck-bad").toString(),
                "--trigger", "every-now-and-then"), "a trigger that is not one is refused");
        assertEquals(2, Main.run("stream", "--model-dir", model.toString(), "--source", all.toString(), "--output",
                tmp.resolve("out-bad").toString()), "no checkpoint: refused (state would not survive a restart)");
    }
}
