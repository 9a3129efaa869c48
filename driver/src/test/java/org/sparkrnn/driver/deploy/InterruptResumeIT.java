package org.sparkrnn.driver.deploy;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.driver.model.CheckpointStore;
import org.sparkrnn.driver.model.FileStore;
import org.sparkrnn.driver.model.TrainingState;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ctrl-C as a user presses it: {@code scripts/lstm-spark train} gets a real SIGINT (or SIGTERM) in the middle of a
 * run, writes a checkpoint and the best model so far, says how to continue and exits 130; {@code --resume} with the
 * model directory alone, from another working directory, then ends with the uninterrupted run's weights. A second
 * signal stops at once and leaves every checkpoint readable.
 *
 * <p>The runs start as a terminal starts them, with SIGINT's default handling: a process started in the background by
 * a non-interactive shell (a CI runner's {@code cmd &}) inherits SIGINT as ignored, and so would the runs of a test
 * suite started that way; the JVM keeps an inherited "ignore" (the run then finished all its iterations, issue 32).
 * Each signal is sent only after the run says it is iterating (the handlers are installed before Spark starts) and
 * the second only after the first was acknowledged; the log says when and to which process each went.
 */
class InterruptResumeIT {

    private static final Pattern ITERATION = Pattern.compile("iter (\\d+)/");

    @TempDir
    Path tmp;

    private final ClusterProcesses processes = new ClusterProcesses(Path.of("target/interrupt-state"));

    private List<String> trainArgs(Path modelDir) {
        return new ArrayList<>(List.of("train", "--data", "data/sunspots.csv", "--format", "csv", "--column",
                "SUNACTIVITY", "--window", "12", "--hidden", "8", "--batch-size", "16", "--iterations", "400",
                "--precision", "float64", "--checkpoint-every", "50", "--log-every", "1", "--master", "local[2]",
                "--normalize", "standard", "--lr", "0.01", "--model-dir", modelDir.toString()));
    }

    @Test
    void ctrlCWritesTheBestModelAndResumeNeedsOnlyTheModelDirectory() throws Exception {
        Path uninterrupted = tmp.resolve("uninterrupted");
        processes.run(tmp.resolve("full.log"), "lstm-spark", trainArgs(uninterrupted).toArray(new String[0]));

        Path model = tmp.resolve("interrupted");
        ClusterProcesses.Run run = processes.startAsFromATerminal(tmp.resolve("first.log"), "lstm-spark",
                trainArgs(model).toArray(new String[0]));
        waitForIteration(run, 60);
        signal(run.process(), "INT");
        int exit = run.waitFor(120);
        String output = run.output();
        assertEquals(130, exit, output);
        // how to continue, in the words the run was launched with (here the script's path)
        Matcher stopped = Pattern.compile("interrupted at iteration (\\d+); best model so far written to \\S+\\R"
                + "continue with: " + Pattern.quote(ClusterProcesses.ROOT.resolve("scripts/lstm-spark").toString())
                + " train --model-dir " + Pattern.quote(model.toString()) + " --resume").matcher(output);
        assertTrue(stopped.find(), output);
        long at = Long.parseLong(stopped.group(1));
        assertTrue(at >= 60 && at < 400, "stopped at " + at);
        assertTrue(Files.exists(model.resolve("model.safetensors")), "best model so far written");
        assertEquals(at, newestCheckpoint(model).iteration(), "a checkpoint at the iteration it stopped");
        assertTrue(!output.contains("Exception") && !output.contains("SparkContext was shut down"), output);

        // resume from elsewhere, naming nothing but the model directory
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        ProcessBuilder resume = new ProcessBuilder(ClusterProcesses.ROOT.resolve("scripts/lstm-spark").toString(),
                "train", "--model-dir", model.toString(), "--resume").directory(elsewhere.toFile())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("resume.log").toFile());
        Process resumed = resume.start();
        assertTrue(resumed.waitFor(600, TimeUnit.SECONDS));
        String resumeOutput = Files.readString(tmp.resolve("resume.log"));
        assertEquals(0, resumed.exitValue(), resumeOutput);
        assertTrue(resumeOutput.contains("resuming from iteration " + at), resumeOutput);
        ClusterProcesses.assertClose(ClusterProcesses.weights(uninterrupted), ClusterProcesses.weights(model), 1e-12,
                "resumed vs uninterrupted");
    }

    @Test
    void aSecondSignalStopsAtOnceWithTheCheckpointsIntact() throws Exception {
        Path model = tmp.resolve("twice");
        List<String> args = trainArgs(model);
        args.addAll(List.of("--checkpoint-every", "10"));
        ClusterProcesses.Run run = processes.startAsFromATerminal(tmp.resolve("twice.log"), "lstm-spark",
                args.toArray(new String[0]));
        waitForIteration(run, 35);
        signal(run.process(), "TERM");
        waitForOutput(run, "SIGTERM: stopping at the end of this iteration");
        signal(run.process(), "TERM");
        int exit = run.waitFor(60);
        assertEquals(130, exit, run.output());
        TrainingState newest = newestCheckpoint(model);
        assertTrue(newest.iteration() >= 30, "newest valid checkpoint at " + newest.iteration());
    }

    private static TrainingState newestCheckpoint(Path model) throws Exception {
        List<String> warnings = new ArrayList<>();
        TrainingState state = new CheckpointStore(new FileStore(new Configuration()), model.toString(), 3)
                .newestValid(warnings::add);
        assertTrue(warnings.isEmpty(), "every checkpoint readable: " + warnings);
        assertTrue(state != null, "a checkpoint in " + model);
        return state;
    }

    private static void waitForIteration(ClusterProcesses.Run run, long iteration) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            Matcher m = ITERATION.matcher(run.output());
            long last = -1;
            while (m.find()) {
                last = Long.parseLong(m.group(1));
            }
            if (last >= iteration) {
                return;
            }
            if (!run.process().isAlive()) {
                throw new AssertionError("ended before iteration " + iteration + ":\n" + run.output());
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no iteration " + iteration + " in time:\n" + run.output());
    }

    private static void waitForOutput(ClusterProcesses.Run run, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!run.output().contains(text)) {
            if (System.nanoTime() > deadline || !run.process().isAlive()) {
                throw new AssertionError("no '" + text + "' in time:\n" + run.output());
            }
            Thread.sleep(20);
        }
    }

    /**
     * Sends a signal to the training JVM (the launcher script execs java, so the process is the JVM), after checking
     * that the JVM does not ignore it; says when, to which process, and the process' signal masks.
     */
    private static void signal(Process process, String name) throws Exception {
        String masks = ClusterProcesses.signalMasks(process.pid());
        System.out.printf("%s: sending SIG%s to pid %d (%s)%n", java.time.LocalTime.now(), name, process.pid(),
                masks);
        int number = name.equals("INT") ? 2 : 15;
        assertTrue(!ClusterProcesses.ignores(process.pid(), number), "pid " + process.pid() + " ignores SIG" + name
                + ": " + masks);
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + name);
    }
}
