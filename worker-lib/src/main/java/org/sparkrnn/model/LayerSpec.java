package org.sparkrnn.model;

import java.util.Objects;

/**
 * One recurrent layer: its cell, hidden size H and (for RNN) activation.
 *
 * @param activation used by {@link CellType#RNN} only; LSTM layers always carry {@link Activation#TANH}
 */
public record LayerSpec(CellType cell, int hiddenSize, Activation activation)
        implements java.io.Serializable {

    public LayerSpec {
        Objects.requireNonNull(cell, "cell");
        Objects.requireNonNull(activation, "activation");
        if (hiddenSize < 1) {
            throw new IllegalArgumentException("hidden size must be at least 1, got " + hiddenSize);
        }
        if (cell != CellType.RNN && activation != Activation.TANH) {
            throw new IllegalArgumentException("an " + cell + " layer has fixed activations (sigmoid gates, tanh); got "
                    + activation);
        }
    }

    public static LayerSpec lstm(int hiddenSize) {
        return new LayerSpec(CellType.LSTM, hiddenSize, Activation.TANH);
    }

    public static LayerSpec gru(int hiddenSize) {
        return new LayerSpec(CellType.GRU, hiddenSize, Activation.TANH);
    }

    public static LayerSpec rnn(int hiddenSize, Activation activation) {
        return new LayerSpec(CellType.RNN, hiddenSize, activation);
    }

    /** G·H: rows of this layer's weight_ih and weight_hh. */
    public int gateRows() {
        return cell.gateCount() * hiddenSize;
    }
}
