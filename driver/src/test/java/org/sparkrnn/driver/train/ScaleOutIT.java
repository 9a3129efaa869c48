package org.sparkrnn.driver.train;

import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.TaskCompletionListener;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.data.SequenceBlock;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.SparkRnnKryoRegistrator;
import org.sparkrnn.driver.cli.TrainCommand;
import org.sparkrnn.driver.config.Aggregation;
import org.sparkrnn.driver.config.KernelSettings;
import org.sparkrnn.driver.data.records.Partitioning;
import org.sparkrnn.driver.exec.BatchSchedule;
import org.sparkrnn.driver.exec.DistributedSums;
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

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scale-out guarantees, on real Spark with separate executor JVMs: the same model on any partitioning and any number
 * of executors (mini-batches chosen by global sequence index), the sliced aggregation equal to the tree, and
 * bit-identical weights run after run whatever order the tasks finish in.
 */
@Tag("every-spark-line")
class ScaleOutIT {

    private static final Path SUNSPOTS = Path.of(System.getProperty("sparkrnn.root", "..")).toAbsolutePath()
            .normalize().resolve("data/sunspots.csv");

    @TempDir
    Path tmp;

    /**
     * The sunspots example (real data, mini-batches of 32 of 241 windows, validation from 1961), float64, 24
     * iterations (three epochs, validated every 8): local[1] (one partition), local[2] with 3 partitions and
     * local-cluster[3,1,1024] (three executor JVMs, Spark's default Java serializer: a user's plain session) give the
     * same weights and validation metrics up to summation order; sliced and Spark's own treeAggregate equal our tree
     * on each partitioning to 1e-12.
     */
    @Test
    void anyPartitioningAndAnyNumberOfExecutorsTrainTheSameModel() throws Exception {
        SharedSpark.stop();
        Trainer.Result one = train(localContext("local[1]", true), "one", "tree");
        Trainer.Result three = train(localContext("local[2]", true), "three", "tree", "--partitions", "3");
        Trainer.Result threeSliced = train(localContext("local[2]", true), "three-sliced", "sliced",
                "--partitions", "3");
        Trainer.Result threeSparks = train(localContext("local[2]", true), "three-tree-aggregate", "tree-aggregate",
                "--partitions", "3");
        JavaSparkContext cluster = clusterContext();
        Trainer.Result executors;
        Trainer.Result executorsSliced;
        Trainer.Result executorsSparks;
        try {
            assertEquals(3, cluster.sc().getExecutorMemoryStatus().size() - 1, "three executor JVMs");
            executors = run(cluster, "executors", "tree");
            executorsSliced = run(cluster, "executors-sliced", "sliced");
            executorsSparks = run(cluster, "executors-tree-aggregate", "tree-aggregate");
            assertEquals(3, executors.data().train().getNumPartitions());
        } finally {
            cluster.stop();
        }
        assertEquals(1, one.data().train().getNumPartitions());
        assertEquals(3, three.data().train().getNumPartitions());
        for (Trainer.Result other : List.of(three, threeSliced, threeSparks, executors, executorsSliced,
                executorsSparks)) {
            assertClose(one.finalParams(), other.finalParams(), 1e-9, "final weights");
            assertClose(one.keptParams(), other.keptParams(), 1e-9, "kept weights");
            for (int row = 0; row < one.history().rows().size(); row++) {
                assertEquals(one.history().rows().get(row).trainLoss(), other.history().rows().get(row).trainLoss(),
                        1e-9, "training loss at iteration " + (row + 1));
            }
            assertEquals(one.lastValidation().rmse(), other.lastValidation().rmse(), 1e-9, "validation rmse");
        }
        assertClose(three.finalParams(), threeSliced.finalParams(), 1e-12, "local[2], 3 partitions: sliced vs tree");
        assertClose(executors.finalParams(), executorsSliced.finalParams(), 1e-12,
                "local-cluster: sliced vs tree");
        assertClose(three.finalParams(), threeSparks.finalParams(), 1e-12,
                "local[2], 3 partitions: Spark's treeAggregate vs our tree");
        assertClose(executors.finalParams(), executorsSparks.finalParams(), 1e-12,
                "local-cluster: Spark's treeAggregate vs our tree");
    }

