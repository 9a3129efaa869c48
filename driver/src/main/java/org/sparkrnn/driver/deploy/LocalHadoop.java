package org.sparkrnn.driver.deploy;

import org.sparkrnn.driver.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Real HDFS and YARN on 127.0.0.1 from Maven jars: Hadoop's own test clusters (MiniDFSCluster, MiniYARNCluster), run
 * by the {@code hadoop-cluster} module's launcher in a JVM of their own, data and logs in a state directory, and the
 * client configuration a submitter needs ({@code HADOOP_CONF_DIR}) written into its {@code conf/}. For
 * {@code scripts/local-cluster start --yarn}, {@code scripts/submit --master yarn} and the YARN tests.
 */
public final class LocalHadoop {

    private static final long START_TIMEOUT_MS = 180_000;

    private final Path state;
    private final Process process;

    private LocalHadoop(Path state, Process process) {
        this.state = state;
        this.process = process;
    }

    /**
     * Starts HDFS and YARN with {@code nodeManagers} NodeManagers, their state in {@code state} (a fresh directory
     * each start), and returns once both answer; the process is recorded in {@code state/../hadoop.pid} when
     * {@code pidFile} is given.
     */
    public static LocalHadoop start(Path root, Path state, int nodeManagers, Path pidFile)
            throws IOException, InterruptedException {
        Path module = root.resolve("hadoop-cluster/target");
        Path classpath = module.resolve("hadoop-cluster.classpath");
        Path jar = module.resolve("sparkrnn-hadoop-cluster-0.1.0-SNAPSHOT.jar");
        if (!Files.exists(classpath) || !Files.exists(jar)) {
            throw new UserError("the HDFS and YARN launcher is not built (" + module + "): mvn -B package -DskipTests"
                    + " in " + root);
        }
        deleteRecursively(state);
        Files.createDirectories(state);
        Path log4j = Files.write(state.resolve("log4j.properties"), List.of("log4j.rootLogger=WARN, out",
                "log4j.appender.out=org.apache.log4j.ConsoleAppender",
                "log4j.appender.out.layout=org.apache.log4j.PatternLayout",
                "log4j.appender.out.layout.ConversionPattern=[%d] %p %m (%c)%n"));
        List<String> command = new ArrayList<>(List.of(SparkHome.java(), "-Xmx1g",
                "-Dlog4j.configuration=file:" + log4j, "-Dnodemanagers=" + nodeManagers, "-cp",
                jar + java.io.File.pathSeparator + Files.readString(classpath).strip(),
                "org.sparkrnn.hadoopcluster.LocalHadoop", state.toString()));
        // the test clusters keep their directories under the working directory's target/
        ProcessBuilder builder = new ProcessBuilder(command).directory(state.toFile()).redirectErrorStream(true)
                .redirectOutput(state.resolve("hadoop.log").toFile());
        // containers run Java from JAVA_HOME, as on a real node
        builder.environment().put("JAVA_HOME", Path.of(System.getProperty("java.home")).toString());
        Process process = builder.start();
        if (pidFile != null) {
            Files.writeString(pidFile, process.pid() + "\n");
        }
        LocalHadoop hadoop = new LocalHadoop(state, process);
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (!Files.exists(state.resolve("ready"))) {
            if (!process.isAlive() || System.currentTimeMillis() > deadline) {
                hadoop.stop();
                throw new UserError("HDFS and YARN did not start; see " + state.resolve("hadoop.log"));
            }
            Thread.sleep(200);
        }
        return hadoop;
    }

    /** The client configuration directory of a local Hadoop whose state is in {@code state}, if it runs. */
    public static Optional<Path> confDir(Path state) {
        Path conf = state.resolve("conf");
        return Files.exists(state.resolve("ready")) && Files.isDirectory(conf) ? Optional.of(conf) : Optional.empty();
    }

    /** The client configuration directory ({@code HADOOP_CONF_DIR}). */
    public Path confDir() {
        return state.resolve("conf");
    }

    /** {@code hdfs://localhost:PORT}. */
    public String hdfs() throws IOException {
        return field("hdfs");
    }

    /** The ResourceManager's web address, {@code http://host:port}. */
    public String yarnWeb() throws IOException {
        return field("yarn-web");
    }

    /** Where the NodeManagers keep containers' working directories and logs. */
    public Path state() {
        return state;
    }

    /** Stops both clusters (asks the launcher to stop, then TERM, then KILL). */
    public void stop() throws IOException, InterruptedException {
        if (process.isAlive()) {
            Files.writeString(state.resolve("stop"), "");
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            }
        }
    }

    private String field(String name) throws IOException {
        for (String line : Files.readAllLines(state.resolve("ready"))) {
            if (line.startsWith(name + " ")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        throw new IllegalStateException("no " + name + " in " + state.resolve("ready"));
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
