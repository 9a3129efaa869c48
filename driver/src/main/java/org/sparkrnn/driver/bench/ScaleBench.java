package org.sparkrnn.driver.bench;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerBlockUpdated;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.serializer.KryoSerializer;
import org.sparkrnn.data.SequenceBlock;
import org.sparkrnn.driver.SparkRnnKryoRegistrator;
import org.sparkrnn.driver.config.Aggregation;
import org.sparkrnn.driver.config.KernelSettings;
import org.sparkrnn.driver.deploy.SparkHome;
import org.sparkrnn.driver.exec.BatchSchedule;
import org.sparkrnn.driver.exec.DistributedSums;
import org.sparkrnn.driver.train.TrainingStep;
import org.sparkrnn.kernel.Precision;
import org.sparkrnn.model.InitOptions;
import org.sparkrnn.model.Initializer;
import org.sparkrnn.model.NetworkSpec;
import org.sparkrnn.model.ParameterLayout;
import org.sparkrnn.optim.Optimizer;
import org.sparkrnn.optim.OptimizerKind;
import org.sparkrnn.optim.OptimizerSettings;
import org.sparkrnn.optim.OptimizerState;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Communication per training iteration as executors are added: {@code local-cluster[E,1,…]} (E executor JVMs of one
 * core, the driver in this JVM) for E = 1, 2, 4, 8, models of ~100k, 1M and 4M parameters, each aggregation
 * (Spark's treeAggregate, our ordered tree, sliced). Bytes
 * are the kernel's TCP counters per process ({@link SocketBytes}), read around every iteration: into and out of the
 * driver, and of the busiest executor of that iteration (the inner nodes and reducers move between executors),
 * averaged over the iterations. Spark's own metrics ({@link SparkBytes}: task results, shuffle writes, broadcast pieces stored on
 * executors) are printed beside them. The work per iteration is nil (one 1-step sequence per executor), so what is
 * left is communication and Spark's scheduling. Shuffle blocks travel over TCP as between hosts (Spark would read a
 * same-host executor's shuffle files from disk). Rows go to {@code runs/bench/scale.csv}.
 */
final class ScaleBench {

    static final String HEADER = "aggregation,executors,parameters,precision,driver_in_bytes,driver_out_bytes,"
            + "max_executor_in_bytes,max_executor_out_bytes,ms_per_iteration";
    private static final int WARM_UP = Integer.getInteger("bench.scale.warmup", 5);
    private static final int MEASURED = Integer.getInteger("bench.scale.measured", 6);
    /** Parameters and float32 (1) or not (0): {@code -Dbench.scale.grid=1000000:0,4000000:0} picks some. */
    private static final int[][] GRID = java.util.Arrays.stream(System.getProperty("bench.scale.grid",
                    "100000:0,1000000:0,4000000:0,1000000:1").split(","))
            .map(g -> java.util.Arrays.stream(g.split(":")).mapToInt(Integer::parseInt).toArray())
            .toArray(int[][]::new);
    private static final List<Aggregation> AGGREGATIONS = java.util.Arrays.stream(System.getProperty(
            "bench.scale.aggregations", "tree-aggregate,tree,sliced").split(",")).map(a -> Aggregation.valueOf(
            a.replace('-', '_').toUpperCase(Locale.ROOT))).toList();
    /**
     * Spark settings tried against the defaults, e.g. {@code -Dbench.scale.conf=spark.broadcast.blockSize=1m;
     * spark.broadcast.compress=false} (how the weights' broadcast travels).
     */
    private static final String EXTRA_CONF = System.getProperty("bench.scale.conf", "");

    private ScaleBench() {
    }

