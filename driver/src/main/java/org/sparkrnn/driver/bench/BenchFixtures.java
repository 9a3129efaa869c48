package org.sparkrnn.driver.bench;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.storage.StorageLevel;
import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.data.SequenceBlock;
import org.sparkrnn.driver.SparkRnnKryoRegistrator;
import org.sparkrnn.driver.config.KernelSettings;
import org.sparkrnn.driver.exec.BatchSchedule;
import org.sparkrnn.driver.exec.DistributedSums;
import org.sparkrnn.driver.train.TrainingStep;
import org.sparkrnn.kernel.Precision;
import org.sparkrnn.model.InitOptions;
import org.sparkrnn.model.Initializer;
import org.sparkrnn.model.LayerSpec;
import org.sparkrnn.model.Loss;
import org.sparkrnn.model.NetworkSpec;
import org.sparkrnn.model.ParameterLayout;
import org.sparkrnn.optim.Optimizer;
import org.sparkrnn.optim.OptimizerKind;
import org.sparkrnn.optim.OptimizerSettings;
import org.sparkrnn.optim.OptimizerState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What the benchmarks share: a Spark context set up as the command line sets one up, networks of a given size,
 * small and random data, the median iteration of the real training step, Spark's own task times, medians.
 */
final class BenchFixtures {

    private BenchFixtures() {
    }

    static JavaSparkContext context(String master) {
        SparkConf conf = new SparkConf().setMaster(master).setAppName("sparkrnn-bench")
                .set("spark.serializer", KryoSerializer.class.getName())
                .set("spark.kryo.registrator", SparkRnnKryoRegistrator.class.getName())
                .set("spark.kryo.registrationRequired", "true")
                .set("spark.ui.enabled", "false")
                .set("spark.ui.showConsoleProgress", "false")
                .set("spark.task.maxDirectResultSize", String.valueOf(128L << 20))
                .set("spark.kryo.unsafe", System.getProperty("bench.kryo.unsafe", "true"))
                .set("spark.broadcast.compress", System.getProperty("bench.broadcast.compress", "true"));
        JavaSparkContext sc = new JavaSparkContext(conf);
        sc.setLogLevel("ERROR");
        return sc;
    }

    /** One LSTM layer with about {@code target} parameters (I = 1, H chosen), MSE head. */
    static NetworkSpec specWithParameters(int target) {
        int h = 1;
        while (4 * (h + 1) * (1 + (h + 1) + 1) + (h + 1) + 1 <= target) {
            h++;
        }
        return new NetworkSpec(1, List.of(LayerSpec.lstm(h)), 1, Loss.MSE);
    }

    /**
     * Iterations of the training loop ({@link TrainingStep}: gradient sums over the cluster, mean, Adam), with
     * batches of {@code batchSize} sequences (0: all).
     */
    static double medianIterationMillis(JavaSparkContext sc, NetworkSpec spec, JavaRDD<SequenceBlock> data,
                                        int depth, int batchSize, int repetitions, Precision precision) {
        double[] params = Initializer.initialize(new ParameterLayout(spec), InitOptions.defaults());
        Optimizer optimizer = new Optimizer(OptimizerSettings.defaultsFor(OptimizerKind.ADAM));
        OptimizerState state = optimizer.init();
        long sequences = data.map(SequenceBlock::size).reduce(Integer::sum);
        BatchSchedule all = BatchSchedule.of(Math.max(1, sequences), batchSize, 1,
                () -> org.sparkrnn.driver.data.records.Partitioning.firstIndexes(data, "bench: numbering sequences"));
        TrainingStep step = new TrainingStep(new DistributedSums(sc, depth), spec, new KernelSettings(precision, 0),
                all, optimizer, 0);
        double[] times = new double[repetitions];
        for (int r = 0; r < repetitions + 3; r++) {
            long start = System.nanoTime();
            step.run(data, params, state, r, 1e-6, 0);
            if (r >= 3) {
                times[r - 3] = (System.nanoTime() - start) / 1e6;
            }
        }
        return median(times);
    }

