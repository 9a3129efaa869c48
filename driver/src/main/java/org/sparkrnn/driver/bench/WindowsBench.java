package org.sparkrnn.driver.bench;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.sparkrnn.data.SequenceBlock;
import org.sparkrnn.data.SeriesWindows;
import org.sparkrnn.kernel.Precision;
import org.sparkrnn.model.LayerSpec;
import org.sparkrnn.model.Loss;
import org.sparkrnn.model.NetworkSpec;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Training on windows made on demand from stored series ({@link SeriesWindows}) against training on the same windows
 * materialised (packed sequences, as a file of pre-built windows gives them): milliseconds per mini-batch iteration,
 * interleaved repetitions in one Spark context, and the doubles each way caches. Workload: two partitions, each one
 * series of 20,000 steps × 8 features, windows of 50 with stride 1, batches of 512 windows, one LSTM layer of 64,
 * float32.
 */
final class WindowsBench {

    private static final int ROWS = 20_000;
    private static final int FEATURES = 8;
    private static final int WINDOW = 50;
    private static final int BATCH = 512;

    private WindowsBench() {
    }

    static void run(List<String> rows) {
        NetworkSpec spec = new NetworkSpec(FEATURES, List.of(LayerSpec.lstm(64)), 1, Loss.MSE);
        JavaSparkContext sc = BenchFixtures.context("local[2]");
        try {
            JavaRDD<SequenceBlock> views = sc.parallelize(List.of(1L, 2L), 2)
                    .map(seed -> (SequenceBlock) series(seed)).persist(StorageLevel.MEMORY_ONLY());
            JavaRDD<SequenceBlock> copies = views.map(block -> (SequenceBlock) block.select(
                    IntStream.range(0, block.size()).toArray())).persist(StorageLevel.MEMORY_ONLY());
            long windows = views.map(SequenceBlock::size).reduce(Integer::sum);
            long stored = views.map(block -> ((SeriesWindows) block).storedValues()).reduce(Long::sum);
            copies.count();
            long materialised = windows * (WINDOW * FEATURES + 1L);
            double[] viewMs = new double[3];
            double[] copyMs = new double[3];
            for (int r = 0; r < 3; r++) { // interleaved, so that slow spells of the machine hit both
                viewMs[r] = BenchFixtures.medianIterationMillis(sc, spec, views, 2, BATCH, 9, Precision.FLOAT32);
                copyMs[r] = BenchFixtures.medianIterationMillis(sc, spec, copies, 2, BATCH, 9, Precision.FLOAT32);
            }
            double view = BenchFixtures.median(viewMs);
            double copy = BenchFixtures.median(copyMs);
            System.out.printf(Locale.ROOT, "windows: 2 series x %d steps x %d features, window %d, stride 1, batch %d,"
                    + " LSTM 64, float32, local[2]%n", ROWS, FEATURES, WINDOW, BATCH);
            System.out.printf(Locale.ROOT, "  made on demand: %.1f ms/iteration, caches %,d doubles%n", view, stored);
            System.out.printf(Locale.ROOT, "  materialised:   %.1f ms/iteration, caches %,d doubles%n", copy,
                    materialised);
            System.out.printf(Locale.ROOT, "  time ratio %.3f, memory ratio %.1fx%n", view / copy,
                    (double) materialised / stored);
            rows.add(String.format(Locale.ROOT, "windows-views,0,2,2,float32,%.2f,ms", view));
            rows.add(String.format(Locale.ROOT, "windows-materialised,0,2,2,float32,%.2f,ms", copy));
            rows.add(String.format(Locale.ROOT, "windows-views-cache,0,2,0,float32,%d,doubles", stored));
            rows.add(String.format(Locale.ROOT, "windows-materialised-cache,0,2,0,float32,%d,doubles", materialised));
            copies.unpersist(true);
            views.unpersist(true);
        } finally {
            sc.stop();
        }
    }

    /** One series: features a noisy mixture of sines, the target the next step's first feature. */
    private static SeriesWindows series(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] features = new double[ROWS * FEATURES];
        double[] targets = new double[ROWS];
        for (int r = 0; r < ROWS; r++) {
            for (int i = 0; i < FEATURES; i++) {
                features[r * FEATURES + i] = Math.sin(0.01 * r * (i + 1)) + 0.1 * random.nextDouble();
            }
            targets[r] = features[r * FEATURES];
        }
        int[] starts = IntStream.range(0, ROWS - WINDOW).toArray();
        return new SeriesWindows(FEATURES, 1, WINDOW, new int[] {1}, features, targets, starts);
    }
}