    static void run(Path csv) throws IOException {
        if (!SocketBytes.available()) {
            throw new IllegalStateException("scale: needs ss (iproute2) to read the sockets' byte counters");
        }
        if (!Files.exists(csv)) {
            Files.writeString(csv, HEADER + "\n");
        }
        System.out.println("bytes per iteration, local-cluster[E,1,1536], gradient tasks = E, tree depth 2, nil work"
                + " (TCP bytes per process; 'results' = Spark's task result bytes to the driver, 'gradient' = one"
                + " gradient's bytes; task, run, deser: mean ms per task from the launch to the result, running,"
                + " deserialising it)");
        System.out.printf(Locale.ROOT, "%-7s %3s %10s %8s %12s %12s %12s %12s %8s %12s %9s %6s %6s %6s%n", "agg",
                "E", "params", "precision", "driver in", "driver out", "max exec in", "max exec out", "ms/iter",
                "results", "in/grad", "task", "run", "deser");
        int[] counts = java.util.Arrays.stream(System.getProperty("bench.scale.executors", "1,2,4,8").split(","))
                .mapToInt(Integer::parseInt).toArray();
        for (int executors : counts) {
            JavaSparkContext sc = cluster(executors);
            List<Long> pids = executorPids(executors);
            try {
                JavaRDD<SequenceBlock> data = BenchFixtures.tinyData(sc, executors);
                // parameters, float32?
                for (int[] g : GRID) {
                    for (Aggregation aggregation : AGGREGATIONS) {
                        String row = measure(sc, data, pids, executors, g[0],
                                g[1] == 1 ? Precision.FLOAT32 : Precision.FLOAT64, aggregation);
                        Files.writeString(csv, row + "\n", java.nio.file.StandardOpenOption.APPEND);
                    }
                }
            } finally {
                sc.stop();
            }
        }
        System.out.println("appended to " + csv);
    }

    private static String measure(JavaSparkContext sc, JavaRDD<SequenceBlock> data, List<Long> executorPids,
                                  int executors, int target, Precision precision, Aggregation aggregation) {
        NetworkSpec spec = BenchFixtures.specWithParameters(target);
        int p = new ParameterLayout(spec).size();
        double[] params = Initializer.initialize(new ParameterLayout(spec), InitOptions.defaults());
        Optimizer optimizer = new Optimizer(OptimizerSettings.defaultsFor(OptimizerKind.ADAM));
        OptimizerState state = optimizer.init();
        TrainingStep step = new TrainingStep(new DistributedSums(sc, aggregation, 2), spec,
                new KernelSettings(precision, 0), BatchSchedule.fullBatch(executors, 1), optimizer, 0);
        for (int r = 0; r < WARM_UP; r++) {
            step.run(data, params, state, r, 1e-6, 0);
        }
        SparkBytes spark = new SparkBytes();
        sc.sc().addSparkListener(spark);
        long driverPid = ProcessHandle.current().pid();
        double[] times = new double[MEASURED];
        long in = 0;
        long out = 0;
        long maxIn = 0;
        long maxOut = 0;
        for (int r = 0; r < MEASURED; r++) {
            SocketBytes before = SocketBytes.snapshot();
            long start = System.nanoTime();
            step.run(data, params, state, WARM_UP + r, 1e-6, 0);
            times[r] = (System.nanoTime() - start) / 1e6;
            Map<Long, SocketBytes.Traffic> traffic = SocketBytes.snapshot().since(before);
            SocketBytes.Traffic driver = traffic.getOrDefault(driverPid, new SocketBytes.Traffic(0, 0));
            in += driver.received();
            out += driver.sent();
            long busiestIn = 0;
            long busiestOut = 0;
            for (long pid : executorPids) {
                SocketBytes.Traffic t = traffic.getOrDefault(pid, new SocketBytes.Traffic(0, 0));
                busiestIn = Math.max(busiestIn, t.received());
                busiestOut = Math.max(busiestOut, t.sent());
            }
            maxIn += busiestIn;   // the busiest executor of each iteration (the role moves between executors)
            maxOut += busiestOut;
        }
        sc.sc().removeSparkListener(spark);
        in /= MEASURED;
        out /= MEASURED;
        long gradient = (long) p * (precision == Precision.FLOAT32 ? 4 : 8);
        double ms = BenchFixtures.median(times);
        long tasks = Math.max(1, spark.tasks.get());
        System.out.printf(Locale.ROOT, "%-7s %3d %10d %8s %12d %12d %12d %12d %8.1f %12d %9.2f %6d %6d %6d%n",
                aggregation.cliName(), executors, p, precision.cliName(), in, out, maxIn / MEASURED,
                maxOut / MEASURED, ms, spark.results.get() / MEASURED, (double) in / gradient,
                spark.taskMillis.get() / tasks, spark.runMillis.get() / tasks, spark.deserializeMillis.get() / tasks);
        return String.format(Locale.ROOT, "%s,%d,%d,%s,%d,%d,%d,%d,%.1f", aggregation.cliName(), executors, p,
                precision.cliName(), in, out, maxIn / MEASURED, maxOut / MEASURED, ms);
    }

