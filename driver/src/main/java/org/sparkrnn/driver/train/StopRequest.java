package org.sparkrnn.driver.train;

/**
 * A request to end a training run early, at the end of the iteration in progress (on the command line: Ctrl-C or
 * SIGTERM). The loop then writes a checkpoint and the best model so far, and its result says it was interrupted, so
 * that {@code --resume} continues exactly where it stopped. Set from any thread, read by the loop.
 */
public final class StopRequest {

    private volatile String reason;

    /** Asks the run to stop after its current iteration; {@code reason} names what asked (e.g. SIGINT). */
    public void request(String reason) {
        this.reason = reason;
    }

    public boolean requested() {
        return reason != null;
    }
}
