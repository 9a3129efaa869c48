package org.sparkrnn.driver.deploy;

import org.apache.hadoop.conf.Configuration;
import org.sparkrnn.driver.model.FileStore;
import org.sparkrnn.driver.model.ModelDirectory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the project's scripts as a user would, with a private cluster state directory and ports. */
final class ClusterProcesses {

    static final Path ROOT = Path.of(System.getProperty("sparkrnn.root", "..")).toAbsolutePath().normalize();

    private final Map<String, String> environment;

    ClusterProcesses(Path state) {
        environment = Map.of("LOCAL_CLUSTER_DIR", state.toString(), "LOCAL_CLUSTER_PORT", "17077",
                "LOCAL_CLUSTER_UI_PORT", "18080", "SPARK_MASTER", "spark://127.0.0.1:17077");
    }

    /** A started script, its output going to a file. */
    record Run(Process process, Path log) {
        String output() throws IOException {
            return Files.readString(log, StandardCharsets.UTF_8);
        }

        int waitFor(long seconds) throws Exception {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("timed out after " + seconds + " s; output:\n" + output());
            }
            return process.exitValue();
        }
    }

    Run start(Path log, Map<String, String> extraEnv, String script, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ROOT.resolve("scripts").resolve(script).toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        builder.environment().putAll(extraEnv);
        return new Run(builder.start(), log);
    }

    /**
     * Starts a script as an interactive shell starts a command in the foreground: SIGINT at its default handling,
     * whatever this JVM inherited (a test suite started in the background by a non-interactive shell runs with SIGINT
     * ignored, and a child would inherit that).
     */
    Run startAsFromATerminal(Path log, String script, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT"));
        command.add(ROOT.resolve("scripts").resolve(script).toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Run run = new Run(builder.start(), log);
        System.out.printf("%s: started pid %d: %s%n", java.time.LocalTime.now(), run.process().pid(), command);
        return run;
    }

    /** The process' signal masks as Linux shows them ({@code /proc/PID/status}: SigIgn, SigCgt), or why not. */
    static String signalMasks(long pid) {
        try {
            return String.join(", ", Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                    .filter(line -> line.startsWith("SigIgn") || line.startsWith("SigCgt"))
                    .map(line -> line.replaceAll("\\s+", " ")).toList());
        } catch (IOException e) {
            return "no /proc/" + pid + "/status: " + e.getMessage();
        }
    }

    /** Whether the process ignores signal {@code number} (false where /proc cannot tell). */
    static boolean ignores(long pid, int number) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("SigIgn:")) {
                    long mask = Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16);
                    return (mask & (1L << (number - 1))) != 0;
                }
            }
        } catch (IOException e) {
            // not Linux: nothing to check
        }
        return false;
    }

    /** Runs a script to completion and returns its output; fails on a non-zero exit. */
    String run(Path log, String script, String... args) throws Exception {
        Run run = start(log, Map.of(), script, args);
        int exit = run.waitFor(600);
        String output = run.output();
        if (exit != 0) {
            throw new AssertionError(script + " " + String.join(" ", args) + " exited " + exit + ":\n" + output);
        }
        return output;
    }

    static double[] weights(Path modelDir) throws IOException {
        return new ModelDirectory(new FileStore(new Configuration()), modelDir.toString()).readModel().params();
    }

    static void assertClose(double[] expected, double[] actual, double tolerance, String what) {
        if (expected.length != actual.length) {
            throw new AssertionError(what + ": " + expected.length + " vs " + actual.length + " weights");
        }
        double largest = 0;
        for (int j = 0; j < expected.length; j++) {
            largest = Math.max(largest, Math.abs(expected[j] - actual[j]));
            if (Math.abs(expected[j] - actual[j]) > tolerance * Math.max(1, Math.abs(expected[j]))) {
                throw new AssertionError(what + "[" + j + "]: expected " + expected[j] + ", got " + actual[j]);
            }
        }
        System.out.println(what + ": " + expected.length + " weights, largest difference " + largest);
    }
}
