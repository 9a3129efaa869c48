package org.sparkrnn.model;

/** The kind of recurrent cell in one layer, with its number of gates G (rows of weight_ih are G·H). */
public enum CellType implements CliNamed {
    /** PyTorch {@code nn.LSTM}: gates i, f, g, o (Gomez's a = g). */
    LSTM(4),
    /** Elman RNN, PyTorch {@code nn.RNN}: {@code h_t = act(W x_t + U h_{t-1} + b)}. */
    RNN(1),
    /**
     * PyTorch {@code nn.GRU}: gates r, z, n; {@code n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn))}, which is why it
     * keeps two biases; {@code h_t = (1−z)⊙n + z⊙h_{t−1}}.
     */
    GRU(3);

    private final int gateCount;

    CellType(int gateCount) {
        this.gateCount = gateCount;
    }

    public int gateCount() {
        return gateCount;
    }

    /** The PyTorch module name, which prefixes exported tensor names: lstm, rnn, gru. */
    public String moduleName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** GRU keeps bias_hh apart (it is inside r⊙(...)); LSTM and RNN store bias_ih + bias_hh summed. */
    public boolean hasRecurrentBias() {
        return this == GRU;
    }

    /** The name users type: {@code lstm, gru, rnn}. */
    @Override
    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
