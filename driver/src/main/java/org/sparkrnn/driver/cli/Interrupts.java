package org.sparkrnn.driver.cli;

import org.sparkrnn.driver.train.StopRequest;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ctrl-C (SIGINT) and SIGTERM during {@code train}: the first asks the run to stop at the end of its current
 * iteration ({@link StopRequest}), which then writes a checkpoint and the best model so far and exits with
 * {@link #EXIT_CODE}; a second one stops the process at once (checkpoints are written under a temporary name and
 * renamed, so the ones already there stay intact). Without this, the JVM's own handler would shut Spark down under
 * the running job. Installed before Spark starts, so that a signal during start-up or loading is not lost. Closing
 * restores the previous handlers.
 *
 * <p>A process started in the background by a non-interactive shell ({@code cmd &} in a script) inherits SIGINT as
 * ignored, and the JVM then leaves it ignored (so does every well-behaved Unix program): such a run cannot be stopped
 * with Ctrl-C or {@code kill -INT}, only with SIGTERM. That is said on standard error when it happens, instead of
 * an interrupt that silently does nothing.
 */
final class Interrupts implements AutoCloseable {

    /** Exit code of a run stopped by Ctrl-C or SIGTERM (128 + SIGINT's number, as shells report it). */
    static final int EXIT_CODE = 130;

    /**
     * The command as its user launched it, for the line that says how to continue a stopped run:
     * {@code scripts/lstm-spark} passes its own name as typed ({@code -Dsparkrnn.launcher="$0"}); else
     * {@code lstm-spark}.
     */
    static String launcher() {
        String launched = System.getProperty("sparkrnn.launcher");
        return launched == null || launched.isBlank() ? "lstm-spark" : launched;
    }

    private static final String[] SIGNALS = {"INT", "TERM"};

    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();

    private Interrupts() {
    }

    /**
     * Routes SIGINT and SIGTERM to {@code stop} until closed (where the platform lets signals be handled); a signal
     * this process inherited as ignored stays ignored, and {@code warnings} says so.
     */
    static Interrupts install(StopRequest stop, PrintStream out, PrintStream warnings) {
        Interrupts installed = new Interrupts();
        SignalHandler handler = signal -> {
            if (!stop.request("SIG" + signal.getName())) {
                out.println("stopped at once (SIG" + signal.getName() + " again); the checkpoints written so far are"
                        + " intact");
                out.flush();
                System.exit(Interrupts.EXIT_CODE);
            }
            out.println("SIG" + signal.getName() + ": stopping at the end of this iteration (again: stop at once)");
            out.flush();
        };
        List<String> ignored = new ArrayList<>();
        for (String name : SIGNALS) {
            try {
                Signal signal = new Signal(name);
                SignalHandler before = Signal.handle(signal, handler);
                installed.previous.put(signal, before);
                if (before == SignalHandler.SIG_IGN) {
                    ignored.add("SIG" + name); // the JVM does not replace an inherited "ignore"
                }
            } catch (IllegalArgumentException e) {
                // this platform or JVM does not let the signal be handled: it keeps its default behaviour
            }
        }
        if (!ignored.isEmpty()) {
            warnings.println("note: " + String.join(" and ", ignored) + " ignored by this process (inherited from"
                    + " the shell that started it in the background): " + (ignored.contains("SIGTERM")
                    ? "it cannot be stopped cleanly, only killed (no checkpoint is written then)"
                    : "stop the run with kill -TERM " + ProcessHandle.current().pid()));
            warnings.flush();
        }
        return installed;
    }

    @Override
    public void close() {
        previous.forEach(Signal::handle);
    }
}
