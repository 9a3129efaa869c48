package org.sparkrnn.model;

/** The kind of recurrent cell in one layer, with its number of gates G (rows of weight_ih are G·H). */
public enum CellType {
    /** PyTorch {@code nn.LSTM}: gates i, f, g, o (Gomez's a = g). */
    LSTM(4),
    /** Elman RNN, PyTorch {@code nn.RNN}: {@code h_t = act(W x_t + U h_{t-1} + b)}. */
    RNN(1);

    private final int gateCount;

    CellType(int gateCount) {
        this.gateCount = gateCount;
    }

    public int gateCount() {
        return gateCount;
    }
}
