package org.sparkrnn.aggregate;

import org.sparkrnn.model.Loss;
import org.sparkrnn.model.ParameterLayout;

/**
 * Sums from any number of batches: the loss sum, the gradient sum (one flat array in {@link ParameterLayout} order),
 * the count of labelled units the loss is over and the number of sequences. Sums on executors, means on the driver:
 * dividing happens once, after the last {@link #merge}, which is what makes the result independent of how the
 * sequences were partitioned.
 *
 * <p>A new accumulator is empty and tiny (no gradient array) so that it is cheap as a {@code treeAggregate} zero
 * value; the array is allocated on first use. Merge algebra: {@code a.merge(empty) == a}, {@code empty.merge(a)}
 * equals a (copied, never aliased), merging is order-independent up to floating-point rounding, and merging sums of
 * different layouts throws. A wire type (Kryo for results; Java serialization for the zero value Spark ships inside
 * every task); not thread-safe.
 */
public final class GradientAccumulator implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    private long layoutFingerprint;
    private boolean floatWire;
    private double[] gradient;      // [P], null while empty
    private double lossSum;
    private long count;
    private long sequences;

    public GradientAccumulator() {
    }

    /** Restores a serialized accumulator; {@code gradient == null} means empty. */
    public static GradientAccumulator of(long layoutFingerprint, double[] gradient, double lossSum, long count,
                                         long sequences) {
        GradientAccumulator acc = new GradientAccumulator();
        if (gradient == null && (lossSum != 0 || count != 0 || sequences != 0)) {
            throw new IllegalArgumentException("an accumulator without a gradient must have no sums");
        }
        acc.layoutFingerprint = gradient == null ? 0 : layoutFingerprint;
        acc.gradient = gradient;
        acc.lossSum = lossSum;
        acc.count = count;
        acc.sequences = sequences;
        return acc;
    }

    /** One batch's contribution, computed straight into the accumulator's gradient sum. */
    @FunctionalInterface
    public interface BatchGradient {
        /** Adds the batch's gradient sum into {@code gradient} ({@code +=}) and returns its loss sum and count. */
        BatchSums addGradientInto(double[] gradient);
    }

    /** A batch's loss sum and the count of labelled units it is over. */
    public record BatchSums(double lossSum, long count) {
    }

    /**
     * Adds one batch of {@code batchSequences} sequences of a model of this layout: its gradient (allocating the sum,
     * zeros, on first use) and then its loss sum and count, in one call so that no caller can add one without the
     * other. Throws when the accumulator already holds sums of another layout.
     */
    public void add(ParameterLayout layout, long batchSequences, BatchGradient batch) {
        if (gradient == null) {
            gradient = new double[layout.size()];
            layoutFingerprint = layout.fingerprint();
        } else {
            checkSameLayout(layout.fingerprint(), layout.size());
        }
        BatchSums sums = batch.addGradientInto(gradient);
        lossSum += sums.lossSum();
        count += sums.count();
        sequences += batchSequences;
    }

    /** Adds {@code other} into this one and returns this; {@code other} is never modified or aliased. */
    public GradientAccumulator merge(GradientAccumulator other) {
        if (other.gradient == null) {
            return this;
        }
        if (gradient == null) {
            gradient = other.gradient.clone();
            layoutFingerprint = other.layoutFingerprint;
        } else {
            checkSameLayout(other.layoutFingerprint, other.gradient.length);
            double[] theirs = other.gradient;
            for (int j = 0; j < gradient.length; j++) {
                gradient[j] += theirs[j];
            }
        }
        lossSum += other.lossSum;
        count += other.count;
        sequences += other.sequences;
        floatWire |= other.floatWire;
        return this;
    }

    /**
     * Sends the gradient as float32 (half the bytes): for sums of float32 kernels, where a single batch's gradient is
     * exactly a float vector and merged sums lose only float rounding, far inside float32 training's own.
     */
    public GradientAccumulator useFloatWire() {
        floatWire = true;
        return this;
    }

    public boolean floatWire() {
        return floatWire;
    }

    public boolean isEmpty() {
        return gradient == null;
    }

    public long layoutFingerprint() {
        return layoutFingerprint;
    }

    /** The gradient sum (null while empty); the live array, not a copy. */
    public double[] gradient() {
        return gradient;
    }

    public double lossSum() {
        return lossSum;
    }

    /** Labelled units the sums are over (see {@link Loss#countPerLabelledStep}). */
    public long count() {
        return count;
    }

    public long sequences() {
        return sequences;
    }

    /** The objective: the loss sum scaled as the loss defines (the mean for mse and cross-entropy). */
    public double objective(Loss loss) {
        return lossSum * loss.objectiveScale(count);
    }

    /** A new array: the gradient of {@link #objective}. */
    public double[] objectiveGradient(Loss loss) {
        if (gradient == null) {
            throw new IllegalStateException("no batch was accumulated");
        }
        double scale = loss.objectiveScale(count);
        double[] out = new double[gradient.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = gradient[j] * scale;
        }
        return out;
    }

    private void checkSameLayout(long otherFingerprint, int otherSize) {
        if (otherFingerprint != layoutFingerprint || otherSize != gradient.length) {
            throw new IllegalArgumentException("cannot merge gradient sums of different models: "
                    + gradient.length + " parameters (layout " + Long.toHexString(layoutFingerprint) + ") vs "
                    + otherSize + " (layout " + Long.toHexString(otherFingerprint) + ")");
        }
    }

    /**
     * Java serialization (Spark's default serializer: task results in a user's own session) writes the same form as
     * the Kryo serializer: the sums, and the gradient as float64, or as float32 with {@link #floatWire}.
     */
    private Object writeReplace() {
        float[] floats = null;
        if (floatWire && gradient != null) {
            floats = new float[gradient.length];
            for (int j = 0; j < floats.length; j++) {
                floats[j] = (float) gradient[j];
            }
        }
        return new SerializedForm(layoutFingerprint, lossSum, count, sequences, floatWire,
                floats == null ? gradient : null, floats);
    }

    private void readObject(java.io.ObjectInputStream in) throws java.io.InvalidObjectException {
        throw new java.io.InvalidObjectException("GradientAccumulator travels as its SerializedForm");
    }

    /** The serialized form: the gradient in {@code doubles} or, on the float wire, {@code floats}; null if empty. */
    private record SerializedForm(long layoutFingerprint, double lossSum, long count, long sequences,
                                  boolean floatWire, double[] doubles, float[] floats)
            implements java.io.Serializable {
        private Object readResolve() {
            double[] gradient = doubles;
            if (floats != null) {
                gradient = new double[floats.length];
                for (int j = 0; j < gradient.length; j++) {
                    gradient[j] = floats[j];
                }
            }
            GradientAccumulator acc = GradientAccumulator.of(layoutFingerprint, gradient, lossSum, count, sequences);
            return floatWire ? acc.useFloatWire() : acc;
        }
    }

    @Override
    public String toString() {
        return isEmpty() ? "GradientAccumulator[empty]"
                : "GradientAccumulator[P=" + gradient.length + ", loss sum=" + lossSum + ", count=" + count
                  + ", sequences=" + sequences + "]";
    }
}
