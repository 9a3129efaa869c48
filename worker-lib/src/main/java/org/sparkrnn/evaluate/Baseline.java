package org.sparkrnn.evaluate;

import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.data.Standardization;

import java.io.Serializable;

/**
 * The simple forecasts a trained model should beat, scored into the same {@link EvaluationSums} as a model so the
 * metrics compare directly:
 * <ul>
 *   <li>{@code last}: a sequence's label is predicted by its last input value ("next = now");</li>
 *   <li>{@code lag:N}: by the input value N steps before the end of the window plus one, so with a horizon of 1
 *       and N the season length it is the seasonal-naive forecast "same time last season" (lag:1 = last);</li>
 *   <li>{@code unigram}: every class with its training frequency (for class labels, per sequence or per step).</li>
 * </ul>
 * Value baselines read feature 0 and need one value per label; inputs and labels are compared in original units.
 */
public final class Baseline implements Serializable {

    private static final long serialVersionUID = 1L;

    public enum Kind { LAST, LAG, UNIGRAM }

    private final Kind kind;
    private final int lag;
    private final double[] logProbabilities; // unigram, once the training counts are known
    private final int[] horizons;            // what each value of a label is, in steps after the window's end

    private Baseline(Kind kind, int lag, double[] logProbabilities, int[] horizons) {
        this.kind = kind;
        this.lag = lag;
        this.logProbabilities = logProbabilities;
        this.horizons = horizons;
    }

    private static final int[] NEXT_STEP = {1};

