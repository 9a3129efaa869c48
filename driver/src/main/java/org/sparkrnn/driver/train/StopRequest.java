package org.sparkrnn.driver.train;

import java.util.concurrent.atomic.AtomicReference;

/**
 * A request to end a training run early, at the end of the iteration in progress (on the command line: Ctrl-C or
 * SIGTERM). The loop then writes a checkpoint and the best model so far, and its result says it was interrupted, so
 * that {@code --resume} continues exactly where it stopped. A request made before the first iteration (while Spark
 * starts or the data load) is kept: the run stops before iterating, with a checkpoint of where it stands. Set from any
 * thread, read by the loop.
 */
public final class StopRequest {

    private final AtomicReference<String> reason = new AtomicReference<>();

    /**
     * Asks the run to stop after its current iteration; {@code reason} names what asked (e.g. SIGINT). True for the
     * first request only (two signals handled at the same moment on two threads still count as two).
     */
    public boolean request(String reason) {
        return this.reason.compareAndSet(null, reason);
    }

    public boolean requested() {
        return reason.get() != null;
    }
}
