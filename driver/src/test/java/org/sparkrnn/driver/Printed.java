package org.sparkrnn.driver;

import org.sparkrnn.driver.cli.Main;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What code prints while it runs, for the tests that read it: standard output (and standard error, when asked)
 * goes to a buffer for the time of the action and is restored however it ends. The one capture of the suite.
 */
public final class Printed {

    private Printed() {
    }

    /** Code to run while its printing is captured. */
    @FunctionalInterface
    public interface Action<T> {
        T run() throws Exception;
    }

    /** What an action returned and what it printed. */
    public record Output<T>(T value, String text) {
    }

    /** Runs {@code action} with standard output (and standard error when {@code withErrors}) captured. */
    public static <T> Output<T> capture(boolean withErrors, Action<T> action) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        PrintStream into = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        System.setOut(into);
        if (withErrors) {
            System.setErr(into);
        }
        try {
            T value = action.run();
            return new Output<>(value, buffer.toString(StandardCharsets.UTF_8));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
    }

    /** {@code action}'s value; what it prints on standard output is thrown away (progress lines of fits, say). */
    public static <T> T quietly(Action<T> action) {
        return capture(false, action).value();
    }

    /**
     * {@code lstm-spark args...} in this JVM, as a user runs it: it starts its own Spark context, so the shared one
     * is stopped first. Its exit code and what it printed on standard output (and standard error when
     * {@code withErrors}).
     */
    public static Output<Integer> commandLine(boolean withErrors, String... args) {
        SharedSpark.stop();
        return capture(withErrors, () -> Main.run(args));
    }
}
