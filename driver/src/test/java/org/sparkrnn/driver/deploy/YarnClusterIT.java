package org.sparkrnn.driver.deploy;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.sparkrnn.driver.model.CheckpointStore;
import org.sparkrnn.driver.model.FileStore;
import org.sparkrnn.driver.model.ModelDirectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training on YARN with the data, the model directory and the checkpoints on HDFS, both real (Hadoop's own test
 * clusters, from Maven jars, in their own JVM on 127.0.0.1), submitted with {@code scripts/submit --master yarn} as a
 * user does: client and cluster mode give the weights of the same run in local mode (float64, 1e-9); predict writes
 * to HDFS; the executors are started with the Vector API module and one BLAS thread; a failed cluster-mode run shows
 * the driver's error and where its logs are. Faults: an executor killed mid-training (YARN starts another; the weights
 * are the uninterrupted run's), the application master killed in cluster mode then {@code --resume} from the
 * checkpoints on HDFS (the uninterrupted weights), and a checkpoint write cut off on HDFS (the previous checkpoint
 * stays readable; the next write of the same checkpoint succeeds).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("yarn")
class YarnClusterIT {

    private static final Pattern ITERATION = Pattern.compile("iter (\\d+)/");
    private static final Pattern APPLICATION = Pattern.compile("(application_\\d+_\\d+)");

    private static Path tmp;
    private static LocalHadoop hadoop;
    private static String hdfs;
    private static ClusterProcesses processes;
    private static Map<String, String> yarnEnv;
    private static final Map<String, double[]> LOCAL = new java.util.HashMap<>();

