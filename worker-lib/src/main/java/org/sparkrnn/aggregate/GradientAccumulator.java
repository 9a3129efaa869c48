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
     * Slice {@code s} of {@code slices}: the gradient's elements {@link #sliceFrom}(s) to {@link #sliceFrom}(s + 1)
     * (copied), under a fingerprint of its own so that only the same slice of the same layout merges with it; the
     * loss sum and the counts travel in slice 0 only, so that summing each slice over many accumulators and
     * {@link #assemble assembling} the slices gives the merged accumulator. An empty accumulator's slices are empty.
     */
    public GradientAccumulator slice(int s, int slices) {
        GradientAccumulator piece = new GradientAccumulator();
        piece.floatWire = floatWire;
        if (gradient == null) {
            return piece;
        }
        int from = sliceFrom(gradient.length, s, slices);
        int to = sliceFrom(gradient.length, s + 1, slices);
        piece.gradient = java.util.Arrays.copyOfRange(gradient, from, to);
        piece.layoutFingerprint = sliceFingerprint(layoutFingerprint, s, slices);
        if (s == 0) {
            piece.lossSum = lossSum;
            piece.count = count;
            piece.sequences = sequences;
        }
        return piece;
    }

    /** The first element of slice {@code s} of a gradient of {@code size} elements cut into {@code slices}. */
    public static int sliceFrom(int size, int s, int slices) {
        if (slices < 1 || s < 0 || s > slices) {
            throw new IllegalArgumentException("slice " + s + " of " + slices);
        }
        return (int) ((long) size * s / slices);
    }

    /**
     * The accumulator whose {@link #slice slices} these are, for a layout of {@code size} parameters and
     * {@code layoutFingerprint}: empty when every slice is; a slice of another layout, or a missing one, throws.
     */
    public static GradientAccumulator assemble(GradientAccumulator[] slices, long layoutFingerprint, int size) {
        int empty = 0;
        for (GradientAccumulator piece : slices) {
            empty += piece.gradient == null ? 1 : 0;
        }
        GradientAccumulator whole = new GradientAccumulator();
        for (GradientAccumulator piece : slices) {
            whole.floatWire |= piece.floatWire;
        }
        if (empty == slices.length) {
            return whole;
        }
        if (empty > 0) {
            throw new IllegalArgumentException(empty + " of " + slices.length + " gradient slices are missing");
        }
        whole.gradient = new double[size];
        whole.layoutFingerprint = layoutFingerprint;
        for (int s = 0; s < slices.length; s++) {
            GradientAccumulator piece = slices[s];
            int from = sliceFrom(size, s, slices.length);
            int length = sliceFrom(size, s + 1, slices.length) - from;
            if (piece.layoutFingerprint != sliceFingerprint(layoutFingerprint, s, slices.length)
                    || piece.gradient.length != length) {
                throw new IllegalArgumentException("gradient slice " + s + " of " + slices.length
                        + " is not a slice of this layout");
            }
            System.arraycopy(piece.gradient, 0, whole.gradient, from, length);
            whole.lossSum += piece.lossSum;
            whole.count += piece.count;
            whole.sequences += piece.sequences;
        }
        return whole;
    }

    private static long sliceFingerprint(long layoutFingerprint, int s, int slices) {
        long z = layoutFingerprint ^ (((long) s << 32) | slices) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
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
