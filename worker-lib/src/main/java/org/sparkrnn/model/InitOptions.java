package org.sparkrnn.model;

import java.util.Objects;

/**
 * How to initialise a model.
 *
 * @param forgetGateBias the value every LSTM forget-gate bias starts at, or {@code null} to keep the scheme's own
 *                       draw (exact PyTorch parity). Default {@value #DEFAULT_FORGET_GATE_BIAS}: starting with the
 *                       forget gate open lets gradients flow through long sequences early in training
 *                       (Jozefowicz et al. 2015; Keras' {@code unit_forget_bias}).
 */
public record InitOptions(InitScheme scheme, Double forgetGateBias, long seed) {

    public static final InitScheme DEFAULT_SCHEME = InitScheme.PYTORCH_UNIFORM;
    public static final double DEFAULT_FORGET_GATE_BIAS = 1.0;
    public static final long DEFAULT_SEED = 42L;

    public InitOptions {
        Objects.requireNonNull(scheme, "scheme");
        if (forgetGateBias != null && !Double.isFinite(forgetGateBias)) {
            throw new IllegalArgumentException("forget-gate bias must be finite, got " + forgetGateBias);
        }
    }

    public static InitOptions defaults() {
        return new InitOptions(DEFAULT_SCHEME, DEFAULT_FORGET_GATE_BIAS, DEFAULT_SEED);
    }

    public InitOptions withSeed(long newSeed) {
        return new InitOptions(scheme, forgetGateBias, newSeed);
    }
}
