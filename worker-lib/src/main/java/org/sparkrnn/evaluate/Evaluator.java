package org.sparkrnn.evaluate;

import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.kernel.ForwardResult;
import org.sparkrnn.kernel.NetworkKernel;
import org.sparkrnn.kernel.OutputMode;
import org.sparkrnn.distribution.ForecastHead;
import org.sparkrnn.model.Loss;
import org.sparkrnn.model.NetworkSpec;

/**
 * Forward-only evaluation of one batch: compares the head's outputs at every labelled step with the labels and adds
 * the loss and metric sums. Regression errors are reported in the targets' original units: with standardised
 * targets, {@code targetScale[v]} is the standard deviation that undoes it (null = 1).
 */
public final class Evaluator {

    private Evaluator() {
    }

    public static void addInto(EvaluationSums sums, NetworkKernel kernel, double[] params, SequenceBatch batch,
                               double[] targetScale) {
        addInto(sums, kernel, params, batch, targetScale, null);
    }

    /**
     * As {@link #addInto(EvaluationSums, NetworkKernel, double[], SequenceBatch, double[])}, for sequences whose
     * errors each scale by {@code sequenceScales[b]} back to original units (windows scaled by their own spread,
     * before the standardisation {@code targetScale} undoes; null: 1).
     */
    public static void addInto(EvaluationSums sums, NetworkKernel kernel, double[] params, SequenceBatch batch,
                               double[] targetScale, double[] sequenceScales) {
        addInto(sums, kernel, params, batch, targetScale, sequenceScales, null);
    }

    /**
     * What the forecasting metrics ({@link ForecastSums}) of one batch need beyond its errors: the quantile levels
     * scored (empty for a point forecast: sMAPE and MASE only), each label value in the data's own units
     * ({@code actuals}, laid out as the batch's values; null: the batch's values, standardised by {@code targetMean}
     * and the target scale, are the data's), and each sequence's MASE scale (null or NaN: none).
     */
    public record Forecast(double[] levels, double[] actuals, double[] targetMean, double[] maseScales) {
    }

    /**
     * As above, also adding the forecasting metrics when {@code forecast} is given: the point forecast (a
     * distribution's mean, a quantile model's median) and the quantiles at its levels, each taken back to the data's
     * units through the same affine map as the label's (the label's transform, then its scale).
     */
    public static void addInto(EvaluationSums sums, NetworkKernel kernel, double[] params, SequenceBatch batch,
                               double[] targetScale, double[] sequenceScales, Forecast forecast) {
        NetworkSpec spec = kernel.spec();
        if (batch.labelKind() == LabelKind.NONE) {
            throw new IllegalArgumentException("cannot evaluate on unlabelled sequences");
        }
        boolean perStep = batch.labelShape() == LabelShape.PER_STEP;
        ForwardResult result = kernel.forward(params, batch, perStep ? OutputMode.EVERY_STEP : OutputMode.LAST_STEP, null);
        int v = spec.outputSize();
        Loss loss = spec.loss();
        ForecastHead head = ForecastHead.of(spec);
        int p = spec.parametersPerValue();
        double[] raw = new double[spec.headWidth()];
        double[] unusedGradient = head == null ? null : new double[raw.length];
        // a point forecast has no quantile: its forecasting metrics are sMAPE and MASE
        double[] scored = forecast == null || head == null ? new double[0] : forecast.levels();
        ForecastSums forecastSums = forecast == null || loss.isClassification() ? null
                : sums.forecastSums(scored, v);
        int levels = scored.length;
        double[] quantiles = new double[levels];
        for (int b = 0; b < batch.size(); b++) {
            for (int t = 0; t < batch.length(b); t++) {
                if (!batch.isLabelled(b, t)) {
                    continue;
                }
                int outRow = perStep ? batch.stepOffset(b) + t : b;
                int labelRow = batch.labelRow(b, t);
                if (loss.isClassification()) {
                    int y = batch.classes()[labelRow];
                    int best = 0;
                    for (int j = 1; j < v; j++) {
                        if (result.output(outRow, j) > result.output(outRow, best)) {
                            best = j;
                        }
                    }
                    double prob = Math.max(result.output(outRow, y), Double.MIN_NORMAL);
                    sums.addClassification(-Math.log(prob), best == y);
                } else {
                    double scale = sequenceScales == null ? 1.0 : sequenceScales[b];
                    double labelScale = batch.labelScale(b);
                    if (head != null) {
                        System.arraycopy(result.outputs(), outRow * raw.length, raw, 0, raw.length);
                    }
                    double lossSum = 0;
                    double squared = 0;
                    double absolute = 0;
                    for (int j = 0; j < v; j++) {
                        double y = batch.values()[labelRow * v + j];
                        double point;
                        if (head != null) {
                            point = head.point(raw, j * p, labelScale);
                            lossSum += head.lossAndGradient(raw, j * p, y, labelScale, unusedGradient, j * p);
                        } else {
                            point = result.output(outRow, j);
                        }
                        double diff = point - y;
                        if (head == null) {
                            lossSum += loss == Loss.SUM_HALF_SQUARED ? 0.5 * diff * diff : diff * diff;
                        }
                        double unit = (targetScale == null ? 1.0 : targetScale[j]) * scale;
                        double original = diff * unit;
                        squared += original * original;
                        absolute += Math.abs(original);
                        if (!perStep) {
                            sums.addValueError(j, v, original);
                        }
                        if (forecastSums != null) {
                            double actual = forecast.actuals() != null ? forecast.actuals()[labelRow * v + j]
                                    : (y * (targetScale == null ? 1.0 : targetScale[j])
                                    + (forecast.targetMean() == null ? 0.0 : forecast.targetMean()[j])) * scale;
                            for (int k = 0; k < levels; k++) {
                                // the label's affine map back to the data's units, slope `unit`, through (y, actual)
                                quantiles[k] = actual + (head.quantile(raw, j * p, scored[k], labelScale)
                                        - y) * unit;
                            }
                            forecastSums.add(j, actual, actual + original, quantiles,
                                    forecast.maseScales() == null ? Double.NaN : forecast.maseScales()[b]);
                        }
                    }
                    sums.addRegression(lossSum, v, squared, absolute, v);
                }
            }
        }
    }
}
