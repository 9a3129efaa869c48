package org.sparkrnn.driver.bench;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparkrnn.data.WindowTransform;
import org.sparkrnn.driver.Reporter;
import org.sparkrnn.driver.config.DataOptions;
import org.sparkrnn.driver.config.MissingValues;
import org.sparkrnn.driver.config.Split;
import org.sparkrnn.driver.config.TableLayout;
import org.sparkrnn.driver.config.Task;
import org.sparkrnn.driver.data.DatasetLoader;
import org.sparkrnn.driver.data.LoadedData;
import org.sparkrnn.driver.data.records.ReadContext;
import org.sparkrnn.driver.exec.DistributedSums;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.cos;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.randn;
import static org.apache.spark.sql.functions.sin;

/**
 * Loading a long table from Parquet: {@code SERIES} sensors × {@code STEPS} readings × 4 values (10M rows by
 * default), written in time order as a lake appends it (a series' rows spread over every file), cut into windows of
 * 50 with stride 1. Measured in local[2], in the same run: Spark's own floor for putting the rows in (series, time)
 * order in P partitions ({@code repartitionByRange} + {@code sortWithinPartitions}, rows handed to Java and counted),
 * and the whole load pass of a training run ({@link DatasetLoader}: order, edges, windows, blocks, cache,
 * statistics). Rows per second per core = rows / seconds / 2. The table is generated once under runs/bench/.
 */
final class TableBench {

    static final int WINDOW = 50;

    private TableBench() {
    }

    static void run(List<String> rows) throws Exception {
        long series = Long.getLong("bench.table.series", 10_000);
        long steps = Long.getLong("bench.table.steps", 1_000);
        Path path = Path.of("runs/bench/table-" + series + "x" + steps + ".parquet").toAbsolutePath();
        JavaSparkContext sc = BenchFixtures.context("local[2]");
        try {
            SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
            if (!Files.exists(path.resolve("_SUCCESS"))) {
                System.out.println("writing " + path + " (" + series * steps + " rows)...");
                table(spark, series, steps).write().mode("overwrite").parquet(path.toString());
            }
            long rowCount = series * steps;
            DataOptions options = options(path.toString());
            int partitions = 0;
            double[] floor = new double[2];
            double[] load = new double[2];
            long windows = 0;
            JobTimes jobs = new JobTimes();
            sc.sc().addSparkListener(jobs);
            List<List<String>> passes = new java.util.ArrayList<>();
            for (int r = 0; r < 2; r++) { // interleaved: a slow spell of the machine hits both
                DatasetLoader loader = new DatasetLoader(sc, new DistributedSums(sc, 2), Reporter.to(System.out));
                sc.sc().listenerBus().waitUntilEmpty();
                jobs.clear();
                long startMillis = System.currentTimeMillis();
                long start = System.nanoTime();
                LoadedData loaded = loader.loadForTraining(options, ReadContext.fresh(false));
                load[r] = (System.nanoTime() - start) / 1e9;
                sc.sc().listenerBus().waitUntilEmpty();
                passes.add(jobs.lines(startMillis));
                windows = loaded.trainSequences();
                partitions = loaded.train().getNumPartitions();
                loaded.train().unpersist(true);
                Dataset<Row> read = spark.read().parquet(path.toString());
                start = System.nanoTime();
                long counted = read.repartitionByRange(partitions, col("sensor"), col("t"))
                        .sortWithinPartitions("sensor", "t").javaRDD().count();
                floor[r] = (System.nanoTime() - start) / 1e9;
                if (counted != rowCount) {
                    throw new IllegalStateException(counted + " rows, expected " + rowCount);
                }
            }
            double ours = Math.min(load[0], load[1]);
            double spark0 = Math.min(floor[0], floor[1]);
            System.out.printf(Locale.ROOT, "long table: %d series x %d steps x 4 values (%,d rows, %.0f MB of"
                    + " Parquet), window %d, stride 1: %,d windows in %d partitions, local[2], best of 2%n", series,
                    steps, rowCount, size(path) / 1e6, WINDOW, windows, partitions);
            System.out.printf(Locale.ROOT, "  Spark, rows into (series, time) order: %6.1f s  %,10.0f rows/s/core%n",
                    spark0, rowCount / spark0 / 2);
            System.out.printf(Locale.ROOT, "  load for training (all of it):         %6.1f s  %,10.0f rows/s/core"
                    + "  (%.2fx Spark's ordering alone)%n", ours, rowCount / ours / 2, ours / spark0);
            int best = load[0] <= load[1] ? 0 : 1;
            System.out.println("  its Spark jobs (best run; seconds from the load's start):");
            passes.get(best).forEach(System.out::println);
            rows.add(String.format(Locale.ROOT, "table-order-spark,%d,%d,0,-,%.0f,rows/s/core", rowCount, partitions,
                    rowCount / spark0 / 2));
            rows.add(String.format(Locale.ROOT, "table-load,%d,%d,0,-,%.0f,rows/s/core", rowCount, partitions,
                    rowCount / ours / 2));
        } finally {
            sc.stop();
        }
    }

