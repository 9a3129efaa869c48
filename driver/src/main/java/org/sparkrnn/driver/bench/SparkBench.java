package org.sparkrnn.driver.bench;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkrnn.aggregate.GradientAccumulator;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.data.SequenceBlock;
import org.sparkrnn.driver.config.Aggregation;
import org.sparkrnn.driver.config.KernelSettings;
import org.sparkrnn.driver.exec.BatchSchedule;
import org.sparkrnn.driver.exec.DistributedSums;
import org.sparkrnn.driver.train.TrainingStep;
import org.sparkrnn.kernel.NetworkKernel;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.sparkrnn.driver.bench.BenchFixtures.median;

/**
 * End-to-end measurements with the real training loop pieces ({@link DistributedSums}, the kernel, the optimizer) in
 * Spark local mode, printed as a table and appended to a CSV:
 * <ul>
 *   <li>{@code overhead}: milliseconds per iteration with (almost) no work, by parameter count, partitions and tree
 *       depth: broadcast + scheduling + treeAggregate + update;</li>
 *   <li>{@code train}: sequence-steps per second of training in local[2] on a workload of B·T ≥ 200k sequence-steps
 *       per iteration, against the single-thread kernel on the same per-task batch, measured in the same run;</li>
 *   <li>{@code serializers}: what Spark's default Java serialization costs against Kryo ({@link SerializerBench});</li>
 *   <li>{@code windows}: training on windows made on demand from stored series against the same windows
 *       materialised ({@link WindowsBench});</li>
 *   <li>{@code table}: loading a 10M-row long table from Parquet, against Spark's own ordering of its rows
 *       ({@link TableBench});</li>
 *   <li>{@code stream}: forecasting on a stream of files, throughput and latency ({@link StreamBench});</li>
 *   <li>{@code predict}: batch scoring against PyTorch inference, one thread and end to end ({@link PredictBench});
 *       </li>
 *   <li>{@code scale}: bytes and time per iteration with 1 to 8 executor JVMs, both aggregations
 *       ({@link ScaleBench}; not part of {@code all}).</li>
 * </ul>
 * Medians over repetitions; the machine is noisy, so compare ratios from the same run.
 */
public final class SparkBench {

