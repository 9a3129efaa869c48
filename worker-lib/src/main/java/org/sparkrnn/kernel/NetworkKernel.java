package org.sparkrnn.kernel;

import org.sparkrnn.aggregate.GradientAccumulator;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.model.NetworkSpec;
import org.sparkrnn.model.ParameterLayout;

/**
 * Forward pass and backpropagation through time for a whole batch of variable-length sequences, on one thread.
 * Create one per thread (it owns a workspace that is reused across batches and grows to the largest batch seen).
 * Parameters come in and sums go out as float64 whatever the compute {@link Precision}.
 */
public interface NetworkKernel {

    /**
     * @param bpttTruncation 0 for full BPTT; k &gt; 0 for truncated BPTT: steps are processed k at a time, the state
     *                       is carried forward across chunk borders and the gradient is cut there, so workspace memory
     *                       is bounded by k·B rows whatever the sequence length
     */
    static NetworkKernel create(NetworkSpec spec, Precision precision, int bpttTruncation) {
        return switch (precision) {
            case FLOAT64 -> new PrecisionKernel<>(spec, DoubleNumerics.INSTANCE, bpttTruncation);
            case FLOAT32 -> new PrecisionKernel<>(spec, FloatNumerics.INSTANCE, bpttTruncation);
        };
    }

    static NetworkKernel create(NetworkSpec spec, Precision precision) {
        return create(spec, precision, 0);
    }

    NetworkSpec spec();

    ParameterLayout layout();

    Precision precision();

    int bpttTruncation();

    /**
     * Adds the batch's loss sum, gradient sum, labelled-unit count and sequence count into {@code into}, every
     * sequence starting from a zero state.
     */
    void accumulate(double[] params, SequenceBatch batch, GradientAccumulator into);

    /** As {@link #accumulate(double[], SequenceBatch, GradientAccumulator)}, starting from {@code initial}. */
    void accumulate(double[] params, SequenceBatch batch, RecurrentState initial, GradientAccumulator into);

    /**
     * As {@link #accumulate(double[], SequenceBatch, RecurrentState, GradientAccumulator)} with the dropout masks of
     * {@code dropoutSeed} (see {@link DropoutMask}; the other forms use seed 0). Training passes a seed per
     * iteration; a network without dropout ignores it.
     */
    void accumulate(double[] params, SequenceBatch batch, RecurrentState initial, GradientAccumulator into,
                    long dropoutSeed);

    /** Inference: head outputs and final states; labels are ignored. {@code initial} may be null (zeros). */
    ForwardResult forward(double[] params, SequenceBatch batch, OutputMode mode, RecurrentState initial);
}
