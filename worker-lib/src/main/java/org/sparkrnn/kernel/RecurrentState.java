package org.sparkrnn.kernel;

import org.sparkrnn.model.CellType;
import org.sparkrnn.model.NetworkSpec;

import java.util.Objects;

/**
 * The hidden state of every layer for B sequences, in batch order: per layer k, {@code h[k]} (B × H_k, row-major)
 * and, for LSTM layers, the cell state {@code c[k]} (B × H_k; null for RNN layers). Used to start a forward pass
 * where another stopped (streaming inference, truncated BPTT) and returned as a forward pass's final state.
 */
public final class RecurrentState {

    private final int batchSize;
    private final double[][] h;
    private final double[][] c;

    public RecurrentState(NetworkSpec spec, int batchSize, double[][] h, double[][] c) {
        this.batchSize = batchSize;
        this.h = Objects.requireNonNull(h, "h");
        this.c = Objects.requireNonNull(c, "c");
        if (h.length != spec.layerCount() || c.length != spec.layerCount()) {
            throw new IllegalArgumentException("state has " + h.length + " layers, the network " + spec.layerCount());
        }
        for (int k = 0; k < h.length; k++) {
            int size = batchSize * spec.layer(k).hiddenSize();
            if (h[k] == null || h[k].length != size) {
                throw new IllegalArgumentException("layer " + k + " h must hold " + batchSize + " × "
                        + spec.layer(k).hiddenSize() + " values");
            }
            boolean lstm = spec.layer(k).cell() == CellType.LSTM;
            if (lstm ? c[k] == null || c[k].length != size : c[k] != null) {
                throw new IllegalArgumentException("layer " + k + " c must be " + (lstm ? "B × H values" : "null (RNN)"));
            }
        }
    }

    /** All zeros, the state every sequence starts from by default. */
    public static RecurrentState zeros(NetworkSpec spec, int batchSize) {
        double[][] h = new double[spec.layerCount()][];
        double[][] c = new double[spec.layerCount()][];
        for (int k = 0; k < h.length; k++) {
            int size = batchSize * spec.layer(k).hiddenSize();
            h[k] = new double[size];
            c[k] = spec.layer(k).cell() == CellType.LSTM ? new double[size] : null;
        }
        return new RecurrentState(spec, batchSize, h, c);
    }

    public int batchSize() {
        return batchSize;
    }

    /** Layer k's hidden output, B × H_k; read only. */
    public double[] h(int k) {
        return h[k];
    }

    /** Layer k's cell state (LSTM), B × H_k, or null; read only. */
    public double[] c(int k) {
        return c[k];
    }
}
