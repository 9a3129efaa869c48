package org.sparkrnn.driver.cli;

import org.sparkrnn.driver.train.StopRequest;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ctrl-C (SIGINT) and SIGTERM during {@code train}: the first asks the run to stop at the end of its current
 * iteration ({@link StopRequest}), which then writes a checkpoint and the best model so far and exits with
 * {@link Main#INTERRUPTED}; a second one stops the process at once (checkpoints are written under a temporary name and
 * renamed, so the ones already there stay intact). Without this, the JVM's own handler would shut Spark down under
 * the running job. Closing restores the previous handlers.
 */
final class Interrupts implements AutoCloseable {

    private static final String[] SIGNALS = {"INT", "TERM"};

    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();

    private Interrupts() {
    }

    /** Routes SIGINT and SIGTERM to {@code stop} until closed (where the platform lets signals be handled). */
    static Interrupts install(StopRequest stop, PrintStream out) {
        Interrupts installed = new Interrupts();
        SignalHandler handler = signal -> {
            if (stop.requested()) {
                out.println("stopped at once (SIG" + signal.getName() + " again); the checkpoints written so far are"
                        + " intact");
                out.flush();
                System.exit(Main.INTERRUPTED);
            }
            stop.request("SIG" + signal.getName());
            out.println("SIG" + signal.getName() + ": stopping at the end of this iteration (again: stop at once)");
        };
        for (String name : SIGNALS) {
            try {
                Signal signal = new Signal(name);
                installed.previous.put(signal, Signal.handle(signal, handler));
            } catch (IllegalArgumentException e) {
                // this platform or JVM does not let the signal be handled: it keeps its default behaviour
            }
        }
        return installed;
    }

    @Override
    public void close() {
        previous.forEach(Signal::handle);
    }
}
