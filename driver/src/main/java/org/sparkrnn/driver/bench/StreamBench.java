package org.sparkrnn.driver.bench;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.StructType;
import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.WindowTransform;
import org.sparkrnn.driver.config.Defaults;
import org.sparkrnn.driver.config.KernelSettings;
import org.sparkrnn.driver.config.MissingValues;
import org.sparkrnn.driver.config.TableLayout;
import org.sparkrnn.driver.data.records.RecordShape;
import org.sparkrnn.driver.data.stream.SeriesStream;
import org.sparkrnn.driver.model.SavedModel;
import org.sparkrnn.driver.predict.StreamForecaster;
import org.sparkrnn.kernel.Precision;
import org.sparkrnn.model.InitOptions;
import org.sparkrnn.model.Initializer;
import org.sparkrnn.model.LayerSpec;
import org.sparkrnn.model.Loss;
import org.sparkrnn.model.NetworkSpec;
import org.sparkrnn.model.ParameterLayout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Forecasting on a stream of files ({@link StreamForecaster}, the state store per series): 1,000 series, two values
 * per row, LSTM 32, float32, local[2], JSON rows in, JSON Lines out.
 * <ul>
 *   <li>throughput: {@code FILES} files (20; {@code -Dbench.stream.files}) of 10 steps of every series (10,000 rows
 *       each; {@code -Dbench.stream.steps=100}: 100,000), one file per micro-batch,
 *       {@code AvailableNow}; rows per second per core over the whole run after a first warm-up run; for a window
 *       model (windows of 24: every row runs a 24-step window) and a per-step model (every row one step from the
 *       series' carried state);</li>
 *   <li>each with Spark's state stores (the default; RocksDB; RocksDB with changelog checkpointing), the state
 *       store's own time and memory per micro-batch beside the query's phases;</li>
 *   <li>latency (window model, the faster store): a query on a 0, 100 and 200 ms trigger; a file of one step of every
 *       series is dropped into its directory and the time until the forecasts of that file are committed to the sink
 *       is measured (median of 5).</li>
 * </ul>
 */
final class StreamBench {

    private static final int SERIES = 1_000;
    private static final int STEPS_PER_FILE = Integer.getInteger("bench.stream.steps", 10);
    private static final int FILES = Integer.getInteger("bench.stream.files", 20);
    private static final int WINDOW = 24;
    private static final String PROVIDER_CONF = Defaults.STATE_STORE_KEY;
    private static final String CHANGELOG_CONF = Defaults.STATE_STORE_CHANGELOG_KEY;
    private static final String HDFS = "org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider";
    private static final String ROCKSDB = Defaults.STATE_STORE;

    /**
     * Spark's state stores, on both lines: the default (maps in memory, deltas to files), RocksDB (a checkpoint of
     * the database per commit), and RocksDB writing a changelog per commit instead (its snapshots in the background).
     */
    private record Store(String name, String provider, boolean changelog) {
    }

    private static final List<Store> STORES = List.of(new Store("default store", HDFS, false),
            new Store("RocksDB", ROCKSDB, false), new Store("RocksDB, changelog", ROCKSDB, true));

    private StreamBench() {
    }

    static void run(List<String> rows) throws Exception {
        Path root = Files.createTempDirectory("sparkrnn-stream-bench");
        JavaSparkContext sc = BenchFixtures.context("local[2]");
        try {
            SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
            spark.conf().set("spark.sql.shuffle.partitions", "2");
            NetworkSpec spec = new NetworkSpec(2, List.of(LayerSpec.lstm(32)), 1, Loss.MSE);
            SavedModel model = new SavedModel(spec, Initializer.initialize(new ParameterLayout(spec),
                    InitOptions.defaults()), new RecordShape(2, false, LabelShape.PER_SEQUENCE, LabelKind.VALUES, 1, 0),
                    null, null, WindowTransform.NONE);
            TableLayout layout = new TableLayout("sensor", "t", List.of("value", "other"), List.of("value"), WINDOW,
                    1, new int[] {1}, MissingValues.SKIP, null, WindowTransform.NONE, java.util.List.of(), null);
            Path data = Files.createDirectories(root.resolve("files"));
            for (int f = 0; f < FILES; f++) {
                write(data.resolve(String.format("part-%03d.json", f)), f * STEPS_PER_FILE, STEPS_PER_FILE, f);
            }
            StructType schema = spark.read().json(data.resolve("part-000.json").toString()).schema();
            long total = (long) SERIES * STEPS_PER_FILE * FILES;
            System.out.printf(Locale.ROOT, "stream: %d series, %d files of %d steps each (%,d rows), LSTM 32, float32,"
                    + " local[2], one file per micro-batch%n", SERIES, FILES, STEPS_PER_FILE, total);
            SavedModel perStep = new SavedModel(spec, model.params(), new RecordShape(2, false, LabelShape.PER_STEP,
                    LabelKind.VALUES, 1, 0), null, null, WindowTransform.NONE);
            double best = 0;
            Store bestStore = STORES.get(0);
            for (Store each : STORES) {
                spark.conf().set(PROVIDER_CONF, each.provider());
                spark.conf().set(CHANGELOG_CONF, String.valueOf(each.changelog()));
                String store = each.name();
                for (SavedModel which : List.of(model, perStep)) {
                    boolean windows = which == model;
                    double rate = throughput(spark, which, layout, schema, data,
                            root.resolve((windows ? "w" : "s") + store.replaceAll("[^A-Za-z]", "")), (windows ? "window model (window " + WINDOW
                                    + ")" : "per-step model (state carried)") + ", " + store);
                    rows.add(String.format(Locale.ROOT, "stream-throughput%s-%s,%d,2,0,float32,%.0f,rows/s/core",
                            windows ? "" : "-per-step", store.replaceAll("[^A-Za-z]", ""), SERIES, rate));
                    if (windows && rate > best) {
                        best = rate;
                        bestStore = each;
                    }
                }
            }
            spark.conf().set(PROVIDER_CONF, bestStore.provider());
            spark.conf().set(CHANGELOG_CONF, String.valueOf(bestStore.changelog()));
            String store = bestStore.name();

            // latency: a live query, one file of one step of every series at a time, per trigger interval
            for (long trigger : new long[] {0, 100, 200}) {
                latency(spark, model, layout, schema, root.resolve("live-" + trigger), trigger, store, rows);
            }
        } finally {
            sc.stop();
        }
    }

    /**
     * File arrival to its forecasts committed, a query on a {@code trigger} ms processing-time trigger (0: the next
     * micro-batch as soon as the last one ends): median of 5 files of one step of every series.
     */
    private static void latency(SparkSession spark, SavedModel model, TableLayout layout, StructType schema, Path root,
                                long trigger, String store, List<String> rows) throws Exception {
        Path live = Files.createDirectories(root.resolve("in"));
        write(live.resolve("start.json"), 0, WINDOW, 0);
        Dataset<Row> in = spark.readStream().schema(schema).json(live.toString());
        StreamingQuery query = StreamForecaster.forecasts(in, model, layout, "bench",
                        new KernelSettings(Precision.FLOAT32, 0), null, SeriesStream.Counters.NONE)
                .writeStream().format("json").option("checkpointLocation", root.resolve("ck").toString())
                .trigger(Trigger.ProcessingTime(trigger)).start(root.resolve("out").toString());
        try {
            waitForBatches(query, 1);
            double[] latency = new double[5];
            for (int k = 0; k < latency.length; k++) {
                long batches = dataBatches(query);
                Path file = live.resolve("step-" + k + ".json");
                Path staged = root.resolve("staged.json");
                write(staged, WINDOW + k, 1, 100 + k);
                long start = System.nanoTime();
                Files.move(staged, file); // arrives whole
                waitForBatches(query, batches + 1);
                latency[k] = (System.nanoTime() - start) / 1e6;
            }
            double median = BenchFixtures.median(latency);
            System.out.printf(Locale.ROOT, "  latency, file arrival to its %d forecasts committed (%d ms trigger, %s):"
                    + " median %.0f ms of %s%n", SERIES, trigger, store, median, Arrays.toString(Arrays.stream(latency)
                    .mapToLong(Math::round).toArray()));
            rows.add(String.format(Locale.ROOT, "stream-latency-trigger%d,%d,2,0,float32,%.0f,ms", trigger, SERIES,
                    median));
        } finally {
            query.stop();
        }
    }

    /**
     * Streams the files in {@code data} through {@code model} twice (the first run warms the JVM up), one file per
     * micro-batch; prints and returns the second run's rows per second per core.
     */
    private static double throughput(SparkSession spark, SavedModel model, TableLayout layout, StructType schema,
                                     Path data, Path root, String name) throws Exception {
        double[] seconds = new double[2];
        long forecasts = 0;
        java.util.Map<String, Double> phases = new java.util.TreeMap<>();
        java.util.Map<String, Double> state = new java.util.LinkedHashMap<>();
        for (int r = 0; r < 2; r++) {
            long start = System.nanoTime();
            Dataset<Row> in = spark.readStream().schema(schema).option("maxFilesPerTrigger", 1)
                    .json(data.toString());
            StreamingQuery query = StreamForecaster.forecasts(in, model, layout, "bench",
                            new KernelSettings(Precision.FLOAT32, 0), null, SeriesStream.Counters.NONE)
                    .writeStream().format("json").option("checkpointLocation", root.resolve("ck" + r).toString())
                    .trigger(Trigger.AvailableNow()).start(root.resolve("out" + r).toString());
            query.awaitTermination();
            seconds[r] = (System.nanoTime() - start) / 1e9;
            phases.clear();
            for (String phase : query.lastProgress().durationMs().keySet()) { // median per micro-batch
                phases.put(phase, BenchFixtures.median(Arrays.stream(query.recentProgress())
                        .filter(p -> p.numInputRows() > 0)
                        .mapToDouble(p -> p.durationMs().getOrDefault(phase, 0L)).toArray()));
            }
            state.clear();
            for (String metric : List.of("allUpdatesTimeMs", "commitTimeMs", "memoryUsedBytes", "numRowsTotal")) {
                state.put(metric, BenchFixtures.median(Arrays.stream(query.recentProgress())
                        .filter(p -> p.numInputRows() > 0 && p.stateOperators().length > 0)
                        .mapToDouble(p -> stateMetric(p.stateOperators()[0], metric)).toArray()));
            }
            forecasts = spark.read().json(root.resolve("out" + r).toString()).count();
        }
        double rate = (double) SERIES * STEPS_PER_FILE * FILES / seconds[1] / 2;
        System.out.printf(Locale.ROOT, "  %s: %.1f s, %,.0f rows/s per core, %,d forecasts%n", name, seconds[1], rate,
                forecasts);
        System.out.println("    per micro-batch, median ms: " + phases);
        System.out.printf(Locale.ROOT, "    state store per micro-batch (median): updates %.0f ms, commit %.0f ms,"
                        + " %.0f bytes in memory for %.0f series (%.0f per series)%n", state.get("allUpdatesTimeMs"),
                state.get("commitTimeMs"), state.get("memoryUsedBytes"), state.get("numRowsTotal"),
                state.get("memoryUsedBytes") / Math.max(1, state.get("numRowsTotal")));
        return rate;
    }

    private static double stateMetric(org.apache.spark.sql.streaming.StateOperatorProgress operator, String name) {
        return switch (name) {
            case "allUpdatesTimeMs" -> operator.allUpdatesTimeMs();
            case "commitTimeMs" -> operator.commitTimeMs();
            case "memoryUsedBytes" -> operator.memoryUsedBytes();
            default -> operator.numRowsTotal();
        };
    }

    /** Micro-batches with rows the query has committed (its recent progress holds the last 100). */
    private static long dataBatches(StreamingQuery query) {
        return Arrays.stream(query.recentProgress()).filter(p -> p.numInputRows() > 0).count();
    }

    /** Waits until the query has committed at least {@code batches} micro-batches with rows. */
    private static void waitForBatches(StreamingQuery query, long batches) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            if (dataBatches(query) >= batches) {
                return;
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("no micro-batch in 2 minutes");
    }

    /** {@code steps} steps (from {@code first}) of every series as JSON rows. */
    private static void write(Path file, int first, int steps, long seed) throws java.io.IOException {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> lines = new ArrayList<>(SERIES * steps);
        for (int t = first; t < first + steps; t++) {
            for (int s = 0; s < SERIES; s++) {
                lines.add(String.format(Locale.ROOT, "{\"sensor\":%d,\"t\":%d,\"value\":%.6f,\"other\":%.6f}", s, t,
                        Math.sin(0.1 * t + s) + 0.1 * random.nextDouble(), random.nextDouble()));
            }
        }
        Files.write(file, lines);
    }
}
