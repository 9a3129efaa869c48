package org.sparkrnn.driver.data.stream;

import java.util.Arrays;

/**
 * What a stream keeps of one series for a model trained on windows of T steps: the inputs of its last T − 1 rows,
 * with the row count (so that windows start every {@code stride} rows from its first, as in a batch) and newest time
 * of {@link StreamedSeries}. A new row completes the window of its T last rows; that window is the one batch
 * prediction gives for the same row (the same rows, the same rule: every stride-th start whose inputs are all there).
 */
public final class WindowedSeries extends StreamedSeries {
    private static final long serialVersionUID = 2L;

    private final int inputSize;
    private final int window;
    private final int stride;
    private final double[] recent; // the last min(rows, T − 1) rows' inputs, oldest first
    private int held;

    public WindowedSeries(int inputSize, int window, int stride) {
        this.inputSize = inputSize;
        this.window = window;
        this.stride = stride;
        this.recent = new double[Math.max(0, window - 1) * inputSize];
    }

    /**
     * Takes the series' row number {@code row} ({@code inputs} of length I, NaN for a gap): the window it completes
     * (T × I, oldest step first), or null when it completes none (too few rows yet, not a stride-th start, or a gap
     * among its inputs).
     */
    public double[][] take(long row, double[] inputs) {
        double[][] completed = null;
        long start = row - (window - 1); // the series row the window of this row's T last rows starts at
        if (held == window - 1 && start >= 0 && start % stride == 0 && whole(inputs)) {
            completed = new double[window][];
            for (int t = 0; t < window - 1; t++) {
                completed[t] = Arrays.copyOfRange(recent, t * inputSize, (t + 1) * inputSize);
            }
            completed[window - 1] = inputs.clone();
        }
        if (window > 1) {
            if (held == window - 1) {
                System.arraycopy(recent, inputSize, recent, 0, (window - 2) * inputSize);
                held--;
            }
            System.arraycopy(inputs, 0, recent, held * inputSize, inputSize);
            held++;
        }
        return completed;
    }

    /** No window reaches back past a skipped time step: the held rows are forgotten. */
    @Override
    void restart() {
        held = 0;
    }

    /** Whether this row's and the held rows' inputs are all there. */
    private boolean whole(double[] inputs) {
        for (double v : inputs) {
            if (Double.isNaN(v)) {
                return false;
            }
        }
        for (int k = 0; k < held * inputSize; k++) {
            if (Double.isNaN(recent[k])) {
                return false;
            }
        }
        return true;
    }
}