    @BeforeAll
    static void startHdfsAndYarn() throws Exception {
        tmp = Path.of("target/yarn-it").toAbsolutePath();
        if (Files.exists(tmp)) {
            try (Stream<Path> old = Files.walk(tmp)) {
                for (Path p : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(tmp);
        hadoop = LocalHadoop.start(ClusterProcesses.ROOT, tmp.resolve("hadoop"), 1, null);
        hdfs = hadoop.hdfs();
        processes = new ClusterProcesses(tmp.resolve("state"));
        yarnEnv = Map.of("HADOOP_CONF_DIR", hadoop.confDir().toString());
        try (FileSystem fs = FileSystem.newInstance(java.net.URI.create(hdfs), new Configuration())) {
            fs.mkdirs(new org.apache.hadoop.fs.Path("/data"));
            fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(ClusterProcesses.ROOT.resolve("data/sunspots.csv")
                    .toUri()), new org.apache.hadoop.fs.Path("/data/sunspots.csv"));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (hadoop != null) {
            hadoop.stop();
        }
    }

    private static List<String> trainArgs(String data, String modelDir, int iterations) {
        return new ArrayList<>(List.of("train", "--data", data, "--format", "csv", "--column", "SUNACTIVITY",
                "--window", "12", "--hidden", "8", "--batch-size", "16", "--iterations", String.valueOf(iterations),
                "--precision", "float64", "--checkpoint-every", "20", "--log-every", "1", "--normalize", "standard",
                "--lr", "0.01", "--partitions", "2", "--model-dir", modelDir));
    }

    /** lstm-spark train in local[2] (two partitions, as two executors of one core): the reference weights. */
    private static double[] localWeights(String name, int iterations) throws Exception {
        double[] known = LOCAL.get(name);
        if (known != null) {
            return known;
        }
        Path dir = tmp.resolve("local-" + name);
        List<String> args = trainArgs(ClusterProcesses.ROOT.resolve("data/sunspots.csv").toString(), dir.toString(),
                iterations);
        args.addAll(List.of("--master", "local[2]"));
        processes.run(tmp.resolve("local-" + name + ".log"), "lstm-spark", args.toArray(new String[0]));
        LOCAL.put(name, ClusterProcesses.weights(dir));
        return LOCAL.get(name);
    }

    private static double[] hdfsWeights(String modelDir) throws IOException {
        return new ModelDirectory(new FileStore(new Configuration()), hdfs + modelDir).readModel().params();
    }

    /** scripts/submit --master yarn with two executors of one core, then lstm-spark's arguments. */
    private static List<String> submit(String mode, String... extra) {
        List<String> args = new ArrayList<>(List.of("--master", "yarn", "--deploy-mode", mode,
                "--spark-conf", "spark.executor.instances=2", "--spark-conf", "spark.executor.cores=1",
                "--spark-conf", "spark.executor.memory=512m", "--spark-conf", "spark.driver.memory=512m"));
        args.addAll(List.of(extra));
        args.add("--");
        return args;
    }

    private static String run(String log, List<String> submitArgs, List<String> appArgs, int expectedExit)
            throws Exception {
        List<String> all = new ArrayList<>(submitArgs);
        all.addAll(appArgs);
        ClusterProcesses.Run run = processes.start(tmp.resolve(log), yarnEnv, "submit", all.toArray(new String[0]));
        int exit = run.waitFor(600);
        String output = run.output();
        assertEquals(expectedExit, exit, output);
        return output;
    }

    @Test
    @Order(1)
    void clientAndClusterModeTrainFromHdfsAsLocalModeDoes() throws Exception {
        double[] local = localWeights("40", 40);
        String client = run("client.log", submit("client"), trainArgs("hdfs:///data/sunspots.csv", "hdfs:///runs/client",
                40), 0);
        assertTrue(client.contains("done: 40 iterations"), client);
        ClusterProcesses.assertClose(local, hdfsWeights("/runs/client"), 1e-9, "YARN client mode vs local[2]");
        String app = application(client);
        // the executors' launch commands: the Vector API module and one BLAS thread per task reached them
        String launch = executorLaunchScript(app);
        assertTrue(launch.contains("--add-modules=jdk.incubator.vector"), launch);
        assertTrue(launch.contains("OPENBLAS_NUM_THREADS=\"1\""), launch);

        String cluster = run("cluster.log", submit("cluster"), trainArgs("hdfs:///data/sunspots.csv",
                "hdfs:///runs/cluster", 40), 0);
        assertTrue(cluster.contains("final status: SUCCEEDED"), cluster);
        assertTrue(cluster.contains("done: 40 iterations"), "the driver's output, from its container:\n" + cluster);
        ClusterProcesses.assertClose(local, hdfsWeights("/runs/cluster"), 1e-9, "YARN cluster mode vs local[2]");

        String predicted = run("predict.log", submit("client"), List.of("predict", "--model-dir",
                "hdfs:///runs/client", "--output", "hdfs:///runs/client-predictions"), 0);
        assertTrue(predicted.contains("wrote predictions"), predicted);
        try (FileSystem fs = FileSystem.newInstance(java.net.URI.create(hdfs), new Configuration())) {
            assertTrue(fs.exists(new org.apache.hadoop.fs.Path("/runs/client-predictions/_SUCCESS")), predicted);
        }

        // a failed cluster-mode run: its error and where its logs are, in the submit output; exit 1
        String failed = run("failed.log", submit("cluster"), trainArgs("hdfs:///data/nosuch.csv",
                "hdfs:///runs/failed", 10), 1);
        assertTrue(failed.contains("final status: FAILED"), failed);
        assertTrue(failed.lines().anyMatch(l -> l.startsWith("error: ") && l.contains("nosuch.csv")), failed);
        assertTrue(failed.contains("driver logs: http://"), failed);
    }

    @Test
    @Order(2)
    void anExecutorKilledMidTrainingIsReplacedAndTheWeightsAreTheUninterruptedRuns() throws Exception {
        int iterations = 300;
        double[] local = localWeights("300", iterations);
        List<String> all = submit("client");
        all.addAll(trainArgs("hdfs:///data/sunspots.csv", "hdfs:///runs/executor-killed", iterations));
        ClusterProcesses.Run run = processes.start(tmp.resolve("executor-killed.log"), yarnEnv, "submit",
                all.toArray(new String[0]));
        waitForIteration(run, 60);
        String app = application(run.output());
        ProcessHandle executor = processOf(app, "YarnCoarseGrainedExecutorBackend").orElseThrow(
                () -> new AssertionError("no executor of " + app + " found"));
        executor.destroyForcibly();
        System.out.println("killed executor pid " + executor.pid() + " of " + app + " at iteration "
                + lastIteration(run.output()));
        assertEquals(0, run.waitFor(600), run.output());
        ClusterProcesses.assertClose(local, hdfsWeights("/runs/executor-killed"), 1e-9,
                "an executor killed vs uninterrupted");
    }

    @Test
    @Order(3)
    void theApplicationMasterKilledInClusterModeResumesFromHdfs() throws Exception {
        int iterations = 300;
        double[] local = localWeights("300", iterations);
        List<String> all = submit("cluster", "--spark-conf", "spark.yarn.maxAppAttempts=1");
        all.addAll(trainArgs("hdfs:///data/sunspots.csv", "hdfs:///runs/driver-killed", iterations));
        ClusterProcesses.Run run = processes.start(tmp.resolve("driver-killed.log"), yarnEnv, "submit",
                all.toArray(new String[0]));
        String app = awaitApplication(run);
        Path driverOut = awaitContainerLog(app, "000001", "stdout");
        long deadline = System.currentTimeMillis() + 300_000;
        while (lastIteration(Files.readString(driverOut)) < 60) {
            assertTrue(System.currentTimeMillis() < deadline, "no iteration 60: " + Files.readString(driverOut));
            Thread.sleep(100);
        }
        ProcessHandle master = processOf(app, "ApplicationMaster").orElseThrow(
                () -> new AssertionError("no application master of " + app + " found"));
        master.destroyForcibly();
        System.out.println("killed the application master (the driver) pid " + master.pid() + " of " + app
                + " at iteration " + lastIteration(Files.readString(driverOut)));
        assertEquals(1, run.waitFor(600), run.output());

        String resumed = run("driver-resumed.log", submit("cluster"), List.of("train", "--model-dir",
                "hdfs:///runs/driver-killed", "--resume"), 0);
        assertTrue(resumed.contains("resuming from iteration"), resumed);
        ClusterProcesses.assertClose(local, hdfsWeights("/runs/driver-killed"), 1e-9,
                "the driver killed, resumed vs uninterrupted");
    }

    @Test
    @Order(4)
    void aCheckpointWriteCutOffOnHdfsLeavesThePreviousOneReadable() throws Exception {
        String modelDir = hdfs + "/runs/cut-off";
        FileStore files = new FileStore(new Configuration());
        CheckpointStore store = new CheckpointStore(files, modelDir, 3);
        double[] params = {1, 2, 3};
        store.write(state(59, params));
        // a writer of checkpoint 60 dies mid-write: a JVM of its own, killed (-9) with the file open (its lease held)
        String name = String.format("ckpt-%012d.bin", 60);
        Process writer = new ProcessBuilder(org.sparkrnn.driver.deploy.SparkHome.java(), "-cp",
                System.getProperty("java.class.path"), DyingWriter.class.getName(),
                modelDir + "/checkpoints/" + name + ".tmp").redirectErrorStream(true).start();
        var lines = new java.io.BufferedReader(new java.io.InputStreamReader(writer.getInputStream()));
        String line = lines.readLine();
        for (; line != null && !line.equals("written"); line = lines.readLine()) {
            System.out.println("writer: " + line);
        }
        assertEquals("written", line, "the writer had its file open when killed");
        writer.destroyForcibly().waitFor();
        assertEquals(59, store.newestValid(w -> { }).iteration(), "the previous checkpoint, readable");
        // the same checkpoint written again (a resumed run reaching iteration 60) succeeds
        store.write(state(60, params));
        assertEquals(60, store.newestValid(w -> { }).iteration());
    }

    /** Opens a file on HDFS, writes part of it, says "written" and waits to be killed. */
    public static final class DyingWriter {
        public static void main(String[] args) throws Exception {
            FileSystem fs = FileSystem.get(java.net.URI.create(args[0]), new Configuration());
            var out = fs.create(new org.apache.hadoop.fs.Path(args[0]), true);
            out.write(new byte[100_000]);
            out.hflush();
            System.out.println("written");
            System.out.flush();
            Thread.sleep(600_000);
        }
    }

    private static org.sparkrnn.driver.model.TrainingState state(long iteration, double[] params) {
        return new org.sparkrnn.driver.model.TrainingState(iteration, params,
                org.sparkrnn.optim.OptimizerState.restore(iteration, Map.of("m", params.clone())), 0.5, iteration,
                params.clone(), 0, 7L, 42L);
    }

    private static String application(String output) {
        Matcher m = APPLICATION.matcher(output);
        assertTrue(m.find(), "no application id in:\n" + output);
        return m.group(1);
    }

    private static String awaitApplication(ClusterProcesses.Run run) throws Exception {
        long deadline = System.currentTimeMillis() + 300_000;
        while (true) {
            Matcher m = APPLICATION.matcher(run.output());
            if (m.find()) {
                return m.group(1);
            }
            assertTrue(run.process().isAlive() && System.currentTimeMillis() < deadline, run.output());
            Thread.sleep(200);
        }
    }

    /** A container's log file on the NodeManager (kept on local disk: no log aggregation). */
    private static Path awaitContainerLog(String app, String container, String file) throws Exception {
        long deadline = System.currentTimeMillis() + 300_000;
        while (System.currentTimeMillis() < deadline) {
            try (Stream<Path> paths = Files.walk(hadoop.state())) {
                Optional<Path> log = paths.filter(p -> p.getFileName().toString().equals(file)
                        && p.getParent().getFileName().toString().startsWith("container_")
                        && p.getParent().getFileName().toString().endsWith("_" + container)
                        && p.toString().contains(app)).findFirst();
                if (log.isPresent()) {
                    return log.get();
                }
            } catch (java.io.UncheckedIOException e) {
                // a directory went away while walking: look again
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no " + file + " of container " + container + " of " + app);
    }

    /** The launch script of one of the application's executors (containers after the application master's). */
    private static String executorLaunchScript(String app) throws IOException {
        String appDir = app.replace("application_", "");
        try (Stream<Path> paths = Files.walk(hadoop.state())) {
            Path script = paths.filter(p -> p.getFileName().toString().equals("launch_container.sh")
                            && p.toString().contains(app) && !p.getParent().getFileName().toString()
                            .endsWith("_000001")).findFirst()
                    .orElseThrow(() -> new AssertionError("no executor launch script of " + app + " (" + appDir
                            + ")"));
            return Files.readString(script);
        }
    }

    /** The JVM (not the shell YARN starts it from) running {@code mainClass} for {@code app}. */
    private static Optional<ProcessHandle> processOf(String app, String mainClass) {
        return ProcessHandle.allProcesses().filter(p -> p.info().command().map(c -> c.endsWith("/java"))
                .orElse(false) && p.info().commandLine().map(c -> c.contains(mainClass) && c.contains(app))
                .orElse(false)).findFirst();
    }

    private static void waitForIteration(ClusterProcesses.Run run, long iteration) throws Exception {
        long deadline = System.currentTimeMillis() + 300_000;
        while (lastIteration(run.output()) < iteration) {
            assertTrue(run.process().isAlive(), "ended early:\n" + run.output());
            assertTrue(System.currentTimeMillis() < deadline, "no iteration " + iteration + ":\n" + run.output());
            Thread.sleep(100);
        }
    }

    private static long lastIteration(String output) {
        Matcher m = ITERATION.matcher(output);
        long last = -1;
        while (m.find()) {
            last = Long.parseLong(m.group(1));
        }
        return last;
    }
}
