package org.sparkrnn.model;

/** How fresh weights are drawn. Both are seeded and give the same values on every JVM. */
public enum InitScheme implements CliNamed {
    /**
     * PyTorch's default for {@code nn.LSTM}/{@code nn.RNN}/{@code nn.Linear}: every weight uniform(−1/√H, 1/√H)
     * (the head: 1/√H_L); each layer's bias is the sum of two such draws, as PyTorch's bias_ih + bias_hh.
     */
    PYTORCH_UNIFORM,
    /**
     * Xavier/Glorot uniform for input weights (per gate block, fan-in I, fan-out H), an orthogonal matrix for each
     * H × H recurrent gate block, zero biases; the head is Xavier uniform with zero bias.
     */
    XAVIER_ORTHOGONAL;

    /** The name users type: {@code pytorch}, {@code xavier-orthogonal}. */
    @Override
    public String cliName() {
        return this == PYTORCH_UNIFORM ? "pytorch" : "xavier-orthogonal";
    }
}
