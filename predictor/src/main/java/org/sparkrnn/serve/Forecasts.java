package org.sparkrnn.serve;

import java.util.Arrays;

/**
 * What {@link Forecaster} gives for a batch of windows, in the data's units, as {@code predict} gives it: per window
 * (per step of it, for a per-step model) the point forecast's V values (a classifier: each class' probability), then
 * V per quantile level.
 */
public final class Forecasts {

    private final double[] rows;
    private final int[] firstRow;
    private final int values;
    private final double[] levels;
    private final boolean classes;

    Forecasts(double[] rows, int[] firstRow, int values, double[] levels, boolean classes) {
        this.rows = rows;
        this.firstRow = firstRow;
        this.values = values;
        this.levels = levels.clone();
        this.classes = classes;
    }

    /** The number of windows. */
    public int size() {
        return firstRow.length - 1;
    }

    /** The quantile levels after the point forecast (empty: none). */
    public double[] levels() {
        return levels.clone();
    }

    /** The point forecast of window {@code b} (its last step's, for a per-step model): V values. */
    public double[] point(int b) {
        return point(b, steps(b) - 1);
    }

    /** The point forecast at step {@code t} of window {@code b}'s outputs (0 for a model with one per window). */
    public double[] point(int b, int t) {
        return block(b, t, 0);
    }

    /** The quantile at level {@code k} ({@link #levels()}) of window {@code b}: V values. */
    public double[] quantile(int b, int k) {
        if (k < 0 || k >= levels.length) {
            throw new IndexOutOfBoundsException("level " + k + " of " + Arrays.toString(levels));
        }
        return block(b, steps(b) - 1, 1 + k);
    }

    /** A classifier's most probable class for window {@code b} (the first of equals). */
    public int predictedClass(int b) {
        if (!classes) {
            throw new IllegalStateException("a regression model predicts values, not classes");
        }
        double[] p = point(b);
        int best = 0;
        for (int j = 1; j < p.length; j++) {
            if (p[j] > p[best]) {
                best = j;
            }
        }
        return best;
    }

    /** The output rows of window {@code b}: 1, or its steps for a per-step model. */
    public int steps(int b) {
        return firstRow[b + 1] - firstRow[b];
    }

    private double[] block(int b, int t, int block) {
        if (t < 0 || t >= steps(b)) {
            throw new IndexOutOfBoundsException("step " + t + " of window " + b + " (" + steps(b) + " output rows)");
        }
        int width = values * (1 + levels.length);
        int from = (firstRow[b] + t) * width + block * values;
        return Arrays.copyOfRange(rows, from, from + values);
    }
}