    /**
     * Eight partitions in local[8] (a tree with a level of its own at depth 2: 8 task sums merged in 2 groups, then
     * on the driver) and local-cluster[3,1,1024]: the gradient tasks run in turn, each starting once the one before
     * it has ended, first the high partitions first, then the low ones, so the tasks finish in opposite orders
     * (checked); the weights after 6 mini-batch iterations are
     * the same bits every time, for both aggregations. The first run starts with the cell loops not yet compiled by
     * the JIT and the last with them compiled: that once changed the bits (the JDK's vector exp and tanh differ between
     * their compiled and Java forms; the kernel's own exp does not, see VectorLoopsTest).
     *
     * <p>Spark's own {@code treeAggregate} ({@code --aggregation tree-aggregate}) runs the same turns at depth 1 (its
     * driver then folds every task's sum as the task finishes; at depth 2 on 8 tasks its foldByKey level merges in
     * the shuffle's fetch order, which is fixed, and the driver adds two sums, a + b = b + a): equal to our tree to
     * 1e-12 every time, and the tasks finishing in opposite orders change its last bits on at least one master.
     */
    @Test
    void theSameRunGivesTheSameBitsWhateverOrderTasksFinishIn() throws Exception {
        SharedSpark.stop();
        List<String> sparksDiffer = new ArrayList<>();
        boolean anyDiffer = false;
        for (String master : List.of("local[8]", "local-cluster")) {
            JavaSparkContext sc = master.equals("local[8]") ? localContext(master, false) : clusterContext();
            try {
                int partitions = master.equals("local[8]") ? 8 : 3;
                JavaRDD<SequenceBlock> data = randomData(sc, partitions, 40);
                double[] ordered = null;
                for (Aggregation aggregation : Aggregation.values()) {
                    List<Integer> slowFirst = new ArrayList<>();
                    List<Integer> slowLast = new ArrayList<>();
                    Path turns = Files.createTempDirectory(tmp, "turns");
                    int depth = aggregation.reproducible() ? 2 : 1;
                    double[] a = runInTurn(sc, data, aggregation, depth, partitions, false, turns, slowFirst);
                    double[] b = runInTurn(sc, data, aggregation, depth, partitions, true, turns, slowLast);
                    assertNotEquals(slowFirst.get(0), slowLast.get(0), master + ": the delays changed which task"
                            + " finished first: " + slowFirst + " vs " + slowLast);
                    if (aggregation == Aggregation.TREE) {
                        ordered = a;
                    }
                    if (!aggregation.reproducible()) {
                        assertClose(ordered, a, 1e-12, master + ": Spark's treeAggregate vs our tree");
                        assertClose(ordered, b, 1e-12, master + ": Spark's treeAggregate, the other order, vs our"
                                + " tree");
                        int differ = 0;
                        for (int k = 0; k < a.length; k++) {
                            differ += a[k] != b[k] ? 1 : 0;
                        }
                        sparksDiffer.add(master + ": " + differ + " of " + a.length + " weights");
                        anyDiffer |= differ > 0;
                        continue;
                    }
                    double[] c = runInTurn(sc, data, aggregation, depth, partitions, false, turns, new ArrayList<>());
                    assertArrayEquals(a, c, master + " " + aggregation + ": the same bits run after run");
                    assertArrayEquals(a, b, master + " " + aggregation + ": the same bits in either order");
                }
            } finally {
                sc.stop();
            }
        }
        System.out.println("Spark's treeAggregate, the tasks finishing in opposite orders: last bits moved in "
                + sparksDiffer);
        assertTrue(anyDiffer, "Spark's treeAggregate merged the task sums the same way whichever task finished first"
                + " (" + sparksDiffer + "): the test no longer shows what --aggregation tree-aggregate gives up");
    }

    /**
     * Six iterations of 30-sequence mini-batches over {@code data}, the gradient tasks of each stage run in turn
     * (each starts once the one before it has ended: high partitions first unless {@code reversed}), told by marker
     * files in {@code turns}, which the executor JVMs of local-cluster see too; the order the gradient tasks finished
     * in goes to {@code finished} (their partition indexes).
     */
    private static double[] runInTurn(JavaSparkContext sc, JavaRDD<SequenceBlock> data, Aggregation aggregation,
                                      int depth, int partitions, boolean reversed, Path turns,
                                      List<Integer> finished) {
        String markers = turns.toString();
        JavaRDD<SequenceBlock> delayed = data.mapPartitionsWithIndex((p, blocks) -> {
            TaskContext task = TaskContext.get();
            String stage = markers + "/" + task.stageId() + "-" + task.stageAttemptNumber() + "-" + reversed
                    + "-ended-";
            int rank = reversed ? p : partitions - 1 - p; // rank 0 goes first
            if (rank > 0) {
                Path before = Path.of(stage + (reversed ? p - 1 : p + 1));
                long deadline = System.nanoTime() + 120_000_000_000L;
                while (!Files.exists(before)) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("task " + p + ": " + before + " never ended");
                    }
                    Thread.onSpinWait();
                }
            }
            task.addTaskCompletionListener((TaskCompletionListener) ended -> {
                try {
                    Files.createFile(Path.of(stage + p));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            return blocks;
        }, true);
        NetworkSpec spec = new NetworkSpec(3, List.of(LayerSpec.lstm(12)), 1, Loss.MSE);
        double[] params = Initializer.initialize(new ParameterLayout(spec), InitOptions.defaults());
        Optimizer optimizer = new Optimizer(OptimizerSettings.defaultsFor(OptimizerKind.ADAM));
        OptimizerState state = optimizer.init();
        BatchSchedule schedule = new BatchSchedule(40L * partitions, 30, 11,
                Partitioning.firstIndexes(data, "test: numbering"));
        FinishOrder order = new FinishOrder(finished); // of the first gradient job's first stage
        sc.sc().addSparkListener(order);
        try {
            TrainingStep step = new TrainingStep(new DistributedSums(sc, aggregation, depth), spec,
                    new KernelSettings(Precision.FLOAT64, 0), schedule, optimizer, 0);
            for (int it = 0; it < 6; it++) {
                step.run(delayed, params, state, it, 0.01, 0);
            }
            return params;
        } finally {
            sc.sc().removeSparkListener(order);
        }
    }

    /** The partition indexes of the first stage's tasks in the order they finished, per job. */
    private static final class FinishOrder extends SparkListener {
        private final List<Integer> finished;
        private int firstStage = -1;

        FinishOrder(List<Integer> finished) {
            this.finished = Collections.synchronizedList(finished);
        }

        @Override
        public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
            if (firstStage < 0) {
                firstStage = end.stageId();
            }
            if (end.stageId() == firstStage) {
                finished.add(end.taskInfo().index());
            }
        }
    }

