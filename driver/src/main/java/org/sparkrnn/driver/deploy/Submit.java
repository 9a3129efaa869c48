package org.sparkrnn.driver.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.sparkrnn.driver.UserError;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code submit [--deploy-mode client|cluster] [--master URL] [--spark-conf K=V]... -- train|evaluate|... options}:
 * runs lstm-spark through spark-submit with the application jar, {@code conf/spark-defaults.conf} and the JVM flags
 * Spark 4 needs on Java 17 (for a cluster-mode driver too). In cluster mode spark-submit exits 0 even when the driver
 * failed, so this waits for the driver, asks the master for its final state, prints its output when the worker's
 * directory is on this machine, and exits 0 only when the driver FINISHED. Its own options are read by picocli, as
 * lstm-spark's are; lstm-spark's come after {@code --}.
 */
@Command(name = "submit", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run lstm-spark through spark-submit on a cluster (standalone or YARN), with the application"
                + " jar, conf/spark-defaults.conf and the JVM flags Spark needs.")
public final class Submit implements Callable<Integer> {

    /** The application's main class, as spark-submit's {@code --class} (SubmitTest checks that it exists). */
    static final String APPLICATION = "org.sparkrnn.driver.cli.Main";

    private static final Pattern DRIVER_ID = Pattern.compile("(driver-\\d{14}-\\d{4,})");

    /** How the driver runs. */
    enum DeployMode { client, cluster }

    @Option(names = "--deploy-mode", defaultValue = "client", paramLabel = "client|cluster",
            description = "client: the driver runs here; cluster: on a worker (standalone) or in the YARN"
                    + " application master. Default: ${DEFAULT-VALUE}.")
    DeployMode deployMode;

    @Option(names = "--master", paramLabel = "URL",
            description = "spark://HOST:PORT or yarn. Default: $SPARK_MASTER, else the local standalone master.")
    String master;

    @Option(names = "--spark-conf", paramLabel = "K=V", description = "A Spark setting for spark-submit (repeatable).")
    List<String> sparkConf = new ArrayList<>();

