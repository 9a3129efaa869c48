package org.sparkrnn.model;

import java.util.List;
import java.util.Objects;

/**
 * The architecture: input size I, a stack of recurrent layers (H1..HL), a dense head with V outputs, and the loss,
 * which also fixes the task (regression: identity head; classification: softmax head over V = K classes).
 *
 * @param bidirectional every layer runs a forward and a reverse pass whose outputs are concatenated (D = 2
 *                      directions; PyTorch's {@code bidirectional=True})
 * @param dropout       inverted dropout on the outputs of every layer but the top one while training (PyTorch's
 *                      {@code dropout=}), in [0, 1)
 * @param pooling       what a many-to-one head reads over the steps (null = {@link Pooling#LAST})
 * @param decoder       null: the head reads the encoder's state and gives all V outputs; else the {@link Decoder}
 *                      between them, run once per predicted step with that step's known inputs
 */
public record NetworkSpec(int inputSize, List<LayerSpec> layers, int outputSize, Loss loss, boolean bidirectional,
                          double dropout, Pooling pooling, Decoder decoder, List<Double> quantiles)
        implements java.io.Serializable {

    /** No quantile levels (any loss but {@link Loss#QUANTILE}). */
    public NetworkSpec(int inputSize, List<LayerSpec> layers, int outputSize, Loss loss, boolean bidirectional,
                       double dropout, Pooling pooling, Decoder decoder) {
        this(inputSize, layers, outputSize, loss, bidirectional, dropout, pooling, decoder, List.of());
    }

    /** No decoder. */
    public NetworkSpec(int inputSize, List<LayerSpec> layers, int outputSize, Loss loss, boolean bidirectional,
                       double dropout, Pooling pooling) {
        this(inputSize, layers, outputSize, loss, bidirectional, dropout, pooling, null);
    }

    /** A unidirectional network without dropout whose head reads the last state. */
    public NetworkSpec(int inputSize, List<LayerSpec> layers, int outputSize, Loss loss) {
        this(inputSize, layers, outputSize, loss, false, 0, Pooling.LAST, null);
    }

    /** This network with {@code decoder} between the encoder and the head. */
    public NetworkSpec withDecoder(Decoder decoder) {
        return new NetworkSpec(inputSize, layers, outputSize, loss, bidirectional, dropout, pooling, decoder,
                quantiles);
    }

    /** This network with {@code loss} (and its quantile levels, empty unless it is {@link Loss#QUANTILE}). */
    public NetworkSpec withLoss(Loss loss, List<Double> quantiles) {
        return new NetworkSpec(inputSize, layers, outputSize, loss, bidirectional, dropout, pooling, decoder,
                quantiles);
    }

    public NetworkSpec {
        Objects.requireNonNull(layers, "layers");
        Objects.requireNonNull(loss, "loss");
        pooling = pooling == null ? Pooling.LAST : pooling;
        layers = List.copyOf(layers);
        quantiles = quantiles == null ? List.of() : List.copyOf(quantiles);
        if ((loss == Loss.QUANTILE) != !quantiles.isEmpty()) {
            throw new IllegalArgumentException(loss == Loss.QUANTILE ? "a quantile loss needs its levels"
                    : "loss " + loss.cliName() + " takes no quantile levels");
        }
        for (int k = 0; k < quantiles.size(); k++) {
            double level = quantiles.get(k);
            if (!(level > 0 && level < 1) || k > 0 && !(level > quantiles.get(k - 1))) {
                throw new IllegalArgumentException("quantile levels must be ascending in (0, 1): " + quantiles);
            }
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
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
        String misfit = decoder == null ? null : decoder.misfit(inputSize, outputSize, loss);
        if (misfit != null) {
            throw new IllegalArgumentException(misfit);
        }
    }

    /** Whether a {@link Decoder} sits between the encoder and the head. */
    public boolean hasDecoder() {
        return decoder != null;
    }

    /** What the output layer reads: D·H_L, or the decoder's N units. */
    public int outputLayerInputSize() {
        return decoder == null ? headInputSize() : decoder.hiddenSize();
    }

    /** The output layer's width: the head's, or its share per predicted step (/ S) with a decoder. */
    public int outputLayerSize() {
        return decoder == null ? headWidth() : headWidth() / decoder.steps();
    }

    /**
     * The head's outputs per label row: V values, each as {@link #parametersPerValue()} numbers (quantiles or a
     * distribution's parameters, value-major).
     */
    public int headWidth() {
        return outputSize * parametersPerValue();
    }

    /** The head's outputs per predicted value: 1, or those of a probabilistic loss. */
    public int parametersPerValue() {
        return loss.outputsPerValue(quantiles.size());
    }


    public int layerCount() {
        return layers.size();
    }

    public LayerSpec layer(int k) {
        return layers.get(k);
    }

    /** D: 2 for bidirectional layers, else 1. */
    public int directions() {
        return bidirectional ? 2 : 1;
    }

    /** Input size of layer k: I for the first layer, the output size D·H of the layer below otherwise. */
    public int layerInputSize(int k) {
        return k == 0 ? inputSize : layerOutputSize(k - 1);
    }

    /** D·H_k: layer k's output, both directions concatenated. */
    public int layerOutputSize(int k) {
        return directions() * layers.get(k).hiddenSize();
    }

    /** D·H_L, the size of the vector the head reads. */
    public int headInputSize() {
        return layerOutputSize(layers.size() - 1);
    }

    public int maxHiddenSize() {
        int max = 0;
        for (LayerSpec layer : layers) {
            max = Math.max(max, layer.hiddenSize());
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
            sb.append(bidirectional ? "bi" : "")
              .append(layer.cell() == CellType.RNN ? "rnn_" + layer.activation().name().toLowerCase()
                      : layer.cell().moduleName())
              .append('(').append(layer.hiddenSize()).append(')');
        }
        if (dropout > 0) {
            sb.append(" dropout ").append(dropout);
        }
        if (pooling != Pooling.LAST) {
            sb.append(" pool ").append(pooling.cliName());
        }
        if (decoder != null) {
            sb.append(" decoder(").append(decoder.hiddenSize()).append(" x ").append(decoder.steps())
              .append(" steps, ").append(decoder.knownInputs()).append(" known)");
        }
        return sb.append(" -> ").append(outputSize).append(" (").append(loss.cliName())
                .append(quantiles.isEmpty() ? "" : ":" + Quantiles.text(quantiles))
                .append(')').toString();
    }
}
