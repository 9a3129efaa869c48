package org.sparkrnn.driver.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code scripts/lstm-spark stream} as a user runs it, its stdout and stderr read apart: a query stopped by Ctrl-C
 * says what it did in one closing line, a restart counts on from the checkpoint (as Spark's batch numbers go on) and
 * prints none of Spark's warnings, and a bad row ends the query with exactly one line on stderr.
 */
class StreamCommandIT {

    @TempDir
    Path tmp;

    private static final Path CO2_BY_YEAR = ClusterProcesses.ROOT.resolve("data/co2-by-year.csv");

    @Test
    void aStreamSaysWhatItDidCountsOnAfterARestartAndStopsOnABadRowInOneLine() throws Exception {
        Path model = tmp.resolve("co2");
        Launched training = launch(false, "train", "--data", CO2_BY_YEAR.toString(), "--format", "csv",
                "--id-column", "year", "--time-column", "date", "--feature-columns", "co2,season", "--target-column",
                "co2", "--window", "8", "--hidden", "4", "--iterations", "2", "--model-dir", model.toString(),
                "--master", "local[2]");
        assertEquals(0, training.waitFor(300), training.describe());

        Path arrivals = Files.createDirectories(tmp.resolve("arrivals"));
        arrive(arrivals, "01", false);
        arrive(arrivals, "02", false);
        String[] stream = {"stream", "--model-dir", model.toString(), "--source", arrivals.toString(), "--output",
            tmp.resolve("forecasts").toString(), "--checkpoint-location", tmp.resolve("checkpoint").toString(),
            "--master", "local[2]", "--max-files-per-trigger", "1"};

        // a running query, stopped by Ctrl-C after its second micro-batch: one closing line, no Spark warnings
        Launched first = launch(true, with(stream, "--trigger", "processing-time=4s"));
        first.waitForOutput("batch 1: ");
        first.signal("INT");
        assertEquals(130, first.waitFor(120), first.describe());
        assertTrue(first.out().contains("batch 0: 191 rows in, "), first.describe());
        assertTrue(first.out().contains("; so far 58 forecasts, 0 late rows"), first.describe());
        assertTrue(Pattern.compile("stopped after [0-9.]+ s: 2 micro-batches, 365 rows in, 58 forecasts, 0 late rows,"
                + " 0 rejected\\R").matcher(first.out()).find(), first.describe());
        assertEquals("", first.err(), first.describe());

        // started again on the same checkpoint: it goes on from batch 2, and so do its totals
        arrive(arrivals, "03", false);
        Launched second = launch(false, with(stream, "--trigger", "available-now"));
        assertEquals(0, second.waitFor(300), second.describe());
        assertTrue(second.out().contains(", going on after batch 1 (58 forecasts so far)"), second.describe());
        assertTrue(second.out().contains("batch 2: 190 rows in, "), second.describe());
        assertTrue(second.out().contains("; so far 230 forecasts, 0 late rows"), second.describe());
        assertTrue(Pattern.compile("stopped after [0-9.]+ s: 1 micro-batch, 190 rows in, 172 forecasts, 0 late rows,"
                + " 0 rejected; since the checkpoint's first run: 3 micro-batches, 555 rows in, 230 forecasts, 0 late"
                + " rows, 0 rejected\\R").matcher(second.out()).find(), second.describe());
        assertEquals("", second.err(), "no warning on a restart: " + second.describe());

        // a value that is not a number: the query ends, with one line on stderr that names it
        arrive(arrivals, "04", true);
        Launched bad = launch(false, with(stream, "--trigger", "available-now"));
        assertEquals(2, bad.waitFor(300), bad.describe());
        assertTrue(Pattern.compile("error: " + Pattern.quote(arrivals.toString()) + ": series 1961 at time 1961040\\d:"
                + " column 'co2' value 'n/a' is not a number \\(file://" + Pattern.quote(arrivals.toString())
                + "/month-04.csv\\)\\R").matcher(bad.err()).matches(), "one line: " + bad.describe());
        assertTrue(!bad.out().contains("stopped after"), bad.describe());
    }

    /**
     * Moves the rows of month {@code month} of every year into {@code arrivals} as one file; {@code bad}: with the
     * first CO2 value of 1961 in that month written n/a.
     */
    private static void arrive(Path arrivals, String month, boolean bad) throws Exception {
        List<String> lines = Files.readAllLines(CO2_BY_YEAR);
        List<String> rows = new ArrayList<>(List.of(lines.get(0)));
        boolean spoilt = !bad;
        for (String line : lines.subList(1, lines.size())) {
            if (line.matches("\\d{4},\\d{4}" + month + ".*")) {
                boolean spoil = !spoilt && line.startsWith("1961,");
                spoilt |= spoil;
                rows.add(spoil ? line.replaceFirst("^(\\d+,\\d+),[^,]+,", "$1,n/a,") : line);
            }
        }
        Path aside = Files.write(arrivals.resolveSibling("month-" + month + ".csv"), rows);
        Files.move(aside, arrivals.resolve(aside.getFileName())); // whole, as a writer should
    }

    private static String[] with(String[] base, String... more) {
        List<String> all = new ArrayList<>(List.of(base));
        all.addAll(List.of(more));
        return all.toArray(new String[0]);
    }

    /**
     * Starts {@code scripts/lstm-spark} with stdout and stderr in files of their own; {@code terminal}: as a shell
     * starts a command in the foreground (SIGINT at its default handling).
     */
    private Launched launch(boolean terminal, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        if (terminal) {
            command.addAll(List.of("env", "--default-signal=INT"));
        }
        command.add(ClusterProcesses.ROOT.resolve("scripts/lstm-spark").toString());
        command.addAll(List.of(args));
        String name = args[0] + "-" + System.nanoTime();
        Path out = tmp.resolve(name + ".out");
        Path err = tmp.resolve(name + ".err");
        Process process = new ProcessBuilder(command).directory(ClusterProcesses.ROOT.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new Launched(process, out, err, String.join(" ", command));
    }

    private record Launched(Process process, Path outFile, Path errFile, String command) {
        String out() throws Exception {
            return Files.readString(outFile, StandardCharsets.UTF_8);
        }

        String err() throws Exception {
            return Files.readString(errFile, StandardCharsets.UTF_8);
        }

        String describe() throws Exception {
            return command + "\n--- stdout:\n" + out() + "--- stderr:\n" + err();
        }

        int waitFor(long seconds) throws Exception {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("timed out after " + seconds + " s: " + describe());
            }
            return process.exitValue();
        }

        void waitForOutput(String text) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (!out().contains(text)) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw new AssertionError("no '" + text + "' in time: " + describe());
                }
                Thread.sleep(50);
            }
        }

        /** Sends a signal the JVM does not ignore (the launcher execs java: the process is the JVM). */
        void signal(String name) throws Exception {
            int number = name.equals("INT") ? 2 : 15;
            assertTrue(!ClusterProcesses.ignores(process.pid(), number), "pid " + process.pid() + " ignores SIG"
                    + name + ": " + ClusterProcesses.signalMasks(process.pid()));
            assertEquals(0, new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start()
                    .waitFor(), "kill -" + name);
        }
    }
}
