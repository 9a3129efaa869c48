package org.sparkrnn.driver.cli;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.sql.SparkSession;
import org.sparkrnn.driver.SparkRnnKryoRegistrator;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.config.Defaults;
import org.sparkrnn.driver.predict.QueryShutdown;

/**
 * How a command runs with Spark: the context started with the project's settings (unless the user's own win), the
 * command's work run, a user error inside Spark's exceptions brought to the top, and Spark always stopped, after the
 * tasks a failure cancelled have ended.
 */
final class SparkRun {

    /** Loggers conf/log4j2.properties silences because the driver reports their failures itself. */
    private static final String[] QUIET_UNLESS_VERBOSE = {"org.apache.spark.executor.Executor",
        "org.apache.spark.scheduler.TaskSetManager", "org.apache.spark.storage.BlockManager",
        "org.apache.spark.sql.execution.datasources.FileFormatWriter"};

    private SparkRun() {
    }

    /** What a command does with a running Spark context. */
    public interface SparkWork {
        int run(JavaSparkContext sc) throws Exception;
    }

    /**
     * Starts Spark (Kryo with this project's registrator and registration required; the master from spark-submit,
     * else --master, else local[*]), runs {@code work}, and always stops Spark.
     */
    static int with(String appName, SparkMixin options, SparkWork work) throws Exception {
        SparkConf conf = new SparkConf().setAppName(appName);
        if (options.master != null) {
            conf.setMaster(options.master);
        } else if (!conf.contains("spark.master")) {
            conf.setMaster(Defaults.MASTER);
        }
        conf.setIfMissing("spark.serializer", KryoSerializer.class.getName());
        conf.setIfMissing("spark.kryo.registrator", SparkRnnKryoRegistrator.class.getName());
        conf.setIfMissing("spark.kryo.registrationRequired", "true");
        // arrays of doubles (weights, gradients, features) as memory copies rather than one write per element
        conf.setIfMissing("spark.kryo.unsafe", "true");
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        // gradients of large models come back as big task results: keep them off the block manager detour
        conf.setIfMissing("spark.task.maxDirectResultSize", String.valueOf(128L << 20));
        // one BLAS thread per task: Spark already runs one task per core
        conf.setIfMissing("spark.executorEnv.OPENBLAS_NUM_THREADS", "1");
        // a stream's state per series in RocksDB, each commit a changelog (its snapshots in the background): 10-22%
        // more rows per second than Spark's default store on a window model (docs/PERFORMANCE.md, section 12); a
        // query restarted from a checkpoint keeps the store it began with
        conf.setIfMissing(Defaults.STATE_STORE_KEY, Defaults.STATE_STORE);
        conf.setIfMissing(Defaults.STATE_STORE_CHANGELOG_KEY, "true");
        options.spark.forEach(conf::set);
        // the session with the context, so that reading Spark data sources later finds it as it is (no warning)
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(start(conf).sparkContext());
        try {
            if (options.verbose) {
                sc.setLogLevel("INFO");
                for (String quiet : QUIET_UNLESS_VERBOSE) {
                    org.apache.logging.log4j.core.config.Configurator.setLevel(quiet,
                            org.apache.logging.log4j.Level.INFO);
                }
            } else {
                sc.setLogLevel("WARN");
            }
            if (sc.master().startsWith("yarn")) {
                // the id a YARN user looks the application up by (its logs, its UI): Spark's own line is hidden
                System.out.println("YARN application " + sc.sc().applicationId());
            }
            return work.run(sc);
        } catch (Exception e) {
            UserError user = UserError.findIn(e);
            throw user != null && user != e ? user : e;
        } finally {
            // tasks a failed job cancelled end a little after it failed: let them finish with the files they touch
            // (output part files, checkpoints) before the context goes, so that nothing changes after the command
            QueryShutdown.awaitNoRunningTasks(sc.sc(), QueryShutdown.PATIENCE);
            sc.stop();
        }
    }

    /**
     * The Hadoop configuration Spark will give the command (its {@code core-site.xml} and {@code hdfs-site.xml}, and
     * every {@code spark.hadoop.*} setting of spark-submit or {@code --spark}), for what the command checks on the
     * file system before Spark starts: the model directory, the output, the source.
     */
    static org.apache.hadoop.conf.Configuration hadoopConfiguration(SparkMixin options) {
        SparkConf conf = new SparkConf(); // spark.* system properties: what spark-submit passes
        options.spark.forEach(conf::set);
        // the context builds its own the same way (present in both Spark lines)
        return org.apache.spark.deploy.SparkHadoopUtil.get().newConfiguration(conf);
    }

    /**
     * Sets each of {@code loggers} to its level, unless {@code --verbose} asked for Spark's whole log: for the loggers
     * of failures a command reports itself, and warnings its user cannot act on.
     */
    static void quiet(SparkMixin options, java.util.Map<String, org.apache.logging.log4j.Level> loggers) {
        if (!options.verbose) {
            loggers.forEach(org.apache.logging.log4j.core.config.Configurator::setLevel);
        }
    }

    /** Attempts at starting Spark when its UI start race ({@link #uiStartRace}) fails the start. */
    static final int STARTS = 3;

    /**
     * The session, started again (up to {@link #STARTS} times) when the start failed in Spark's own UI start race:
     * in YARN client mode the application master, once registered, adds its proxy filter to the UI's handlers
     * ({@code YarnSchedulerBackend.addWebUIFilter}, holding the UI's lock) while the context's constructor starts
     * those handlers ({@code SparkUI.attachAllHandlers}, which does not take the lock): Jetty then fails with a
     * {@code ConcurrentModificationException} and the context stops. Nothing has run yet, so starting again is safe;
     * any other failure is the user's to see.
     */
    private static SparkSession start(SparkConf conf) {
        for (int attempt = 1; ; attempt++) {
            try {
                return SparkSession.builder().config(conf).getOrCreate();
            } catch (RuntimeException e) {
                if (attempt >= STARTS || !uiStartRace(e)) {
                    throw e;
                }
                System.err.println("warning: Spark's UI failed to start (a race between its start and YARN's proxy"
                        + " filter); starting Spark again (" + (attempt + 1) + " of " + STARTS + ")");
            }
        }
    }

    /**
     * Whether {@code failure} is Spark's UI start race: a {@code ConcurrentModificationException} thrown while
     * {@code SparkUI.attachAllHandlers} starts the UI's handlers.
     */
    static boolean uiStartRace(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.util.ConcurrentModificationException) {
                for (StackTraceElement frame : t.getStackTrace()) {
                    if (frame.getClassName().equals("org.apache.spark.ui.SparkUI")
                            && frame.getMethodName().startsWith("attachAllHandlers")) {
                        return true;
                    }
                }
            }
            for (Throwable suppressed : t.getSuppressed()) {
                if (uiStartRace(suppressed)) {
                    return true;
                }
            }
        }
        return false;
    }
}
