package org.sparkrnn.kernel;

/**
 * What an inference forward pass returns: the head outputs (regression: the values; classification: the softmax
 * probabilities), {@code rows × V} row-major with rows as {@link OutputMode} says, and each sequence's final state.
 */
public record ForwardResult(OutputMode mode, int outputSize, double[] outputs, RecurrentState finalState) {

    public int rows() {
        return outputs.length / outputSize;
    }

    public double output(int row, int j) {
        return outputs[row * outputSize + j];
    }
}
