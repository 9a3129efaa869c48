package org.sparkrnn.driver.cli;

import org.sparkrnn.driver.config.Defaults;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;

/** How to reach Spark, and how loud to be. */
public final class SparkMixin {

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master; default " + Defaults.MASTER + " unless spark-submit set one.")
    String master;

    @Option(names = "--spark", paramLabel = "KEY=VALUE",
            description = "Extra Spark setting (repeatable), e.g. --spark spark.executor.memory=2g.")
    Map<String, String> spark = new LinkedHashMap<>();

    @Option(names = "--verbose", description = "Show stack traces and Spark's own log.")
    boolean verbose;

    @Option(names = "--conf", paramLabel = "FILE",
            description = "Settings file: lines 'option-name = value' (as config.properties); the command line wins.")
    String conf;
}
