package org.sparkrnn.model;

/** Nonlinearity of a simple RNN layer. LSTM layers always use sigmoid gates and tanh as in PyTorch. */
public enum Activation implements CliNamed {
    TANH,
    /** The linear RNN of the chain-rule example: {@code h_t = W x_t + U h_{t-1} + b}. */
    IDENTITY;

    /** The name users type: {@code tanh, identity}. */
    @Override
    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
