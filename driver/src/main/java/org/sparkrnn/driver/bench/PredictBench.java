package org.sparkrnn.driver.bench;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.data.WindowTransform;
import org.sparkrnn.driver.config.Defaults;
import org.sparkrnn.driver.config.InvalidRows;
import org.sparkrnn.driver.config.KernelSettings;
import org.sparkrnn.driver.data.records.RecordShape;
import org.sparkrnn.driver.model.SavedModel;
import org.sparkrnn.driver.predict.FramePredictor;
import org.sparkrnn.driver.predict.PredictionLayout;
import org.sparkrnn.kernel.NetworkKernel;
import org.sparkrnn.kernel.OutputMode;
import org.sparkrnn.kernel.Precision;
import org.sparkrnn.model.InitOptions;
import org.sparkrnn.model.Initializer;
import org.sparkrnn.model.LayerSpec;
import org.sparkrnn.model.Loss;
import org.sparkrnn.model.NetworkSpec;
import org.sparkrnn.model.ParameterLayout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Batch scoring against PyTorch inference, on the four benchmark shapes (one LSTM layer, a linear head on the last
 * step): sequence-steps per second of our forward pass on one thread, of PyTorch's {@code nn.LSTM} under
 * {@code torch.no_grad()} on one thread (Debian's 1.13, {@code scripts/torch_lstm_infer.py}, when
 * {@code /usr/bin/python3} has torch; 2.7.1 through DJL, {@code scripts/torch-anchor infer 1}; same run), and of {@code LstmModel.transform}'s path ({@link FramePredictor} with its defaults) end to end in
 * Spark local[2] (a cached DataFrame of {@code array<array<double>>} sequences, every prediction written to Spark's
 * no-op sink), per core and against our one-thread rate.
 */
final class PredictBench {

    /** The four shapes, or those {@code -Dbench.predict.shapes=0,3} picks (by position). */
    private static final int[][] SHAPES = java.util.Arrays.stream(System.getProperty("bench.predict.shapes",
            "0,1,2,3").split(",")).mapToInt(Integer::parseInt).mapToObj(i -> new int[][] {{64, 128, 50, 64},
                {32, 256, 100, 32}, {128, 512, 50, 64}, {8, 64, 200, 128}}[i]).toArray(int[][]::new);

    private PredictBench() {
    }