    /**
     * Small tables, where a load is the latency of its Spark jobs: the README's CO2 table (2,285 rows, a CSV, a
     * hold-out by date, standardised, windows relative to their last value) and a CSV of 99,000 rows (100 series x
     * 990 steps), each loaded for training in local[2]: the first load of the JVM (Spark SQL's first query: its
     * classes loaded and compiled) and the best of three after it, with the jobs each load runs.
     */
    static void small(List<String> rows) throws Exception {
        Path big = Path.of("runs/bench/table-99000.csv").toAbsolutePath();
        if (!Files.exists(big)) {
            Files.createDirectories(big.getParent());
            StringBuilder csv = new StringBuilder("series,t,value,weekday\n");
            java.util.Random random = new java.util.Random(1);
            for (int series = 0; series < 100; series++) {
                for (int t = 0; t < 990; t++) {
                    csv.append(series).append(',').append(t).append(',')
                            .append(String.format(Locale.ROOT, "%.4f", Math.sin(t / 7.0 + series) + random.nextGaussian()
                                    * 0.1)).append(',').append(t % 7).append('\n');
                }
            }
            Files.writeString(big, csv);
        }
        DataOptions co2 = new DataOptions("csv", Path.of("data/co2-by-year.csv").toAbsolutePath().toString(), null, 0,
                Split.RANDOM, Task.REGRESSION, 0, 0, 1, false, null, ',', true, null,
                new TableLayout("year", "date", List.of("co2", "season"), List.of("co2"), 8, 1, new int[] {1},
                        MissingValues.SKIP, "19950101", WindowTransform.RELATIVE_TO_LAST, java.util.List.of(), null));
        DataOptions wide = new DataOptions("csv", big.toString(), null, 0, Split.RANDOM, Task.REGRESSION, 0, 0, 1,
                false, null, ',', true, null, new TableLayout("series", "t", List.of("value", "weekday"),
                List.of("value"), 24, 1, new int[] {1}, MissingValues.SKIP, "900", WindowTransform.NONE,
                java.util.List.of(), null));
        JavaSparkContext sc = BenchFixtures.context("local[2]");
        try {
            java.util.concurrent.atomic.AtomicInteger jobs = new java.util.concurrent.atomic.AtomicInteger();
            sc.sc().addSparkListener(new org.apache.spark.scheduler.SparkListener() {
                @Override
                public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart start) {
                    jobs.incrementAndGet();
                }
            });
            System.out.println("small long tables loaded for training (CSV, local[2]): seconds, Spark jobs");
            for (Object[] table : new Object[][] {{"co2-by-year, 2,285 rows", co2}, {"99,000 rows", wide}}) {
                double first = -1;
                double best = Double.POSITIVE_INFINITY;
                int jobsPerLoad = 0;
                for (int r = 0; r < 4; r++) {
                    DatasetLoader loader = new DatasetLoader(sc, new DistributedSums(sc, 2), Reporter.to(System.out));
                    int before = jobs.get();
                    long start = System.nanoTime();
                    LoadedData loaded = loader.loadForTraining((DataOptions) table[1], ReadContext.fresh(true));
                    double seconds = (System.nanoTime() - start) / 1e9;
                    loaded.unpersist();
                    sc.sc().listenerBus().waitUntilEmpty();
                    jobsPerLoad = jobs.get() - before;
                    if (first < 0) {
                        first = seconds;
                    } else {
                        best = Math.min(best, seconds);
                    }
                }
                System.out.printf(Locale.ROOT, "  %-24s first load of the JVM %5.2f s; after it, best of 3 %5.2f s;"
                        + " %d jobs%n", table[0], first, best, jobsPerLoad);
                rows.add(String.format(Locale.ROOT, "table-small-load,%s,2,0,-,%.3f,s", ((String) table[0])
                        .replaceAll("[ ,]+", "-"), best));
            }
        } finally {
            sc.stop();
        }
    }

    /** The CLI's options for this table: sensor, t, four values, the first the target; no hold-out. */
    static DataOptions options(String path) {
        TableLayout layout = new TableLayout("sensor", "t", List.of("load", "temp", "noise", "weekday"),
                List.of("load"), WINDOW, 1, new int[] {1}, MissingValues.SKIP, null, WindowTransform.NONE,
                java.util.List.of(), null);
        return new DataOptions("parquet", path, null, 0, Split.RANDOM, Task.REGRESSION, 0, 0, 1, false, null, ',',
                true, null, layout);
    }

    /** Rows in time order (all sensors at t = 0, then t = 1, ...), so every file holds a part of every series. */
    static Dataset<Row> table(SparkSession spark, long series, long steps) {
        Column r = col("id");
        Column t = r.divide(series).cast("long");
        Column sensor = pmod(r, lit(series));
        return spark.range(0, series * steps, 1, 16).select(sensor.as("sensor"), t.as("t"),
                sin(t.multiply(0.07).plus(sensor)).plus(rand(1).multiply(0.1)).as("load"),
                cos(t.multiply(0.013).plus(sensor.multiply(0.5))).as("temp"),
                randn(2).as("noise"),
                pmod(t, lit(7)).cast("double").as("weekday"));
    }

    /**
     * Each Spark job's start, wall time and what it does (the description the load gave it, else its call site, and
     * its last stage's name), in the order they started.
     */
    static final class JobTimes extends org.apache.spark.scheduler.SparkListener {
        private final java.util.Map<Integer, String[]> jobs =
                java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>());
        private final java.util.Map<Integer, Long> started = new java.util.concurrent.ConcurrentHashMap<>();
        private final java.util.Map<Integer, Long> ended = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart start) {
            java.util.Properties properties = start.properties();
            String description = properties == null ? null : properties.getProperty("spark.job.description");
            String stage = start.stageInfos().isEmpty() ? "" : start.stageInfos().last().name();
            jobs.put(start.jobId(), new String[] {description == null ? "(none)" : description
                    .replaceAll("/\\S*/", ""), stage.replaceAll(" at [A-Za-z]+\\.java:\\d+", "")});
            started.put(start.jobId(), start.time());
        }

        @Override
        public void onJobEnd(org.apache.spark.scheduler.SparkListenerJobEnd end) {
            ended.put(end.jobId(), end.time());
        }

        void clear() {
            jobs.clear();
        }

        /** One line per job: seconds from {@code from} (epoch ms) to its start, its seconds, what it is. */
        List<String> lines(long from) {
            List<String> out = new java.util.ArrayList<>();
            synchronized (jobs) {
                for (java.util.Map.Entry<Integer, String[]> job : jobs.entrySet()) {
                    long start = started.get(job.getKey());
                    Long end = ended.get(job.getKey());
                    out.add(String.format(Locale.ROOT, "    at %5.2f s  %5.2f s  %s (%s)", (start - from) / 1e3,
                            end == null ? Double.NaN : (end - start) / 1e3, job.getValue()[0], job.getValue()[1]));
                }
            }
            return out;
        }
    }

    private static long size(Path dir) throws java.io.IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