    @Parameters(arity = "1..*", paramLabel = "COMMAND",
            description = "After --: the lstm-spark command and its options (train|evaluate|predict|export ...).")
    List<String> appArgs;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs submit's command line and returns its exit code: 2 for a wrong option, with one line on stderr. */
    static int run(String... args) {
        // after the first positional argument (the lstm-spark command) everything is the command's, -- or not
        CommandLine cli = new CommandLine(new Submit()).setStopAtPositional(true);
        cli.setParameterExceptionHandler((failure, arguments) -> {
            String message = failure.getMessage();
            if (failure instanceof CommandLine.UnmatchedArgumentException unmatched
                    && !unmatched.getUnmatched().isEmpty()) {
                message = "unknown submit option " + unmatched.getUnmatched().get(0) + " (submit's own:"
                        + " --deploy-mode, --master, --spark-conf; put lstm-spark's options after --)";
            }
            failure.getCommandLine().getErr().println("error: " + message);
            failure.getCommandLine().getErr().flush();
            return 2;
        });
        cli.setExecutionExceptionHandler((failure, line, parsed) -> {
            if (failure instanceof UserError) {
                line.getErr().println("error: " + failure.getMessage());
                line.getErr().flush();
                return 2;
            }
            throw failure;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path root = Path.of(System.getProperty("sparkrnn.root", ".")).toAbsolutePath().normalize();
        String master = this.master != null ? this.master
                : System.getenv().getOrDefault("SPARK_MASTER", LocalCluster.masterUrl());
        String deployMode = this.deployMode.name();
        SparkHome spark = SparkHome.locate(root);
        Path appJar = appJar(root);
        String logConfig = "-Dlog4j2.configurationFile=" + root.resolve("conf/log4j2.properties");
        boolean yarn = master.equals("yarn");
        Path hadoopConf = yarn ? hadoopConf(root) : null;
        String flags = String.join(" ", spark.javaOptions());

        List<String> command = new ArrayList<>();
        command.add(SparkHome.java());
        command.addAll(spark.javaOptions());
        if (deployMode.equals("client")) {
            command.add(logConfig); // in cluster mode spark-submit's own INFO lines name the driver: keep them
        }
        command.add("-cp");
        // YARN: the cluster's client configuration first, as Spark's own launcher puts HADOOP_CONF_DIR
        command.add(yarn ? hadoopConf + java.io.File.pathSeparator + spark.classPath() : spark.classPath());
        command.add("org.apache.spark.deploy.SparkSubmit");
        command.addAll(List.of("--master", master, "--deploy-mode", deployMode,
                "--class", APPLICATION,
                "--properties-file", root.resolve("conf/spark-defaults.conf").toString()));
        if (yarn) {
            // YARN starts every container with its own command: the module flags (the Vector API among them) and one
            // BLAS thread per task go to the executors, to the application master (client mode) and to the driver
            // (cluster mode: it runs in the application master), its log configuration shipped with it
            command.addAll(List.of("--conf", "spark.executor.extraJavaOptions=" + flags,
                    "--conf", "spark.yarn.am.extraJavaOptions=" + flags,
                    "--conf", "spark.yarn.appMasterEnv.OPENBLAS_NUM_THREADS=1"));
            if (deployMode.equals("cluster")) {
                command.addAll(List.of("--conf", "spark.driver.extraJavaOptions=" + flags
                        + " -Dlog4j2.configurationFile=log4j2.properties",
                        "--files", root.resolve("conf/log4j2.properties").toString()));
            }
            if (sparkConf.stream().noneMatch(setting -> setting.startsWith("spark.yarn.maxAppAttempts="))) {
                // one attempt: a second would run the same command again, and train refuses a model directory
                // that already holds a run (a failed driver is continued with --resume, deliberately)
                command.addAll(List.of("--conf", "spark.yarn.maxAppAttempts=1"));
            }
        } else {
            // a worker starts each executor with Spark's own flags only: ours add the Vector API module
            command.addAll(List.of("--conf", "spark.executor.extraJavaOptions=" + flags));
            if (deployMode.equals("cluster")) {
                // a cluster-mode driver is started by a worker, which does not add Spark's module flags for it
                command.addAll(List.of("--conf", "spark.driver.extraJavaOptions=" + flags + " " + logConfig,
                        "--conf", "spark.standalone.submit.waitAppCompletion=true"));
            }
        }
        for (String setting : sparkConf) {
            command.addAll(List.of("--conf", setting));
        }
        command.add(appJar.toString());
        command.addAll(appArgs);

        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(deployMode.equals("cluster"));
        spark.configure(builder.environment());
        if (yarn) {
            builder.environment().put("HADOOP_CONF_DIR", hadoopConf.toString());
        }
        if (deployMode.equals("client")) {
            builder.inheritIO();
            Process driver = builder.start();
            recordPid(driver.pid());
            return driver.waitFor();
        }
        Process submit = builder.start();
        recordPid(submit.pid());
        if (yarn) {
            return yarnCluster(submit, hadoopConf);
        }
        String driverId = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(submit.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                System.err.println(line);
                Matcher m = DRIVER_ID.matcher(line);
                if (driverId == null && m.find()) {
                    driverId = m.group(1);
                }
            }
        }
        int submitExit = submit.waitFor();
        if (driverId == null) {
            System.err.println("error: spark-submit (exit " + submitExit + ") reported no driver id");
            return submitExit == 0 ? 1 : submitExit;
        }
        String state = finalState(driverId, masterUi(master));
        printDriverOutput(driverId);
        System.err.println("driver " + driverId + " final state: " + state);
        return state.equals("FINISHED") ? 0 : 1;
    }

    /**
     * Waits for a YARN cluster-mode spark-submit (it follows the application until it ends), then prints the
     * driver's output (the application master container's stdout, and the {@code error:} lines of its stderr) and
     * where its logs are; exit 0 only when the application SUCCEEDED.
     */
    private static int yarnCluster(Process submit, Path hadoopConf) throws IOException, InterruptedException {
        String id = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(submit.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                System.err.println(line);
                if (id == null) {
                    id = YarnApplication.idIn(line).orElse(null);
                }
            }
        }
        int submitExit = submit.waitFor();
        if (id == null) {
            System.err.println("error: spark-submit (exit " + submitExit + ") reported no YARN application");
            return submitExit == 0 ? 1 : submitExit;
        }
        YarnApplication app = new YarnApplication(YarnApplication.resourceManagerWeb(hadoopConf), id);
        app.amLog("stdout").ifPresent(System.out::print);
        app.amLog("stderr").ifPresent(text -> text.lines().filter(l -> l.startsWith("error: "))
                .forEach(System.err::println));
        var report = app.report();
        String status = report == null ? "UNKNOWN (the ResourceManager cannot be reached)"
                : report.path("finalStatus").asText("UNKNOWN");
        app.logsPage().ifPresent(page -> System.err.println("driver logs: " + page));
        System.err.println("application " + id + " final status: " + status);
        return status.equals("SUCCEEDED") ? 0 : 1;
    }