    static void run(List<String> rows) throws IOException {
        boolean anchors = Boolean.parseBoolean(System.getProperty("bench.predict.torch", "true"));
        Map<String, Double> torch = anchors ? torchRates(List.of("/usr/bin/python3", "scripts/torch_lstm_infer.py",
                "1")) : Map.of();
        Map<String, Double> torch27 = anchors ? torchRates(List.of("scripts/torch-anchor", "infer", "1")) : Map.of();
        double[][] ours = new double[SHAPES.length][2];
        System.out.println("batch scoring, one thread: forward pass + head on the last step, seq-steps/s (median of 9)");
        System.out.printf(Locale.ROOT, "%-20s %9s %12s %12s %12s %8s %8s%n", "I, H, T, B", "precision", "ours",
                "torch 1.13", "torch 2.7.1", "vs 1.13", "vs 2.7.1");
        for (int s = 0; s < SHAPES.length; s++) {
            int[] shape = SHAPES[s];
            for (Precision precision : Precision.values()) {
                double rate = kernelRate(shape, precision);
                ours[s][precision.ordinal()] = rate;
                Double theirs = torch.get(key(shape, precision));
                Double recent = torch27.get(key(shape, precision));
                System.out.printf(Locale.ROOT, "%-20s %9s %12.0f %12s %12s %8s %8s%n", describe(shape),
                        precision.cliName(), rate, number(theirs, "%.0f", 1), number(recent, "%.0f", 1),
                        number(theirs, "%.2f", rate), number(recent, "%.2f", rate));
                rows.add(String.format(Locale.ROOT, "predict-1thread %s,%d,1,0,%s,%.0f,seq-steps/s", describe(shape)
                        .replace(", ", "x"), parameters(shape), precision.cliName(), rate));
                if (theirs != null) {
                    rows.add(String.format(Locale.ROOT, "predict-torch-1thread %s,%d,1,0,%s,%.0f,seq-steps/s",
                            describe(shape).replace(", ", "x"), parameters(shape), precision.cliName(), theirs));
                }
                if (recent != null) {
                    rows.add(String.format(Locale.ROOT, "predict-torch2.7.1-1thread %s,%d,1,0,%s,%.0f,seq-steps/s",
                            describe(shape).replace(", ", "x"), parameters(shape), precision.cliName(), recent));
                }
            }
        }
        System.out.println("LstmModel.transform's path end to end, Spark local[2] (cached DataFrame -> predictions"
                + " -> noop sink, median of 5), float32");
        System.out.printf(Locale.ROOT, "%-20s %-14s %10s %12s %12s %12s %9s%n", "I, H, T, B", "features",
                "sequences", "local[2]", "per core", "one thread", "vs 1 thread");
        SparkSession spark = SparkSession.builder().sparkContext(BenchFixtures.context("local[2]").sc()).getOrCreate();
        try {
            for (int s = 0; s < SHAPES.length; s++) {
                int[] shape = SHAPES[s];
                double single = ours[s][Precision.FLOAT32.ordinal()];
                // about 4 s of one thread's work, in whole chunks of 256 sequences per task
                int sequences = Math.max(512, (int) (single * 4 / shape[2]) / 512 * 512);
                for (boolean vectors : new boolean[] {false, true}) {
                    double rate = transformRate(spark, shape, sequences, vectors);
                    String type = vectors ? "array<vector>" : "array<array>";
                    System.out.printf(Locale.ROOT, "%-20s %-14s %10d %12.0f %12.0f %12.0f %9.2f%n", describe(shape),
                            type, sequences, rate, rate / 2, single, rate / single);
                    rows.add(String.format(Locale.ROOT, "predict-transform-local2 %s %s,%d,2,0,float32,%.0f,"
                            + "seq-steps/s", describe(shape).replace(", ", "x"), type, parameters(shape), rate));
                }
            }
        } finally {
            spark.stop();
        }
    }

    private static double kernelRate(int[] shape, Precision precision) {
        NetworkSpec spec = spec(shape);
        double[] params = Initializer.initialize(new ParameterLayout(spec), InitOptions.defaults());
        SequenceBatch batch = BenchFixtures.randomBatch(spec, shape[3], shape[2], 5);
        NetworkKernel kernel = NetworkKernel.create(spec, precision);
        long warmUntil = System.nanoTime() + 2_000_000_000L; // the JIT compiles the loops first: 2 s of warm-up
        while (System.nanoTime() < warmUntil) {
            kernel.forward(params, batch, OutputMode.LAST_STEP, null);
        }
        double[] times = new double[9];
        for (int r = 0; r < times.length; r++) {
            long start = System.nanoTime();
            kernel.forward(params, batch, OutputMode.LAST_STEP, null);
            times[r] = (System.nanoTime() - start) / 1e9;
        }
        return (double) shape[3] * shape[2] / BenchFixtures.median(times);
    }