    /** {@code last}, {@code lag:N} (N ≥ 1) or {@code unigram}. */
    public static Baseline parse(String text) {
        if (text.equals("last")) {
            return new Baseline(Kind.LAST, 1, null, NEXT_STEP);
        }
        if (text.equals("unigram")) {
            return new Baseline(Kind.UNIGRAM, 0, null, NEXT_STEP);
        }
        if (text.startsWith("lag:")) {
            try {
                int n = Integer.parseInt(text.substring(4));
                if (n >= 1) {
                    return new Baseline(Kind.LAG, n, null, NEXT_STEP);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException("unknown baseline '" + text + "', expected last, lag:N (N >= 1) or"
                + " unigram");
    }

    public Kind kind() {
        return kind;
    }

    /** The unigram baseline needs the training labels' class counts first. */
    public boolean needsClassCounts() {
        return kind == Kind.UNIGRAM && logProbabilities == null;
    }

    /** The unigram baseline for these training counts (add-one smoothed, so no validation class has p = 0). */
    public Baseline withClassCounts(long[] counts) {
        double total = 0;
        for (long c : counts) {
            total += c + 1;
        }
        double[] logP = new double[counts.length];
        for (int k = 0; k < counts.length; k++) {
            logP[k] = Math.log((counts[k] + 1) / total);
        }
        return new Baseline(kind, lag, logP, horizons);
    }

    /**
     * The baseline for labels of one target value per horizon, {@code horizons} steps after the window's last
     * (ascending; {1} by default).
     */
    public Baseline withHorizons(int[] horizons) {
        return new Baseline(kind, lag, logProbabilities, horizons.clone());
    }

    public String describe() {
        return switch (kind) {
            case LAST -> "last value (next = now)";
            case LAG -> "value " + lag + " steps back (seasonal naive with season " + lag + ")";
            case UNIGRAM -> "unigram (training class frequencies)";
        };
    }

    /** Checks that the baseline applies to labels of this kind; returns a message when it does not, else null. */
    public String mismatch(LabelKind labels, LabelShape shape, int labelWidth) {
        if (kind == Kind.UNIGRAM) {
            return labels == LabelKind.CLASSES ? null : "the unigram baseline needs class labels";
        }
        return labels == LabelKind.VALUES && shape == LabelShape.PER_SEQUENCE && labelWidth == horizons.length ? null
                : "the " + (kind == Kind.LAST ? "last" : "lag:" + lag) + " baseline needs one target value per"
                + " horizon";
    }

    private static double[] ones(int n) {
        double[] ones = new double[n];
        java.util.Arrays.fill(ones, 1.0);
        return ones;
    }

    /** Counts of each class id among the labelled steps of {@code batch}, added into {@code counts}. */
    public static long[] countClassesInto(long[] counts, SequenceBatch batch) {
        int[] classes = batch.classes();
        for (int b = 0; b < batch.size(); b++) {
            for (int t = 0; t < batch.length(b); t++) {
                if (batch.isLabelled(b, t)) {
                    counts[classes[batch.labelRow(b, t)]]++;
                }
            }
        }
        return counts;
    }

    /**
     * Adds the baseline's predictions for {@code batch} (standardised with {@code standardization}, or null) to
     * {@code sums}: the loss in the units training uses (standardised squared error, or cross-entropy), errors in
     * original units.
     */
    public EvaluationSums addInto(EvaluationSums sums, SequenceBatch batch, Standardization standardization) {
        return addInto(sums, batch, standardization, null);
    }

    /**
     * As {@link #addInto(EvaluationSums, SequenceBatch, Standardization)}, for windows whose errors each scale by
     * {@code scales[b]} back to original units (windows scaled by their own spread; null: 1). With several
     * {@link #withHorizons horizons}, {@code last} forecasts every horizon with the window's last value; {@code lag:N}
     * the target at T + h with the value N·⌈h/N⌉ steps before it, the latest one a window holds from the same point
     * of the season (the seasonal-naive forecast).
     */
    public EvaluationSums addInto(EvaluationSums sums, SequenceBatch batch, Standardization standardization,
                                  double[] scales) {
        if (kind == Kind.UNIGRAM) {
            if (logProbabilities == null) {
                throw new IllegalStateException("the unigram baseline needs the training class counts");
            }
            int best = 0;
            for (int k = 1; k < logProbabilities.length; k++) {
                best = logProbabilities[k] > logProbabilities[best] ? k : best;
            }
            int[] classes = batch.classes();
            for (int b = 0; b < batch.size(); b++) {
                for (int t = 0; t < batch.length(b); t++) {
                    if (batch.isLabelled(b, t)) {
                        int c = classes[batch.labelRow(b, t)];
                        sums.addClassification(-logProbabilities[c], c == best);
                    }
                }
            }
            return sums;
        }
        forEachForecast(batch, standardization, scales, null, (b, k, standardisedError, error, actual) -> {
            sums.addValueError(k, horizons.length, error);
            sums.addRegression(standardisedError * standardisedError, 1, error * error, Math.abs(error), 1);
        });
        return sums;
    }

    /**
     * As {@link #addInto(EvaluationSums, SequenceBatch, Standardization, double[])}, also adding the forecasting
     * metrics ({@link ForecastSums}) when {@code forecast} is given: the baseline's point forecast and, with
     * {@code residualQuantiles} ([V × L], the data's units: its own residuals' quantiles at the forecast's levels,
     * {@link SeasonalNaiveFit}), its quantiles: the point forecast plus each.
     */
    public EvaluationSums addInto(EvaluationSums sums, SequenceBatch batch, Standardization standardization,
                                  double[] scales, Evaluator.Forecast forecast, double[] residualQuantiles) {
        if (forecast == null || kind == Kind.UNIGRAM) {
            return addInto(sums, batch, standardization, scales);
        }
        double[] levels = residualQuantiles == null ? new double[0] : forecast.levels();
        ForecastSums forecastSums = sums.forecastSums(levels, horizons.length);
        double[] quantiles = new double[levels.length];
        forEachForecast(batch, standardization, scales, forecast.actuals(), (b, k, standardisedError, error, actual) -> {
            sums.addValueError(k, horizons.length, error);
            sums.addRegression(standardisedError * standardisedError, 1, error * error, Math.abs(error), 1);
            double point = actual + error;
            for (int q = 0; q < levels.length; q++) {
                quantiles[q] = point + residualQuantiles[k * levels.length + q];
            }
            forecastSums.add(k, actual, point, quantiles,
                    forecast.maseScales() == null ? Double.NaN : forecast.maseScales()[b]);
        });
        return sums;
    }

    /** What {@link #forEachForecast} hands over for each forecast value. */
    @FunctionalInterface
    public interface ForecastVisitor {
        /**
         * Value k of sequence b's label: the error in the units training uses (standardised), the error ŷ − y in
         * the data's units, and the actual y in the data's units ({@code actuals}; without them, the label as far as
         * the standardisation and the scale undo it).
         */
        void accept(int b, int k, double standardisedError, double error, double actual);
    }

    /**
     * Each labelled window's forecast of each value (a horizon), compared with its label: the baseline's value
     * forecasts ({@code last}, {@code lag:N}) as {@link #addInto(EvaluationSums, SequenceBatch, Standardization,
     * double[])} describes them.
     */
    public void forEachForecast(SequenceBatch batch, Standardization standardization, double[] scales,
                                double[] actuals, ForecastVisitor visitor) {
        if (kind == Kind.UNIGRAM) {
            throw new IllegalStateException("the unigram baseline forecasts classes, not values");
        }
        double fMean = 0;
        double fStd = 1;
        if (standardization != null && standardization.featureMean() != null) {
            fMean = standardization.featureMean()[0];
            fStd = standardization.featureStd()[0];
        }
        // one mean and standard deviation per label value: each horizon's own
        double[] tMean = standardization != null && standardization.targetMean() != null
                ? standardization.targetMean() : new double[horizons.length];
        double[] tStd = standardization != null && standardization.targetStd() != null
                ? standardization.targetStd() : ones(horizons.length);
        double[] values = batch.values();
        for (int b = 0; b < batch.size(); b++) {
            int length = batch.length(b);
            if (!batch.isLabelled(b, length - 1)) {
                continue;
            }
            if (lag > length) {
                throw new IllegalArgumentException("the lag:" + lag + " baseline reaches before the start of a "
                        + length + "-step sequence; use a --window of at least " + lag);
            }
            double scale = scales == null ? 1 : scales[b];
            int row = batch.labelRow(b, length - 1);
            for (int k = 0; k < horizons.length; k++) {
                int h = horizons[k];
                int back = lag * ((h + lag - 1) / lag); // N·⌈h/N⌉: at or before the window's last step
                double forecast = batch.feature(b, length - 1 + h - back, 0) * fStd + fMean;
                double actual = values[row * horizons.length + k] * tStd[k] + tMean[k];
                double error = forecast - actual;
                visitor.accept(b, k, error / tStd[k], error * scale,
                        actuals != null ? actuals[row * horizons.length + k] : actual * scale);
            }
        }
    }
}
