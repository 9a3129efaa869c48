package org.sparkrnn.evaluate;

import org.sparkrnn.model.Quantiles;

import java.util.Arrays;
import java.util.List;

/**
 * Sums from which the forecasting metrics are formed, per predicted value of a label (a step of {@code --horizon}
 * A..B, or a target) and in the data's own units: for each quantile level τ the pinball loss of the τ-quantile,
 * Σ |y| (what the weighted quantile loss divides by: wQL_τ = 2 Σ pinball_τ / Σ |y|, GluonTS's, whose mean over the
 * levels approximates the CRPS), how many actuals fall inside each central interval (0.1 with 0.9: the 80%
 * interval), the symmetric absolute percentage errors of the point forecast (sMAPE, M4's: 200 |ŷ − y| / (|ŷ| + |y|)),
 * and its absolute errors over the series' in-sample seasonal-naive error (MASE), where that scale is known.
 *
 * <p>A wire type; {@link #merge} mutates and returns this, never its argument; sums of other levels or widths are
 * not merged.
 */
public final class ForecastSums implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    private final double[] levels;    // L, ascending
    private final int width;          // V
    private final int[][] intervals;  // I central intervals: {lower level, upper level}
    private final double[] pinball;   // [V × L]
    private final double[] absActual; // [V]
    private final long[] count;       // [V]
    private final long[] inside;      // [V × I]
    private final double[] smape;     // [V]
    private final double[] scaledAbs; // [V] Σ |ŷ − y| / MASE scale
    private final long[] scaledCount; // [V]

    /** Empty sums for {@code width} values per label and the quantile {@code levels} (ascending in (0, 1)). */
    public ForecastSums(double[] levels, int width) {
        this(levels.clone(), width, new double[width * levels.length], new double[width], new long[width],
                new long[width * Quantiles.centralIntervals(levels).size()], new double[width], new double[width],
                new long[width]);
    }

    private ForecastSums(double[] levels, int width, double[] pinball, double[] absActual, long[] count, long[] inside,
                         double[] smape, double[] scaledAbs, long[] scaledCount) {
        this.levels = levels;
        this.width = width;
        this.intervals = Quantiles.centralIntervals(levels).toArray(new int[0][]);
        this.pinball = pinball;
        this.absActual = absActual;
        this.count = count;
        this.inside = inside;
        this.smape = smape;
        this.scaledAbs = scaledAbs;
        this.scaledCount = scaledCount;
        if (pinball.length != width * levels.length || absActual.length != width || count.length != width
                || inside.length != width * intervals.length || smape.length != width || scaledAbs.length != width
                || scaledCount.length != width) {
            throw new IllegalArgumentException("forecast sums of " + width + " values and " + levels.length
                    + " levels: arrays of the wrong lengths");
        }
    }

    /** The sums as stored, for the wire. */
    public static ForecastSums of(double[] levels, int width, double[] pinball, double[] absActual, long[] count,
                                  long[] inside, double[] smape, double[] scaledAbs, long[] scaledCount) {
        return new ForecastSums(levels, width, pinball, absActual, count, inside, smape, scaledAbs, scaledCount);
    }

    /**
     * One predicted value {@code index}: the actual y, the point forecast and the quantiles at the levels (all in
     * the data's units), and the series' MASE scale (NaN: not known).
     */
    public void add(int index, double actual, double point, double[] quantiles, double maseScale) {
        int l = levels.length;
        for (int k = 0; k < l; k++) {
            double error = actual - quantiles[k];
            pinball[index * l + k] += Math.max(levels[k] * error, (levels[k] - 1) * error);
        }
        for (int i = 0; i < intervals.length; i++) {
            if (actual >= quantiles[intervals[i][0]] && actual <= quantiles[intervals[i][1]]) {
                inside[index * intervals.length + i]++;
            }
        }
        absActual[index] += Math.abs(actual);
        count[index]++;
        double both = Math.abs(point) + Math.abs(actual);
        smape[index] += both == 0 ? 0 : 200 * Math.abs(point - actual) / both;
        if (maseScale > 0 && Double.isFinite(maseScale)) {
            scaledAbs[index] += Math.abs(point - actual) / maseScale;
            scaledCount[index]++;
        }
    }

    public ForecastSums merge(ForecastSums other) {
        if (!Arrays.equals(levels, other.levels) || width != other.width) {
            throw new IllegalArgumentException("forecast sums of levels " + Arrays.toString(other.levels) + " and "
                    + other.width + " values cannot join those of " + Arrays.toString(levels) + " and " + width);
        }
        add(pinball, other.pinball);
        add(absActual, other.absActual);
        add(smape, other.smape);
        add(scaledAbs, other.scaledAbs);
        for (int j = 0; j < count.length; j++) {
            count[j] += other.count[j];
            scaledCount[j] += other.scaledCount[j];
        }
        for (int j = 0; j < inside.length; j++) {
            inside[j] += other.inside[j];
        }
        return this;
    }

    private static void add(double[] into, double[] other) {
        for (int j = 0; j < into.length; j++) {
            into[j] += other[j];
        }
    }

    public double[] levels() {
        return levels.clone();
    }

    public int width() {
        return width;
    }

    /** The central intervals as {lower, upper} level indices, widest first. */
    public List<int[]> intervals() {
        return Arrays.stream(intervals).map(int[]::clone).toList();
    }

    /** Values scored (over {@code values}: all when null). */
    public long count(int... values) {
        long n = 0;
        for (int v : chosen(values)) {
            n += count[v];
        }
        return n;
    }

    /** wQL of level k: 2 Σ pinball / Σ |y| over the chosen values (all when none given). */
    public double weightedQuantileLoss(int k, int... values) {
        double loss = 0;
        double scale = 0;
        for (int v : chosen(values)) {
            loss += pinball[v * levels.length + k];
            scale += absActual[v];
        }
        return 2 * loss / scale;
    }

    /** The mean of the levels' wQL: the weighted quantile loss, approximately the CRPS over Σ |y|. */
    public double meanWeightedQuantileLoss(int... values) {
        double sum = 0;
        for (int k = 0; k < levels.length; k++) {
            sum += weightedQuantileLoss(k, values);
        }
        return sum / levels.length;
    }

    /** The share of actuals inside central interval i ({@link #intervals}). */
    public double coverage(int i, int... values) {
        long hits = 0;
        for (int v : chosen(values)) {
            hits += inside[v * intervals.length + i];
        }
        return (double) hits / count(values);
    }

    /** sMAPE in percent (0 to 200). */
    public double smape(int... values) {
        double sum = 0;
        for (int v : chosen(values)) {
            sum += smape[v];
        }
        return sum / count(values);
    }

    /** MASE, NaN when no value had a scale. */
    public double mase(int... values) {
        double sum = 0;
        long n = 0;
        for (int v : chosen(values)) {
            sum += scaledAbs[v];
            n += scaledCount[v];
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    private int[] chosen(int[] values) {
        if (values != null && values.length > 0) {
            return values;
        }
        int[] all = new int[width];
        for (int v = 0; v < width; v++) {
            all[v] = v;
        }
        return all;
    }

    // the stored arrays, for the wire
    public double[] pinballSums() {
        return pinball;
    }

    public double[] absActualSums() {
        return absActual;
    }

    public long[] counts() {
        return count;
    }

    public long[] insideCounts() {
        return inside;
    }

    public double[] smapeSums() {
        return smape;
    }

    public double[] scaledAbsSums() {
        return scaledAbs;
    }

    public long[] scaledCounts() {
        return scaledCount;
    }
}