    /**
     * The Hadoop client configuration for {@code --master yarn}: {@code HADOOP_CONF_DIR} (or {@code YARN_CONF_DIR}),
     * else the local HDFS and YARN's ({@code scripts/local-cluster start --yarn}) when they run.
     */
    static Path hadoopConf(Path root) {
        for (String name : List.of("HADOOP_CONF_DIR", "YARN_CONF_DIR")) {
            String dir = System.getenv(name);
            if (dir != null && !dir.isBlank()) {
                if (!Files.exists(Path.of(dir, "yarn-site.xml"))) {
                    throw new UserError(name + "=" + dir + " has no yarn-site.xml: it must be the cluster's Hadoop"
                            + " client configuration");
                }
                return Path.of(dir).toAbsolutePath();
            }
        }
        return LocalHadoop.confDir(LocalCluster.hadoopState(LocalCluster.stateDir(root))).orElseThrow(() ->
                new UserError("--master yarn needs the cluster's Hadoop client configuration: set HADOOP_CONF_DIR,"
                        + " or start HDFS and YARN here with: scripts/local-cluster start --yarn"));
    }

    /**
     * The master's web UI for a {@code spark://host:port} URL: the same host, port {@code SPARK_MASTER_UI_PORT}
     * (default 8080; the local cluster's own when it runs here).
     */
    static String masterUi(String master) {
        String host = master.replaceFirst("^spark://", "").replaceFirst("[:,].*$", "");
        String port = System.getenv().getOrDefault("SPARK_MASTER_UI_PORT",
                master.equals(LocalCluster.masterUrl()) ? String.valueOf(LocalCluster.MASTER_UI_PORT) : "8080");
        return "http://" + host + ":" + port;
    }

    /**
     * Polls the master until the driver is no longer submitted or running (up to a day of running; UNREACHABLE if
     * the master's UI cannot be reached for two minutes).
     */
    private static String finalState(String driverId, String ui) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 86_400_000L;
        long lastContact = System.currentTimeMillis();
        String state = "UNKNOWN";
        while (System.currentTimeMillis() < deadline) {
            JsonNode json = LocalCluster.masterJson(ui);
            if (json == null && System.currentTimeMillis() - lastContact > 120_000) {
                System.err.println("error: cannot reach the master's web UI at " + ui + " to learn the state of "
                        + driverId + " (set SPARK_MASTER_UI_PORT if it is not 8080)");
                return "UNREACHABLE";
            }
            if (json != null) {
                lastContact = System.currentTimeMillis();
                for (String list : List.of("activedrivers", "completeddrivers")) {
                    for (JsonNode driver : json.path(list)) {
                        if (driver.path("id").asText().equals(driverId)) {
                            state = driver.path("state").asText();
                        }
                    }
                }
                if (!state.equals("SUBMITTED") && !state.equals("RUNNING") && !state.equals("RELAUNCHING")
                        && !state.equals("UNKNOWN")) {
                    return state;
                }
            }
            Thread.sleep(500);
        }
        return state;
    }

    /** The driver's stdout and stderr, when its worker directory is a local cluster's on this machine. */
    private static void printDriverOutput(String driverId) throws IOException {
        Path root = Path.of(System.getProperty("sparkrnn.root", ".")).toAbsolutePath().normalize();
        Path state = LocalCluster.stateDir(root);
        if (!Files.isDirectory(state)) {
            return;
        }
        try (var works = Files.list(state)) {
            for (Path work : works.filter(p -> p.getFileName().toString().startsWith("work-")).toList()) {
                Path dir = work.resolve(driverId);
                if (Files.isDirectory(dir)) {
                    Path stdout = dir.resolve("stdout");
                    if (Files.exists(stdout)) {
                        System.out.print(Files.readString(stdout));
                    }
                    Path stderr = dir.resolve("stderr");
                    if (Files.exists(stderr)) {
                        Files.readAllLines(stderr).stream().filter(l -> l.startsWith("error: "))
                                .forEach(System.err::println);
                    }
                    System.err.println("driver output: " + dir);
                }
            }
        }
    }

    private static void recordPid(long pid) throws IOException {
        String file = System.getenv("SPARKRNN_DRIVER_PID_FILE");
        if (file != null && !file.isBlank()) {
            Files.writeString(Path.of(file), pid + "\n");
        }
    }

    private static Path appJar(Path root) throws IOException {
        Path target = root.resolve("driver/target");
        if (Files.isDirectory(target)) {
            try (var jars = Files.list(target)) {
                Optional<Path> jar = jars.filter(p -> p.getFileName().toString().endsWith("-app.jar")).findFirst();
                if (jar.isPresent()) {
                    return jar.get();
                }
            }
        }
        throw new UserError("no application jar in " + target + "; build it with: mvn -B package -DskipTests");
    }
}