    private SparkBench() {
    }

    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "all";
        if (what.equals("scale")) { // local-cluster JVMs, bytes per process: a table of its own
            Path csv = Path.of(args.length > 1 ? args[1] : "runs/bench/scale.csv");
            Files.createDirectories(csv.toAbsolutePath().getParent());
            ScaleBench.run(csv);
            return;
        }
        if (!java.util.List.of("overhead", "train", "serializers", "windows", "table", "table-small", "stream",
                "predict", "all").contains(what)) {
            System.err.println("usage: SparkBench overhead|train|serializers|windows|table|table-small|stream|predict|all|scale"
                    + " [csv]");
            System.exit(2);
        }
        Path csv = Path.of(args.length > 1 ? args[1] : "runs/bench/spark.csv");
        Files.createDirectories(csv.toAbsolutePath().getParent());
        if (!Files.exists(csv)) {
            Files.writeString(csv, "benchmark,parameters,partitions,depth,precision,value,unit\n");
        }
        List<String> rows = new ArrayList<>();
        if (what.equals("overhead") || what.equals("all")) {
            overhead(rows);
        }
        if (what.equals("train") || what.equals("all")) {
            train(rows);
        }
        if (what.equals("serializers") || what.equals("all")) {
            SerializerBench.run(rows);
        }
        if (what.equals("windows") || what.equals("all")) {
            WindowsBench.run(rows);
        }
        if (what.equals("table") || what.equals("all")) {
            TableBench.run(rows);
        }
        if (what.equals("table-small") || what.equals("all")) {
            TableBench.small(rows);
        }
        if (what.equals("stream") || what.equals("all")) {
            StreamBench.run(rows);
        }
        if (what.equals("predict") || what.equals("all")) {
            PredictBench.run(rows);
        }
        Files.write(csv, rows, java.nio.file.StandardOpenOption.APPEND);
        System.out.println("appended " + rows.size() + " rows to " + csv);
    }

    private static void overhead(List<String> rows) {
        JavaSparkContext sc = BenchFixtures.context("local[2]");
        try {
            System.out.println("per-iteration overhead, local[2], one 1-step sequence per partition (ms, median of 15)");
            headline(sc, rows);
            for (int partitions : new int[] {2, 4, 32}) {
                JavaRDD<SequenceBlock> data = BenchFixtures.tinyData(sc, partitions);
                double floor = BenchFixtures.emptyJobMillis(sc, data, 15);
                System.out.printf(Locale.ROOT, "empty Spark job over %d cached partitions: %.1f ms%n", partitions,
                        floor);
                rows.add(String.format(Locale.ROOT, "overhead-empty-job,0,%d,0,none,%.2f,ms", partitions, floor));
                data.unpersist(true);
            }
            System.out.printf(Locale.ROOT, "%12s %10s %6s %9s %10s%n", "parameters", "partitions", "depth", "precision",
                    "ms/iter");
            // parameters, partitions, depth, float32 (weights and gradients travel as float)
            int[][] grid = {{10_000, 4, 2, 0}, {100_000, 4, 2, 0}, {1_000_000, 2, 1, 0}, {1_000_000, 2, 2, 0},
                {1_000_000, 4, 2, 0}, {1_000_000, 8, 2, 0}, {1_000_000, 16, 2, 0}, {1_000_000, 16, 3, 0},
                {4_000_000, 4, 2, 0}, {1_000_000, 2, 2, 1}, {4_000_000, 4, 2, 1}};
            for (int[] g : grid) {
                NetworkSpec spec = BenchFixtures.specWithParameters(g[0]);
                int p = new ParameterLayout(spec).size();
                Precision precision = g[3] == 1 ? Precision.FLOAT32 : Precision.FLOAT64;
                JavaRDD<SequenceBlock> data = BenchFixtures.tinyData(sc, g[1]);
                double ms = BenchFixtures.medianIterationMillis(sc, spec, data, g[2], 0, 15, precision);
                System.out.printf(Locale.ROOT, "%12d %10d %6d %9s %10.1f%n", p, g[1], g[2], precision.cliName(), ms);
                rows.add(String.format(Locale.ROOT, "overhead,%d,%d,%d,%s,%.2f,ms", p, g[1], g[2],
                        precision.cliName(), ms));
                data.unpersist(true);
            }
        } finally {
            sc.stop();
        }
    }

    private static void train(List<String> rows) {
        endToEnd(rows);
        int in = 64;
        int h = 128;
        int t = 50;
        int b = 4096; // 204,800 sequence-steps per iteration
        NetworkSpec spec = new NetworkSpec(in, List.of(LayerSpec.lstm(h)), 1, Loss.MSE);
        for (Precision precision : Precision.values()) {
            // the single-thread kernel on one task's share of the batch (B/2 sequences), same process, same run
            SequenceBatch half = BenchFixtures.randomBatch(spec, b / 2, t, 7);
            double[] params = Initializer.initialize(new ParameterLayout(spec), InitOptions.defaults());
            NetworkKernel kernel = NetworkKernel.create(spec, precision);
            double[] kernelTimes = new double[7];
            for (int r = 0; r < kernelTimes.length + 2; r++) {
                long start = System.nanoTime();
                kernel.accumulate(params, half, new GradientAccumulator());
                if (r >= 2) {
                    kernelTimes[r - 2] = (System.nanoTime() - start) / 1e9;
                }
            }
            double kernelRate = (double) half.totalSteps() / median(kernelTimes);

            JavaSparkContext sc = BenchFixtures.context("local[2]");
            BenchFixtures.TaskTimes taskTimes = new BenchFixtures.TaskTimes();
            sc.sc().addSparkListener(taskTimes);
            try {
                JavaRDD<SequenceBlock> data = BenchFixtures.randomBlocks(sc, spec, b / 2, t);
                double ms = BenchFixtures.medianIterationMillis(sc, spec, data, 2, 0, 7, precision);
                double rate = b * t / (ms / 1000);
                System.out.printf(Locale.ROOT, "training %s, local[2], I=%d H=%d T=%d B=%d: %.0f seq-steps/s"
                                + " (%.0f ms/iteration); single-thread kernel %.0f seq-steps/s; ratio %.2f%n",
                        precision.cliName(), in, h, t, b, rate, ms, kernelRate, rate / kernelRate);
                System.out.printf(Locale.ROOT, "  tasks: median run %.0f ms, GC %.0f ms, deserialize %.0f ms%n",
                        taskTimes.median(taskTimes.run), taskTimes.median(taskTimes.gc),
                        taskTimes.median(taskTimes.deserialize));
                rows.add(String.format(Locale.ROOT, "train-local2,%d,2,2,%s,%.0f,seq-steps/s",
                        new ParameterLayout(spec).size(), precision.cliName(), rate));
                rows.add(String.format(Locale.ROOT, "kernel-1thread,%d,1,0,%s,%.0f,seq-steps/s",
                        new ParameterLayout(spec).size(), precision.cliName(), kernelRate));
            } finally {
                sc.stop();
            }
        }
    }

    /**
     * The end-to-end workload of the performance issues (I = 32, H = 128, T = 50, N = 2,000, float32, full batch, one
     * LSTM layer and a head on the last step): one iteration in Spark local[2] (broadcast, forward + BPTT on two
     * partitions, the ordered tree, Adam on the driver) against both PyTorch anchors' iteration (forward, BPTT, Adam)
     * on one and two threads, Debian's 1.13 ({@code scripts/torch_lstm_train.py}) and 2.7.1 through DJL
     * ({@code scripts/torch-anchor train}), in the same run.
     */
    private static void endToEnd(List<String> rows) {
        int in = 32;
        int h = 128;
        int t = 50;
        int n = 2000;
        NetworkSpec spec = new NetworkSpec(in, List.of(LayerSpec.lstm(h)), 1, Loss.MSE);
        JavaSparkContext sc = BenchFixtures.context("local[2]");
        double rate;
        try {
            JavaRDD<SequenceBlock> data = BenchFixtures.randomBlocks(sc, spec, n / 2, t);
            double ms = BenchFixtures.medianIterationMillis(sc, spec, data, 2, 0, 9, Precision.FLOAT32);
            rate = (double) n * t / (ms / 1000);
            System.out.printf(Locale.ROOT, "end to end, I=%d H=%d T=%d N=%d float32 full batch: Spark local[2]"
                    + " %.0f seq-steps/s (%.0f ms/iteration)%n", in, h, t, n, rate, ms);
            rows.add(String.format(Locale.ROOT, "e2e-local2,%d,2,2,float32,%.0f,seq-steps/s",
                    new ParameterLayout(spec).size(), rate));
        } finally {
            sc.stop();
        }
        for (List<String> anchor : List.of(List.of("/usr/bin/python3", "scripts/torch_lstm_train.py", "1", "2"),
                List.of("scripts/torch-anchor", "train", "1", "2"))) {
            String name = anchor.get(0).endsWith("python3") ? "torch 1.13" : "torch 2.7.1";
            for (String line : BenchFixtures.output(anchor)) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 8 && f[0].equals("TRAIN")) {
                    double theirs = Double.parseDouble(f[7]);
                    System.out.printf(Locale.ROOT, "  %s, %s: %.0f seq-steps/s; Spark local[2] / it: %.2f%n", name,
                            f[6].replace('=', ' '), theirs, rate / theirs);
                    rows.add(String.format(Locale.ROOT, "e2e-%s-%s,%d,0,0,float32,%.0f,seq-steps/s",
                            name.replace(' ', '-'), f[6], new ParameterLayout(spec).size(), theirs));
                }
            }
        }
    }

    /**
     * The target's case, 1M parameters in local[2] on 2 partitions (float64), against the empty Spark job over the
     * same partitions, interleaved: 60 rounds of one empty job then one iteration, so that the machine's noise falls
     * on both alike; medians over the rounds. Then the same iterations with the sliced aggregation, on their own.
     */
    private static void headline(JavaSparkContext sc, List<String> rows) {
        JavaRDD<SequenceBlock> data = BenchFixtures.tinyData(sc, 2);
        NetworkSpec spec = BenchFixtures.specWithParameters(1_000_000);
        int p = new ParameterLayout(spec).size();
        Optimizer optimizer = new Optimizer(OptimizerSettings.defaultsFor(OptimizerKind.ADAM));
        double[] params = Initializer.initialize(new ParameterLayout(spec), InitOptions.defaults());
        OptimizerState state = optimizer.init();
        TrainingStep tree = new TrainingStep(new DistributedSums(sc, Aggregation.TREE, 2), spec,
                new KernelSettings(Precision.FLOAT64, 0), BatchSchedule.fullBatch(2, 1), optimizer, 0);
        TrainingStep sliced = new TrainingStep(new DistributedSums(sc, Aggregation.SLICED, 2), spec,
                new KernelSettings(Precision.FLOAT64, 0), BatchSchedule.fullBatch(2, 1), optimizer, 0);
        TrainingStep sparks = new TrainingStep(new DistributedSums(sc, Aggregation.TREE_AGGREGATE, 2), spec,
                new KernelSettings(Precision.FLOAT64, 0), BatchSchedule.fullBatch(2, 1), optimizer, 0);
        int rounds = 60;
        int warm = 10;
        double[] empty = new double[rounds - warm];
        double[] treeMs = new double[rounds - warm];
        double[] sparkMs = new double[rounds - warm];
        double[] slicedMs = new double[rounds - warm];
        for (int r = 0; r < rounds; r++) { // the empty job, our tree and Spark's treeAggregate in turn
            long t0 = System.nanoTime();
            data.foreachPartition(blocks -> {
            });
            long t1 = System.nanoTime();
            tree.run(data, params, state, r, 1e-6, 0);
            long t2 = System.nanoTime();
            sparks.run(data, params, state, r, 1e-6, 0);
            long t3 = System.nanoTime();
            if (r >= warm) {
                empty[r - warm] = (t1 - t0) / 1e6;
                treeMs[r - warm] = (t2 - t1) / 1e6;
                sparkMs[r - warm] = (t3 - t2) / 1e6;
            }
        }
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            sliced.run(data, params, state, r, 1e-6, 0);
            if (r >= warm) {
                slicedMs[r - warm] = (System.nanoTime() - t0) / 1e6;
            }
        }
        System.out.printf(Locale.ROOT, "%d parameters, 2 partitions, float64, %d rounds: empty job %.1f ms, iteration"
                        + " with tree (depth 2) %.1f ms and with Spark's treeAggregate (depth 2) %.1f ms (the three"
                        + " interleaved); with sliced %.1f ms%n", p, rounds - warm, median(empty), median(treeMs),
                median(sparkMs), median(slicedMs));
        rows.add(String.format(Locale.ROOT, "overhead-interleaved-empty-job,0,2,0,none,%.2f,ms", median(empty)));
        rows.add(String.format(Locale.ROOT, "overhead-interleaved-tree,%d,2,2,float64,%.2f,ms", p, median(treeMs)));
        rows.add(String.format(Locale.ROOT, "overhead-sliced,%d,2,0,float64,%.2f,ms", p, median(slicedMs)));
        rows.add(String.format(Locale.ROOT, "overhead-interleaved-tree-aggregate,%d,2,2,float64,%.2f,ms", p,
                median(sparkMs)));
        data.unpersist(true);
    }

}
