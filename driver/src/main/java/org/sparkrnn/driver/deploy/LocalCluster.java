package org.sparkrnn.driver.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.sparkrnn.driver.UserError;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code local-cluster start|stop|status [workers]}: a real Spark standalone master and N workers on 127.0.0.1, run
 * from a {@link SparkHome}. Every process is recorded by PID in the state directory and stopped by PID; nothing is
 * found by name. Logs, PIDs and worker directories live in the state directory ({@code runs/local-cluster}, or
 * {@code $LOCAL_CLUSTER_DIR}).
 */
public final class LocalCluster {

    public static final int MASTER_PORT = Integer.parseInt(env("LOCAL_CLUSTER_PORT", "7077"));
    public static final int MASTER_UI_PORT = Integer.parseInt(env("LOCAL_CLUSTER_UI_PORT", "8080"));
    private static final long START_TIMEOUT_MS = 90_000;

    private final SparkHome spark;
    private final Path state;

    public LocalCluster(SparkHome spark, Path state) {
        this.spark = spark;
        this.state = state;
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("sparkrnn.root", ".")).toAbsolutePath().normalize();
        Path state = stateDir(root);
        String command = args.length > 0 ? args[0] : "status";
        try {
            LocalCluster cluster = new LocalCluster(command.equals("start") ? SparkHome.locate(root)
                    : new SparkHome(root, root), state);
            switch (command) {
                case "start" -> {
                    if (args.length > 1 && args[1].equals("--yarn")) {
                        cluster.startYarn(root, args.length > 2 ? Integer.parseInt(args[2]) : 1);
                    } else {
                        cluster.start(args.length > 1 ? Integer.parseInt(args[1]) : 2);
                    }
                }
                case "stop" -> cluster.stop();
                case "status" -> System.exit(cluster.status() ? 0 : 3);
                default -> throw new UserError("usage: local-cluster start [workers] | start --yarn [nodemanagers]"
                        + " | stop | status");
            }
        } catch (UserError e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        }
    }

    public static String masterUrl() {
        return "spark://127.0.0.1:" + MASTER_PORT;
    }

    public static String masterUi() {
        return "http://127.0.0.1:" + MASTER_UI_PORT;
    }

    /** Starts a master and {@code workers} workers (1 core, 1 GiB each) and waits until all have registered. */
    public void start(int workers) throws IOException, InterruptedException {
        if (workers < 1) {
            throw new UserError("a cluster needs at least one worker, got " + workers);
        }
        if (!runningPids().isEmpty()) {
            throw new UserError("a local cluster is already running (" + state + "); stop it first");
        }
        Files.createDirectories(state.resolve("logs"));
        launch("master", List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                "--port", String.valueOf(MASTER_PORT), "--webui-port", String.valueOf(MASTER_UI_PORT)));
        waitFor(() -> portOpen(MASTER_PORT), "the master to listen on port " + MASTER_PORT);
        for (int w = 1; w <= workers; w++) {
            Path work = state.resolve("work-" + w);
            Files.createDirectories(work);
            launch("worker-" + w, List.of("org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                    "--cores", "1", "--memory", "1g", "--webui-port", String.valueOf(MASTER_UI_PORT + w),
                    "--work-dir", work.toString(), masterUrl()));
        }
        waitFor(() -> aliveWorkers() >= workers, workers + " workers to register with the master");
        System.out.println("local cluster up: master " + masterUrl() + " (UI " + masterUi() + "), " + workers
                + " workers; state in " + state);
    }

    /**
     * Starts HDFS and YARN ({@link LocalHadoop}) with {@code nodeManagers} NodeManagers, recorded like the
     * standalone daemons (stopped by {@link #stop}); {@code scripts/submit --master yarn} finds their client
     * configuration in the state directory.
     */
    public void startYarn(Path root, int nodeManagers) throws IOException, InterruptedException {
        if (ProcessHandle.of(pid("hadoop").orElse(-1L)).map(ProcessHandle::isAlive).orElse(false)) {
            throw new UserError("HDFS and YARN already run (" + state + "); stop them first");
        }
        Files.createDirectories(state);
        LocalHadoop hadoop = LocalHadoop.start(root, hadoopState(state), nodeManagers, state.resolve("hadoop.pid"));
        System.out.println("HDFS " + hadoop.hdfs() + ", YARN " + hadoop.yarnWeb() + " (" + nodeManagers
                + " NodeManager(s)); client configuration (HADOOP_CONF_DIR) " + hadoop.confDir() + "; state in "
                + state);
    }

    /** Where the local HDFS and YARN keep their state, under a local cluster's state directory. */
    public static Path hadoopState(Path state) {
        return state.resolve("hadoop");
    }

    /** The local cluster's state directory ({@code runs/local-cluster}, or {@code $LOCAL_CLUSTER_DIR}). */
    public static Path stateDir(Path root) {
        return Path.of(env("LOCAL_CLUSTER_DIR", root.resolve("runs/local-cluster").toString()));
    }

    /** Stops every recorded process (TERM, then KILL after 10 s) and forgets it. */
    public void stop() throws IOException {
        List<ProcessHandle> handles = new ArrayList<>();
        for (Path pidFile : pidFiles()) {
            ProcessHandle.of(readPid(pidFile)).ifPresent(handles::add);
        }
        handles.forEach(ProcessHandle::destroy);
        long deadline = System.currentTimeMillis() + 10_000;
        for (ProcessHandle handle : handles) {
            while (handle.isAlive() && System.currentTimeMillis() < deadline) {
                sleep(100);
            }
            if (handle.isAlive()) {
                handle.destroyForcibly();
            }
        }
        for (Path pidFile : pidFiles()) {
            Files.deleteIfExists(pidFile);
        }
        System.out.println("local cluster stopped (" + handles.size() + " processes)");
    }

    /** Prints each recorded process and whether it runs; true when at least the master runs. */
    public boolean status() throws IOException {
        boolean master = false;
        for (Path pidFile : pidFiles()) {
            long pid = readPid(pidFile);
            boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            String name = pidFile.getFileName().toString().replace(".pid", "");
            master |= alive && (name.equals("master") || name.equals("hadoop"));
            System.out.println(name + " pid " + pid + (alive ? " running" : " not running"));
        }
        if (master && pid("master").isPresent()) {
            System.out.println("master " + masterUrl() + ", " + aliveWorkers() + " alive worker(s)");
        } else if (master) {
            System.out.println("HDFS and YARN: client configuration in " + hadoopState(state).resolve("conf"));
        } else {
            System.out.println("no local cluster running");
        }
        return master;
    }

    /** The PID of a recorded process ({@code master}, {@code worker-1}, ...), if recorded. */
    public Optional<Long> pid(String name) throws IOException {
        Path file = state.resolve(name + ".pid");
        return Files.exists(file) ? Optional.of(readPid(file)) : Optional.empty();
    }

    /** Workers the master reports ALIVE, from its JSON endpoint (0 when unreachable). */
    public static int aliveWorkers() {
        JsonNode json = masterJson();
        int alive = 0;
        if (json != null) {
            for (JsonNode worker : json.path("workers")) {
                alive += worker.path("state").asText().equals("ALIVE") ? 1 : 0;
            }
        }
        return alive;
    }

    /** The local master's {@code /json/} status, or null when unreachable. */
    public static JsonNode masterJson() {
        return masterJson(masterUi());
    }

    /** A master's {@code /json/} status at its web UI address, or null when unreachable. */
    public static JsonNode masterJson(String ui) {
        try {
            var connection = URI.create(ui + "/json/").toURL().openConnection();
            connection.setConnectTimeout(2000);
            connection.setReadTimeout(5000);
            try (var in = connection.getInputStream()) {
                return new ObjectMapper().readTree(in);
            }
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    private void launch(String name, List<String> mainAndArgs) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(SparkHome.java());
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(spark.classPath());
        command.addAll(mainAndArgs);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(state.resolve("logs/" + name + ".log").toFile());
        spark.configure(builder.environment());
        Process process = builder.start();
        Files.writeString(state.resolve(name + ".pid"), process.pid() + "\n");
    }

    private List<Path> pidFiles() throws IOException {
        if (!Files.isDirectory(state)) {
            return List.of();
        }
        try (var files = Files.list(state)) {
            return files.filter(f -> f.toString().endsWith(".pid")).sorted().toList();
        }
    }

    private List<Long> runningPids() throws IOException {
        List<Long> running = new ArrayList<>();
        for (Path file : pidFiles()) {
            if (file.getFileName().toString().equals("hadoop.pid")) {
                continue; // HDFS and YARN run beside a standalone cluster
            }
            long pid = readPid(file);
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                running.add(pid);
            }
        }
        return running;
    }

    private static long readPid(Path file) throws IOException {
        return Long.parseLong(Files.readString(file).trim());
    }

    private void waitFor(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new UserError("timed out waiting for " + what + "; see the logs in " + state.resolve("logs"));
            }
            sleep(250);
        }
    }

    private static boolean portOpen(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