    private static JavaRDD<SequenceBlock> randomData(JavaSparkContext sc, int partitions, int perPartition) {
        List<Long> seeds = new ArrayList<>();
        for (long p = 0; p < partitions; p++) {
            seeds.add(p + 1);
        }
        JavaRDD<SequenceBlock> data = sc.parallelize(seeds, partitions).map(seed -> {
            SplittableRandom random = new SplittableRandom(seed);
            SequenceBatch.Builder builder = SequenceBatch.builder(3, LabelShape.PER_SEQUENCE, LabelKind.VALUES, 1);
            for (int s = 0; s < perPartition; s++) {
                double[][] x = new double[2 + random.nextInt(6)][3];
                for (double[] row : x) {
                    for (int i = 0; i < row.length; i++) {
                        row[i] = random.nextDouble() * 2 - 1;
                    }
                }
                builder.add(x, new double[] {random.nextDouble()});
            }
            return (SequenceBlock) builder.build();
        }).persist(StorageLevel.MEMORY_ONLY());
        data.count();
        return data;
    }

    private Trainer.Result train(JavaSparkContext sc, String name, String aggregation, String... more)
            throws Exception {
        try {
            return run(sc, name, aggregation, more);
        } finally {
            sc.stop();
        }
    }

    private Trainer.Result run(JavaSparkContext sc, String name, String aggregation, String... more)
            throws Exception {
        List<String> args = new ArrayList<>(List.of("--data", SUNSPOTS.toString(), "--format", "csv",
                "--column", "SUNACTIVITY", "--time-column", "YEAR", "--window", "20", "--validate-from", "1961",
                "--normalize", "standard", "--hidden", "8", "--lr", "0.01", "--batch-size", "32", "--iterations",
                "24", "--validate-every", "8", "--precision", "float64", "--checkpoint-every", "0", "--log-every",
                "24", "--aggregation", aggregation, "--model-dir", tmp.resolve(name).toString()));
        args.addAll(List.of(more));
        PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
        return new Trainer(sc, TrainCommand.parse(args.toArray(new String[0])), quiet).run();
    }

    /** A local context; {@code kryo}: as our command line sets one up, else Spark's defaults (Java serializer). */
    private static JavaSparkContext localContext(String master, boolean kryo) {
        SparkConf conf = new SparkConf().setMaster(master).setAppName("scale-out-it").set("spark.ui.enabled", "false");
        if (kryo) {
            conf.set("spark.serializer", KryoSerializer.class.getName())
                    .set("spark.kryo.registrator", SparkRnnKryoRegistrator.class.getName())
                    .set("spark.kryo.registrationRequired", "true");
        }
        JavaSparkContext sc = new JavaSparkContext(conf);
        sc.setLogLevel("WARN");
        return sc;
    }

    /** Three executor JVMs of one core, with Spark's default (Java) serializer: a user's plain session. */
    private static JavaSparkContext clusterContext() {
        SparkConf conf = new SparkConf().setMaster("local-cluster[3,1,1024]").setAppName("scale-out-it")
                .set("spark.jars", System.getProperty("sparkrnn.app.jar"))
                // the test's own functions (delays, random data) on the executors' class path, with the classes
                // they use (a class path entry cannot see the jars Spark adds later)
                .set("spark.executor.extraClassPath", System.getProperty("sparkrnn.app.jar") + java.io.File.pathSeparator
                        + Path.of(System.getProperty("sparkrnn.app.jar")).resolveSibling("test-classes"))
                .set("spark.ui.enabled", "false");
        JavaSparkContext sc = new JavaSparkContext(conf);
        sc.setLogLevel("WARN");
        long deadline = System.currentTimeMillis() + 60_000;
        while (sc.sc().getExecutorMemoryStatus().size() < 4 && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return sc;
    }

    private static void assertClose(double[] expected, double[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double worst = 0;
        for (int j = 0; j < expected.length; j++) {
            worst = Math.max(worst, Math.abs(expected[j] - actual[j]));
        }
        assertTrue(worst <= tolerance, what + ": largest difference " + worst + " > " + tolerance);
        System.out.printf("%s: largest difference %.3g%n", what, worst);
    }
}
