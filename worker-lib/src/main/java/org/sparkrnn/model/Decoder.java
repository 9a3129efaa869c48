package org.sparkrnn.model;

import java.util.List;
import java.util.Objects;

/**
 * The forecast decoder (MQ-RNN's "local MLP"): one small network shared by every predicted step s of a window. It
 * reads what the head would read (the encoder's last state, D·H values), then K inputs known for that step (the
 * values of {@link #features} in the input row of the step being predicted: known covariates, calendar features,
 * statics), and gives that step's P outputs:
 * <pre>
 *   u_s = relu(W_d · [h ; k_s] + b_d)      (N = hiddenSize units)
 *   y_s = W · u_s + b                       (P = outputs / steps values)
 * </pre>
 * The head's weight and bias are the last layer (P × N); the decoder adds {@code decoder.weight} (N × (D·H + K)) and
 * {@code decoder.bias} (N). The network's output of a window is y_0 .. y_{S-1} one after the other (step-major, as
 * the labels of several horizons are).
 *
 * @param hiddenSize N, at least 1
 * @param steps      S, the predicted steps of a window (the horizons), at least 1
 * @param features   which of the input row's features the decoder reads at each predicted step, in that order
 */
public record Decoder(int hiddenSize, int steps, List<Integer> features) implements java.io.Serializable {

    public Decoder {
        Objects.requireNonNull(features, "features");
        features = List.copyOf(features);
        if (hiddenSize < 1) {
            throw new IllegalArgumentException("decoder hidden size must be at least 1, got " + hiddenSize);
        }
        if (steps < 1) {
            throw new IllegalArgumentException("a decoder predicts at least 1 step, got " + steps);
        }
    }

    /** K: inputs known for each predicted step. */
    public int knownInputs() {
        return features.size();
    }

    /** The features as an array (the kernels' form). */
    public int[] featureIndices() {
        return features.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Checks the decoder against the network it sits in; null when it fits, else what is wrong. */
    String misfit(int inputSize, int outputSize, Loss loss) {
        if (loss.isClassification()) {
            return "a decoder predicts values, not classes (loss " + loss.cliName() + ")";
        }
        if (outputSize % steps != 0) {
            return outputSize + " outputs are not " + steps + " steps of equal width";
        }
        for (int f : features) {
            if (f < 0 || f >= inputSize) {
                return "decoder feature " + f + " outside the " + inputSize + " inputs";
            }
        }
        return null;
    }
}
