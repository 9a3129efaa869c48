package org.sparkrnn.model;

import java.util.List;
import java.util.Objects;

/**
 * The architecture: input size I, a stack of recurrent layers (H1..HL), a dense head with V outputs, and the loss,
 * which also fixes the task (regression: identity head; classification: softmax head over V = K classes).
 */
public record NetworkSpec(int inputSize, List<LayerSpec> layers, int outputSize, Loss loss)
        implements java.io.Serializable {

    public NetworkSpec {
        Objects.requireNonNull(layers, "layers");
        Objects.requireNonNull(loss, "loss");
        layers = List.copyOf(layers);
        if (inputSize < 1) {
            throw new IllegalArgumentException("input size must be at least 1, got " + inputSize);
        }
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a network needs at least one recurrent layer");
        }
        if (outputSize < 1) {
            throw new IllegalArgumentException("output size must be at least 1, got " + outputSize);
        }
        if (loss.isClassification() && outputSize < 2) {
            throw new IllegalArgumentException("classification needs at least 2 classes, got " + outputSize);
        }
    }

    public int layerCount() {
        return layers.size();
    }

    public LayerSpec layer(int k) {
        return layers.get(k);
    }

    /** Input size of layer k: I for the first layer, the hidden size of the layer below otherwise. */
    public int layerInputSize(int k) {
        return k == 0 ? inputSize : layers.get(k - 1).hiddenSize();
    }

    /** H_L, the size of the vector the head reads. */
    public int topHiddenSize() {
        return layers.get(layers.size() - 1).hiddenSize();
    }

    public int maxHiddenSize() {
        int max = 0;
        for (LayerSpec layer : layers) {
            max = Math.max(max, layer.hiddenSize());
        }
        return max;
    }

    public int maxGateRows() {
        int max = 0;
        for (LayerSpec layer : layers) {
            max = Math.max(max, layer.gateRows());
        }
        return max;
    }

    /** A readable one-liner such as {@code I=8 lstm(64)-rnn_tanh(32) -> 1 (mse)}. */
    public String describe() {
        StringBuilder sb = new StringBuilder("I=").append(inputSize).append(' ');
        for (int k = 0; k < layers.size(); k++) {
            LayerSpec layer = layers.get(k);
            if (k > 0) {
                sb.append('-');
            }
            sb.append(layer.cell() == CellType.LSTM ? "lstm" : "rnn_" + layer.activation().name().toLowerCase())
              .append('(').append(layer.hiddenSize()).append(')');
        }
        return sb.append(" -> ").append(outputSize).append(" (").append(loss.cliName()).append(')').toString();
    }
}
