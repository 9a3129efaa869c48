package org.sparkrnn.driver.deploy;

import org.sparkrnn.driver.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Spark installation to run daemons and spark-submit from: the user's {@code SPARK_HOME}, or the one the build
 * assembles from Maven ({@code driver/target/spark-home}, no download needed). Knows the JVM flags Spark 4 needs on
 * Java 17 ({@code conf/java-options}).
 */
public record SparkHome(Path home, Path projectRoot) {

    /** {@code $SPARK_HOME} when set, else {@code <root>/driver/target/spark-home}. */
    public static SparkHome locate(Path projectRoot) {
        String env = System.getenv("SPARK_HOME");
        Path home = env != null && !env.isBlank() ? Path.of(env) : projectRoot.resolve("driver/target/spark-home");
        if (!Files.isDirectory(home.resolve("jars"))) {
            throw new UserError("no Spark installation at " + home + " (jars/ missing): set SPARK_HOME, or build the"
                    + " Maven one with: mvn -B -pl driver -am package dependency:copy-dependencies@spark-home -DskipTests");
        }
        return new SparkHome(home, projectRoot);
    }

    /** The class path that runs Spark's own classes. */
    public String classPath() {
        return home.resolve("jars").toString() + "/*";
    }

    /** The flags of conf/java-options (Spark's module list for Java 17). */
    public List<String> javaOptions() {
        try {
            List<String> flags = new ArrayList<>();
            for (String line : Files.readAllLines(projectRoot.resolve("conf/java-options"))) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    flags.add(line.trim());
                }
            }
            return flags;
        } catch (IOException e) {
            throw new UserError("cannot read " + projectRoot.resolve("conf/java-options") + ": " + e.getMessage());
        }
    }

    /** The environment Spark processes need: SPARK_HOME, the Scala line, loopback, one BLAS thread per task. */
    public void configure(Map<String, String> environment) {
        environment.put("SPARK_HOME", home.toString());
        environment.putIfAbsent("SPARK_SCALA_VERSION", scalaBinaryVersion());
        environment.putIfAbsent("SPARK_LOCAL_IP", "127.0.0.1");
        environment.putIfAbsent("OPENBLAS_NUM_THREADS", "1");
    }

    /** The Scala line of the Spark on this class path: 2.12 or 2.13. */
    public static String scalaBinaryVersion() {
        String full = scala.util.Properties$.MODULE$.versionNumberString(); // e.g. 2.13.16
        return full.substring(0, full.lastIndexOf('.'));
    }

    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
