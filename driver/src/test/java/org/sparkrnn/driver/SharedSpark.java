package org.sparkrnn.driver;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.serializer.KryoSerializer;

/**
 * One real local[2] Spark context for the driver tests (starting one takes seconds), configured as the command line
 * configures its own: Kryo with our registrator and registration required. Tests that run the command line itself
 * (which starts its own context) call {@link #stop} first.
 */
public final class SharedSpark {

    private static JavaSparkContext context;

    private SharedSpark() {
    }

    public static synchronized JavaSparkContext get() {
        if (context == null) {
            SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("sparkrnn-tests")
                    .set("spark.serializer", KryoSerializer.class.getName())
                    .set("spark.kryo.registrator", SparkRnnKryoRegistrator.class.getName())
                    .set("spark.kryo.registrationRequired", "true")
                    .set("spark.kryo.unsafe", "true")
                    .set("spark.ui.enabled", "false")
                    .set("spark.ui.showConsoleProgress", "false");
            context = new JavaSparkContext(conf);
            context.setLogLevel("WARN");
            Runtime.getRuntime().addShutdownHook(new Thread(SharedSpark::stop));
        }
        return context;
    }

    /** Runs {@code action} on the shared context if one is running (without starting one). */
    public static synchronized void ifRunning(java.util.function.Consumer<JavaSparkContext> action) {
        if (context != null && !context.sc().isStopped()) {
            action.accept(context);
        }
    }

    public static synchronized void stop() {
        if (context != null) {
            context.stop();
            context = null;
        }
    }
}
