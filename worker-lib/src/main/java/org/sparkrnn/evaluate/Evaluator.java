package org.sparkrnn.evaluate;

import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.kernel.ForwardResult;
import org.sparkrnn.kernel.NetworkKernel;
import org.sparkrnn.kernel.OutputMode;
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
        NetworkSpec spec = kernel.spec();
        if (batch.labelKind() == LabelKind.NONE) {
            throw new IllegalArgumentException("cannot evaluate on unlabelled sequences");
        }
        boolean perStep = batch.labelShape() == LabelShape.PER_STEP;
        ForwardResult result = kernel.forward(params, batch, perStep ? OutputMode.EVERY_STEP : OutputMode.LAST_STEP, null);
        int v = spec.outputSize();
        Loss loss = spec.loss();
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
                    double p = Math.max(result.output(outRow, y), Double.MIN_NORMAL);
                    sums.addClassification(-Math.log(p), best == y);
                } else {
                    double scale = sequenceScales == null ? 1.0 : sequenceScales[b];
                    double lossSum = 0;
                    double squared = 0;
                    double absolute = 0;
                    for (int j = 0; j < v; j++) {
                        double diff = result.output(outRow, j) - batch.values()[labelRow * v + j];
                        lossSum += loss == Loss.SUM_HALF_SQUARED ? 0.5 * diff * diff : diff * diff;
                        double original = diff * (targetScale == null ? 1.0 : targetScale[j]) * scale;
                        squared += original * original;
                        absolute += Math.abs(original);
                        if (!perStep) {
                            sums.addValueError(j, v, original);
                        }
                    }
                    sums.addRegression(lossSum, v, squared, absolute, v);
                }
            }
        }
    }
}
