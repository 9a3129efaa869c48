package org.sparkrnn.driver.deploy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Spark standalone cluster (a master and two workers, each its own JVM) started with scripts/local-cluster,
 * jobs sent with scripts/submit: client and cluster deploy mode give the weights of a local-mode run; a worker
 * killed with SIGKILL mid-training costs nothing; a driver killed mid-training is finished by --resume. Everything
 * started is stopped by PID at the end, whatever happened.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {

    private static final double TOLERANCE = 1e-9;
    private static Path work;
    private static ClusterProcesses cluster;
    private static double[] localWeights;

    @BeforeAll
    static void startCluster() throws Exception {
        work = Files.createTempDirectory("sparkrnn-cluster-it");
        cluster = new ClusterProcesses(work.resolve("cluster"));
        cluster.run(work.resolve("start.log"), "local-cluster", "start", "2");
        Path local = work.resolve("local-model");
        cluster.run(work.resolve("local.log"), "lstm-spark", train(local, 40, "--master", "local[2]"));
        localWeights = ClusterProcesses.weights(local);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        try {
            if (cluster != null) {
                cluster.run(work.resolve("stop.log"), "local-cluster", "stop");
            }
        } finally {
            org.sparkrnn.driver.TestData.deleteRecursively(work);
        }
    }

    /** A float64 sunspot run; every path absolute (a cluster-mode driver runs in a worker's directory). */
    static String[] train(Path modelDir, int iterations, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--format", "csv",
                "--data", ClusterProcesses.ROOT.resolve("data/sunspots.csv").toString(), "--column", "SUNACTIVITY",
                "--window", "12", "--normalize", "standard", "--hidden", "8", "--lr", "0.01",
                "--batch-size", "64", "--partitions", "2", "--precision", "float64",
                "--iterations", String.valueOf(iterations), "--checkpoint-every", "5", "--log-every", "1",
                "--model-dir", modelDir.toString()));
        args.addAll(List.of(extra));
        return args.toArray(new String[0]);
    }

    static String[] submit(String mode, String[] trainArgs) {
        return Stream.concat(Stream.of("--deploy-mode", mode, "--"), Stream.of(trainArgs)).toArray(String[]::new);
    }

    @Test
    @Order(1)
    void clientAndClusterDeployModeGiveTheLocalModeWeights() throws Exception {
        for (String mode : List.of("client", "cluster")) {
            Path model = work.resolve(mode + "-model");
            String output = cluster.run(work.resolve(mode + ".log"), "submit", submit(mode, train(model, 40)));
            if (mode.equals("cluster")) {
                assertTrue(output.contains("final state: FINISHED"), output);
            }
            ClusterProcesses.assertClose(localWeights, ClusterProcesses.weights(model), TOLERANCE,
                    mode + " deploy mode vs local mode");
        }
        // the executors were started with the Vector API module (a worker adds only Spark's own flags)
        try (Stream<Path> files = Files.walk(work.resolve("cluster"))) {
            List<String> commands = files.filter(f -> f.getFileName().toString().equals("stderr"))
                    .flatMap(f -> {
                        try {
                            return Files.readAllLines(f).stream();
                        } catch (java.io.IOException e) {
                            return Stream.empty();
                        }
                    }).filter(line -> line.contains("Spark Executor Command:")).toList();
            assertTrue(!commands.isEmpty() && commands.stream().allMatch(c -> c.contains(
                    "--add-modules=jdk.incubator.vector")), commands.toString());
        }
    }

    @Test
    @Order(2)
    void aFailedClusterModeDriverIsReportedAsFailed() throws Exception {
        Path bad = work.resolve("bad.jsonl");
        Files.writeString(bad, "{\"features\": [[1, 2]], \"label\": 1}\n{\"features\": [[1]], \"label\": 1}\n");
        ClusterProcesses.Run run = cluster.start(work.resolve("failed.log"), Map.of(), "submit",
                "--deploy-mode", "cluster", "--", "train", "--data", bad.toString(), "--model-dir",
                work.resolve("failed-model").toString());
        int exit = run.waitFor(300);
        String output = run.output();
        assertEquals(1, exit, output);
        assertTrue(output.contains("final state: FAILED"), output);
        assertTrue(output.contains("error: " + bad + " line 2: step 0 has 1 features, expected 2"), output);
    }

    @Test
    @Order(3)
    void aKilledDriverIsFinishedByResume() throws Exception {
        Path model = work.resolve("driver-loss-model");
        Path pidFile = work.resolve("driver.pid");
        ClusterProcesses.Run run = cluster.start(work.resolve("driver-loss.log"),
                Map.of("SPARKRNN_DRIVER_PID_FILE", pidFile.toString()), "submit", submit("client", train(model, 40)));
        waitUntil(() -> Files.exists(model.resolve("checkpoints/ckpt-000000000010.bin")), 240, run);
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // SIGKILL
        run.waitFor(60);
        assertTrue(!Files.exists(model.resolve("model.safetensors")), "the run was cut short");
        String output = cluster.run(work.resolve("resume.log"), "submit", submit("client", train(model, 40,
                "--resume")));
        assertTrue(output.contains("resuming from iteration"), output);
        ClusterProcesses.assertClose(localWeights, ClusterProcesses.weights(model), TOLERANCE,
                "resumed after driver loss vs uninterrupted");
    }

    @Test
    @Order(4)
    void aKilledWorkerCostsNothing() throws Exception {
        Path model = work.resolve("worker-loss-model");
        ClusterProcesses.Run run = cluster.start(work.resolve("worker-loss.log"), Map.of(), "submit",
                submit("client", train(model, 40)));
        waitUntil(() -> {
            try {
                return run.output().contains("iter 8/40");
            } catch (java.io.IOException e) {
                return false;
            }
        }, 240, run);
        // SIGKILL the worker and the executor JVMs it started, as losing its machine would
        ProcessHandle worker = ProcessHandle.of(
                Long.parseLong(Files.readString(work.resolve("cluster/worker-1.pid")).trim())).orElseThrow();
        List<ProcessHandle> executors = worker.descendants().toList();
        worker.destroyForcibly();
        executors.forEach(ProcessHandle::destroyForcibly);
        int exit = run.waitFor(600);
        assertEquals(0, exit, run.output());
        assertTrue(run.output().contains("iter 40/40"), run.output());
        ClusterProcesses.assertClose(localWeights, ClusterProcesses.weights(model), TOLERANCE,
                "after losing a worker vs uninterrupted");
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, int seconds,
                                  ClusterProcesses.Run run) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (!condition.getAsBoolean()) {
            if (!run.process().isAlive() || System.currentTimeMillis() > deadline) {
                throw new AssertionError("the run ended or stalled before the fault was injected:\n" + run.output());
            }
            Thread.sleep(200);
        }
    }
}
