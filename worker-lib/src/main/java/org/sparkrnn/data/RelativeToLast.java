package org.sparkrnn.data;

/**
 * Windows expressed relative to the last value x_T of their first feature (the "origin"), which is also what they
 * predict: that feature x_t − x_T, every label value y − x_T (one value, or one per horizon); other features stay as
 * they are (covariates). A prediction ŷ' becomes ŷ = ŷ' + x_T. A model trained this way learns changes, not levels,
 * so it is not lost when a trending series leaves the range it was trained on. Errors are unchanged by the shift
 * (ŷ − y = ŷ' − y'), so metrics in original units need no correction.
 */
public final class RelativeToLast {

    private RelativeToLast() {
    }

    /** A new batch of windows relative to their last step (dense steps, value labels per sequence, or none). */
    public static SequenceBatch apply(SequenceBatch batch) {
        check(batch);
        int inputs = batch.inputSize();
        int width = batch.labelWidth();
        int[] lengths = new int[batch.size()];
        double[] features = batch.features().clone();
        double[] values = batch.values() == null ? null : batch.values().clone();
        for (int b = 0; b < batch.size(); b++) {
            lengths[b] = batch.length(b);
            double origin = batch.feature(b, lengths[b] - 1, 0);
            int from = batch.stepOffset(b);
            for (int t = 0; t < lengths[b]; t++) {
                features[(from + t) * inputs] -= origin;
            }
            if (values != null) {
                for (int v = 0; v < width; v++) {
                    values[b * width + v] -= origin;
                }
            }
        }
        return new SequenceBatch(inputs, lengths, features, null, batch.labelShape(), batch.labelKind(),
                batch.labelWidth(), values, batch.classes(), batch.labelledMask());
    }

    /**
     * Adds each window's origin (the last value of its first feature in {@code original}) back to its predictions
     * (rows × V, every value of a row), in place.
     */
    public static void addOriginsInPlace(double[] predictions, SequenceBatch original) {
        check(original);
        int width = original.size() == 0 ? 1 : predictions.length / original.size();
        for (int b = 0; b < original.size(); b++) {
            double origin = original.feature(b, original.length(b) - 1, 0);
            for (int v = 0; v < width; v++) {
                predictions[b * width + v] += origin;
            }
        }
    }

    private static void check(SequenceBatch batch) {
        boolean values = batch.labelKind() == LabelKind.NONE || batch.labelKind() == LabelKind.VALUES;
        if (batch.isOneHot() || batch.labelShape() != LabelShape.PER_SEQUENCE || !values) {
            throw new IllegalArgumentException("windows relative to their last value need dense steps and value"
                    + " labels per sequence");
        }
    }
}
