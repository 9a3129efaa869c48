package org.sparkrnn.evaluate;

import org.sparkrnn.data.GrowableDoubles;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.data.Standardization;

import java.util.Arrays;

/**
 * A value baseline ({@code last}, {@code lag:N}: the seasonal naive forecast) fitted to one series' training
 * windows, so that it has quantiles and a scale: its residuals y − ŷ at each predicted value, in the data's units,
 * whose empirical quantiles (linear between order statistics, numpy's default) are added to its point forecast
 * ({@link Baseline#addInto(EvaluationSums, SequenceBatch, Standardization, double[], Evaluator.Forecast,
 * double[])}); and its mean absolute error at the first predicted value, the in-sample scale MASE divides by (with
 * windows ending at every step, Hyndman's in-sample seasonal-naive MAE). A series whose training side has no window
 * gives quantiles of 0 (the point forecast itself) and no scale.
 *
 * <p>Fed every piece of a series' training windows (a series cut in two partitions has two), made and read on one
 * executor: not a wire type.
 */
public final class SeasonalNaiveFit {

    private final GrowableDoubles[] residuals; // per value

    public SeasonalNaiveFit(int width) {
        residuals = new GrowableDoubles[width];
        for (int k = 0; k < width; k++) {
            residuals[k] = new GrowableDoubles();
        }
    }

    /** The baseline's residuals on {@code batch}'s windows (see {@link Baseline#forEachForecast}). */
    public SeasonalNaiveFit add(Baseline baseline, SequenceBatch batch, Standardization standardization,
                                double[] scales, double[] actuals) {
        baseline.forEachForecast(batch, standardization, scales, actuals,
                (b, k, standardisedError, error, actual) -> residuals[k].add(-error));
        return this;
    }

    /** The residuals' empirical quantiles at {@code levels}: [V × L], 0 where a value has no residual. */
    public double[] residualQuantiles(double[] levels) {
        double[] out = new double[residuals.length * levels.length];
        for (int k = 0; k < residuals.length; k++) {
            double[] sorted = residuals[k].toArray();
            Arrays.sort(sorted);
            for (int q = 0; q < levels.length; q++) {
                out[k * levels.length + q] = empiricalQuantile(sorted, levels[q]);
            }
        }
        return out;
    }

    /** The scale MASE divides by: the mean |residual| at the first predicted value; NaN without one. */
    public double maseScale() {
        double[] first = residuals[0].toArray();
        if (first.length == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (double r : first) {
            sum += Math.abs(r);
        }
        return sum / first.length;
    }

    /** The τ-quantile of ascending {@code sorted}: linear between the order statistics at (n − 1)τ; 0 if empty. */
    static double empiricalQuantile(double[] sorted, double level) {
        if (sorted.length == 0) {
            return 0;
        }
        double position = (sorted.length - 1) * level;
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.length - 1);
        double fraction = position - below;
        return sorted[below] + fraction * (sorted[above] - sorted[below]);
    }
}