    /**
     * Two cached partitions of {@code perPartition} random sequences of {@code steps} for {@code spec} (seeds 1, 2),
     * generated on the executors: a parallelized collection would ship its data inside every task.
     */
    static JavaRDD<SequenceBlock> randomBlocks(JavaSparkContext sc, NetworkSpec spec, int perPartition, int steps) {
        JavaRDD<SequenceBlock> data = sc.parallelize(List.of(1L, 2L), 2)
                .map(seed -> (SequenceBlock) randomBatch(spec, perPartition, steps, seed))
                .persist(org.apache.spark.storage.StorageLevel.MEMORY_ONLY());
        data.count();
        return data;
    }

    /**
     * The lines a baseline command prints (a PyTorch anchor), one thread for its math libraries unless it sets its
     * own; none when it is not there or fails (then its last line is printed, saying why).
     */
    static List<String> output(List<String> command) {
        if (!java.nio.file.Files.exists(java.nio.file.Path.of(command.get(0)))) {
            System.out.println("  (" + command.get(0) + " not here: that baseline not run)");
            return List.of();
        }
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("OMP_NUM_THREADS", "1");
            Process process = builder.start();
            String text;
            try (java.io.InputStream out = process.getInputStream()) {
                text = new String(out.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
            if (process.waitFor() != 0) {
                System.out.println("  (" + String.join(" ", command) + " not run: "
                        + text.strip().lines().reduce((a, b) -> b).orElse("no output") + ")");
                return List.of();
            }
            return text.lines().toList();
        } catch (java.io.IOException e) {
            System.out.println("  (" + String.join(" ", command) + " not run: " + e.getMessage() + ")");
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    /** A job over the cached partitions that does nothing and returns nothing: what any iteration costs at least. */
    static double emptyJobMillis(JavaSparkContext sc, JavaRDD<SequenceBlock> data, int repetitions) {
        double[] times = new double[repetitions];
        for (int r = 0; r < repetitions + 3; r++) {
            long start = System.nanoTime();
            data.foreachPartition(blocks -> {
            });
            if (r >= 3) {
                times[r - 3] = (System.nanoTime() - start) / 1e6;
            }
        }
        return median(times);
    }

    static JavaRDD<SequenceBlock> tinyData(JavaSparkContext sc, int partitions) {
        List<SequenceBlock> parts = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            parts.add(SequenceBatch.builder(1, LabelShape.PER_SEQUENCE, LabelKind.VALUES, 1)
                    .add(new double[][] {{0.5}}, new double[] {0.1}).build());
        }
        JavaRDD<SequenceBlock> data = sc.parallelize(parts, partitions).persist(StorageLevel.MEMORY_ONLY());
        // (tiny: one 1-step sequence per partition, so shipping them inside the tasks costs nothing)
        data.count();
        return data;
    }

    static SequenceBatch randomBatch(NetworkSpec spec, int sequences, int steps, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        SequenceBatch.Builder builder = SequenceBatch.builder(spec.inputSize(), LabelShape.PER_SEQUENCE,
                LabelKind.VALUES, 1);
        for (int s = 0; s < sequences; s++) {
            double[][] x = new double[steps][spec.inputSize()];
            for (double[] row : x) {
                for (int i = 0; i < row.length; i++) {
                    row[i] = random.nextDouble() * 2 - 1;
                }
            }
            builder.add(x, new double[] {random.nextDouble()});
        }
        return builder.build();
    }

    /** Run, GC and deserialisation time of every finished task, from Spark's own task metrics. */
    static final class TaskTimes extends org.apache.spark.scheduler.SparkListener {
        final List<Double> run = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<Double> gc = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<Double> deserialize = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
            if (end.taskMetrics() != null) {
                run.add((double) end.taskMetrics().executorRunTime());
                gc.add((double) end.taskMetrics().jvmGCTime());
                deserialize.add((double) end.taskMetrics().executorDeserializeTime());
            }
        }

        double median(List<Double> values) {
            synchronized (values) {
                return values.isEmpty() ? 0 : BenchFixtures.median(values.stream().mapToDouble(d -> d).toArray());
            }
        }
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