    /** {@code vectors}: the features as {@code array<vector>} (Spark ML vectors, one per step) instead of arrays. */
    private static double transformRate(SparkSession spark, int[] shape, int sequences, boolean vectors) {
        NetworkSpec spec = spec(shape);
        SavedModel saved = new SavedModel(spec, Initializer.initialize(new ParameterLayout(spec),
                InitOptions.defaults()), new RecordShape(shape[0], false, LabelShape.PER_SEQUENCE, LabelKind.VALUES,
                1, 0), null, null, WindowTransform.NONE);
        PredictionLayout layout = new PredictionLayout(saved.shape(), 1, false, "prediction", "probability", true);
        StructType schema = new StructType().add("id", DataTypes.LongType).add("features", vectors
                ? DataTypes.createArrayType(org.apache.spark.ml.linalg.SQLDataTypes.VectorType(), false)
                : DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType, false), false));
        int in = shape[0];
        int steps = shape[2];
        int half = sequences / 2;
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        // generated on the executors (a parallelized collection would travel inside every task)
        JavaRDD<Row> generated = sc.parallelize(List.of(0L, 1L), 2).flatMap(part -> {
            SplittableRandom random = new SplittableRandom(part);
            List<Row> out = new ArrayList<>(half);
            for (int n = 0; n < half; n++) {
                double[][] x = new double[steps][in];
                for (double[] row : x) {
                    for (int i = 0; i < in; i++) {
                        row[i] = random.nextDouble() * 2 - 1;
                    }
                }
                Object features = x;
                if (vectors) {
                    org.apache.spark.ml.linalg.Vector[] rowVectors = new org.apache.spark.ml.linalg.Vector[x.length];
                    for (int t = 0; t < x.length; t++) {
                        rowVectors[t] = org.apache.spark.ml.linalg.Vectors.dense(x[t]);
                    }
                    features = rowVectors;
                }
                out.add(RowFactory.create(part * half + n, features));
            }
            return out.iterator();
        });
        Dataset<Row> frame = spark.createDataFrame(generated, schema).persist(StorageLevel.MEMORY_ONLY());
        frame.count();
        try {
            double[] times = new double[5];
            for (int r = 0; r < times.length + 1; r++) {
                long start = System.nanoTime();
                FramePredictor.transform(frame, saved, layout, "features", "bench frame", InvalidRows.ERROR,
                        new KernelSettings(Precision.FLOAT32, 0), Defaults.Values.CHUNK_SIZE)
                        .write().format("noop").mode("overwrite").save();
                if (r >= 1) {
                    times[r - 1] = (System.nanoTime() - start) / 1e9;
                }
            }
            return (double) sequences * steps / BenchFixtures.median(times);
        } finally {
            frame.unpersist(true);
        }
    }

    /** {@code format} of {@code ours / value} ({@code ours} = 1: the value), "-" without a value. */
    private static String number(Double value, String format, double ours) {
        return value == null ? "-" : String.format(Locale.ROOT, format, ours == 1 ? value : ours / value);
    }

    /**
     * A PyTorch anchor's one-thread inference rates by shape and dtype ({@code command} prints "INFER I H T B dtype
     * rate" lines: Debian's 1.13 from Python, 2.7.1 through DJL), or none when it cannot run here.
     */
    private static Map<String, Double> torchRates(List<String> command) {
        Map<String, Double> rates = new HashMap<>();
        if (command.get(1).endsWith(".py") && !Files.exists(Path.of(command.get(1)))) {
            return rates;
        }
        List<String> output = BenchFixtures.output(command);
        for (String line : output) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 7 && f[0].equals("INFER")) {
                int[] shape = {Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                    Integer.parseInt(f[4])};
                rates.put(key(shape, f[5].equals("float32") ? Precision.FLOAT32 : Precision.FLOAT64),
                        Double.parseDouble(f[6]));
            }
        }
        boolean python = command.get(0).endsWith("python3");
        if (rates.isEmpty()) { // (a failed run's last line was printed by BenchFixtures.output)
            System.out.println("  (" + String.join(" ", command) + " gave no rate"
                    + (output.isEmpty() ? "" : ": " + output.get(output.size() - 1))
                    + (python ? "; apt-get install python3-torch for this baseline)" : ")"));
        }
        return rates;
    }

    private static NetworkSpec spec(int[] shape) {
        return new NetworkSpec(shape[0], List.of(LayerSpec.lstm(shape[1])), 1, Loss.MSE);
    }

    private static int parameters(int[] shape) {
        return new ParameterLayout(spec(shape)).size();
    }

    private static String key(int[] shape, Precision precision) {
        return describe(shape) + " " + precision.cliName();
    }

    private static String describe(int[] shape) {
        return shape[0] + ", " + shape[1] + ", " + shape[2] + ", " + shape[3];
    }
}