    /** Spark's own counts: task result bytes (to the driver), shuffle bytes written, broadcast pieces fetched. */
    static final class SparkBytes extends SparkListener {
        final AtomicLong results = new AtomicLong();
        final AtomicLong shuffleWritten = new AtomicLong();
        final AtomicLong broadcastPieces = new AtomicLong();
        final AtomicLong taskMillis = new AtomicLong();
        final AtomicLong runMillis = new AtomicLong();
        final AtomicLong deserializeMillis = new AtomicLong();
        final AtomicLong tasks = new AtomicLong();

        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
            if (end.taskMetrics() != null) {
                results.addAndGet(end.taskMetrics().resultSize());
                shuffleWritten.addAndGet(end.taskMetrics().shuffleWriteMetrics().bytesWritten());
                taskMillis.addAndGet(end.taskInfo().duration());
                runMillis.addAndGet(end.taskMetrics().executorRunTime());
                deserializeMillis.addAndGet(end.taskMetrics().executorDeserializeTime());
                tasks.incrementAndGet();
            }
        }

        @Override
        public void onBlockUpdated(SparkListenerBlockUpdated update) {
            String block = update.blockUpdatedInfo().blockId().name();
            if (block.startsWith("broadcast_") && block.contains("_piece")
                    && !update.blockUpdatedInfo().blockManagerId().isDriver()) {
                broadcastPieces.addAndGet(update.blockUpdatedInfo().memSize()
                        + update.blockUpdatedInfo().diskSize());
            }
        }
    }

    private static JavaSparkContext cluster(int executors) {
        String jar = System.getProperty("sparkrnn.app.jar", "driver/target/sparkrnn-driver-0.1.0-SNAPSHOT-app.jar");
        SparkConf conf = new SparkConf().setMaster("local-cluster[" + executors + ",1,1536]")
                .setAppName("sparkrnn-scale-bench")
                .set("spark.jars", Path.of(jar).toAbsolutePath().toString())
                .set("spark.serializer", KryoSerializer.class.getName())
                .set("spark.kryo.registrator", SparkRnnKryoRegistrator.class.getName())
                .set("spark.kryo.registrationRequired", "true")
                .set("spark.kryo.unsafe", "true")
                .set("spark.task.maxDirectResultSize", String.valueOf(128L << 20))
                .set("spark.executor.extraJavaOptions", String.join(" ",
                        SparkHome.locate(Path.of("").toAbsolutePath()).javaOptions()))
                .set("spark.executorEnv.OPENBLAS_NUM_THREADS", "1")
                // executors on one host read each other's shuffle files from disk, not over the network; hosts of
                // their own would fetch them: count those bytes as they would
                .set("spark.shuffle.readHostLocalDisk", "false")
                .set("spark.ui.enabled", "false")
                .set("spark.ui.showConsoleProgress", "false");
        for (String setting : EXTRA_CONF.split(";")) {
            if (!setting.isBlank()) {
                int eq = setting.indexOf('=');
                conf.set(setting.substring(0, eq).trim(), setting.substring(eq + 1).trim());
            }
        }
        JavaSparkContext sc = new JavaSparkContext(conf);
        sc.setLogLevel("ERROR");
        long deadline = System.currentTimeMillis() + 120_000;
        while (sc.sc().getExecutorMemoryStatus().size() < executors + 1) {
            if (System.currentTimeMillis() > deadline) {
                sc.stop();
                throw new IllegalStateException("scale: " + executors + " executors did not start in 2 minutes");
            }
            sleep(200);
        }
        return sc;
    }

    /** The executor JVMs this driver's local cluster started (its descendants running Spark's executor backend). */
    private static List<Long> executorPids(int expected) {
        List<Long> pids = new ArrayList<>();
        ProcessHandle.current().descendants().forEach(process -> {
            if (process.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend")) {
                pids.add(process.pid());
            }
        });
        if (pids.size() != expected) {
            throw new IllegalStateException("scale: found " + pids.size() + " executor processes, expected "
                    + expected);
        }
        return pids;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
