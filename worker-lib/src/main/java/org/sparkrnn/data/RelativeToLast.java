package org.sparkrnn.data;

/**
 * Windows of a univariate series expressed relative to their last input value x_T (the "origin"): inputs
 * x_t − x_T, target y − x_T; a prediction ŷ' becomes ŷ = ŷ' + x_T. A model trained this way learns changes, not
 * levels, so it is not lost when a trending series leaves the range it was trained on. Errors are unchanged by the
 * shift (ŷ − y = ŷ' − y'), so metrics in original units need no correction.
 */
public final class RelativeToLast {

    private RelativeToLast() {
    }

    /** A new batch of windows relative to their last step (one feature, one value label per sequence, or none). */
    public static SequenceBatch apply(SequenceBatch batch) {
        check(batch);
        int[] lengths = new int[batch.size()];
        double[] features = batch.features().clone();
        double[] values = batch.values() == null ? null : batch.values().clone();
        for (int b = 0; b < batch.size(); b++) {
            lengths[b] = batch.length(b);
            double origin = batch.feature(b, lengths[b] - 1, 0);
            int from = batch.stepOffset(b);
            for (int t = 0; t < lengths[b]; t++) {
                features[from + t] -= origin;
            }
            if (values != null) {
                values[b] -= origin;
            }
        }
        return new SequenceBatch(1, lengths, features, null, batch.labelShape(), batch.labelKind(),
                batch.labelWidth(), values, batch.classes(), batch.labelledMask());
    }

    /** Adds each window's origin (its last input value in {@code original}) back to its prediction, in place. */
    public static void addOriginsInPlace(double[] predictions, SequenceBatch original) {
        check(original);
        for (int b = 0; b < original.size(); b++) {
            predictions[b] += original.feature(b, original.length(b) - 1, 0);
        }
    }

    private static void check(SequenceBatch batch) {
        boolean oneValue = batch.labelKind() == LabelKind.NONE
                || (batch.labelKind() == LabelKind.VALUES && batch.labelWidth() == 1);
        if (batch.isOneHot() || batch.inputSize() != 1 || batch.labelShape() != LabelShape.PER_SEQUENCE || !oneValue) {
            throw new IllegalArgumentException("windows relative to their last value need one feature per step and"
                    + " one number per sequence as the label");
        }
    }
}
