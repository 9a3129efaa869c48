package org.sparkrnn.testing;

import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBatch;

/** Cuts steps out of batches, for tests that state a property over parts of sequences. */
public final class BatchSlices {

    private BatchSlices() {
    }

    /**
     * Steps [from, min(to, length)) of each chosen sequence, as a per-step batch (a per-sequence label becomes the
     * label of the sequence's last step, when that step is inside the range).
     */
    public static SequenceBatch steps(SequenceBatch batch, int[] which, int from, int to) {
        boolean classes = batch.labelKind() == LabelKind.CLASSES;
        SequenceBatch.Builder builder = SequenceBatch.builder(batch.inputSize(), LabelShape.PER_STEP,
                batch.labelKind(), batch.labelWidth());
        for (int b : which) {
            int end = Math.min(to, batch.length(b));
            double[][] steps = new double[end - from][batch.inputSize()];
            double[][] values = new double[end - from][];
            int[] labels = new int[end - from];
            for (int t = from; t < end; t++) {
                for (int i = 0; i < batch.inputSize(); i++) {
                    steps[t - from][i] = batch.feature(b, t, i);
                }
                boolean labelled = batch.isLabelled(b, t);
                int row = batch.labelRow(b, t);
                labels[t - from] = labelled && classes ? batch.classes()[row] : SequenceBatch.UNLABELLED;
                if (labelled && !classes) {
                    values[t - from] = java.util.Arrays.copyOfRange(batch.values(), row * batch.labelWidth(),
                            (row + 1) * batch.labelWidth());
                }
            }
            if (classes) {
                builder.addPerStep(steps, labels);
            } else {
                builder.addPerStep(steps, values);
            }
        }
        return builder.build();
    }

    /** The same sequences and labels with every label moved to per-step form. */
    public static SequenceBatch asPerStep(SequenceBatch batch) {
        int[] all = new int[batch.size()];
        for (int b = 0; b < all.length; b++) {
            all[b] = b;
        }
        return steps(batch, all, 0, Integer.MAX_VALUE);
    }
}
