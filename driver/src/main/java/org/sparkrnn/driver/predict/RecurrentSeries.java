package org.sparkrnn.driver.predict;

import org.sparkrnn.driver.data.stream.StreamedSeries;
import org.sparkrnn.kernel.RecurrentState;
import org.sparkrnn.model.NetworkSpec;

/**
 * What a stream keeps of one series for a per-step model: the recurrent state after its last row (per layer h, and c
 * for LSTM layers), so that its next rows go on from there as if the whole series had been run at once. Null until
 * the series' first row (a zero state).
 */
public final class RecurrentSeries extends StreamedSeries {
    private static final long serialVersionUID = 1L;

    private double[][] h;
    private double[][] c;

    /** The state to start the series' next rows from (null: zeros). */
    RecurrentState state(NetworkSpec spec) {
        return h == null ? null : new RecurrentState(spec, 1, h, c);
    }

    /** Keeps the state after the rows just taken (one sequence's). */
    void keep(RecurrentState last, int layers) {
        h = new double[layers][];
        c = new double[layers][];
        for (int k = 0; k < layers; k++) {
            h[k] = last.h(k).clone();
            c[k] = last.c(k) == null ? null : last.c(k).clone();
        }
    }
}
