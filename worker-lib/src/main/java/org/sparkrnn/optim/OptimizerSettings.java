package org.sparkrnn.optim;

import java.util.Objects;

/**
 * Every hyper-parameter of every update rule, with {@code torch.optim}'s defaults; the one place they are written.
 * Fields a rule does not use are ignored by it.
 *
 * @param momentum        SGD and RMSprop momentum (torch default 0)
 * @param dampening       SGD dampening (0)
 * @param nesterov        SGD Nesterov momentum (false; needs momentum &gt; 0 and dampening 0, as torch)
 * @param weightDecay     L2 penalty added to the gradient inside the step, as torch's {@code weight_decay} (0)
 * @param beta1           Adam β1 (0.9)
 * @param beta2           Adam β2 (0.999)
 * @param eps             Adam 1e-8, RMSprop 1e-8, Adagrad 1e-10 ({@link #defaultsFor})
 * @param alpha           RMSprop smoothing constant (0.99)
 * @param centered        RMSprop centered variant (false)
 * @param lrDecay         Adagrad learning-rate decay (0)
 * @param initialAccumulator Adagrad initial accumulator value (0)
 */
public record OptimizerSettings(OptimizerKind kind, double momentum, double dampening, boolean nesterov,
                                double weightDecay, double beta1, double beta2, double eps, double alpha,
                                boolean centered, double lrDecay, double initialAccumulator) {

    public static final double DEFAULT_MOMENTUM = 0.0;
    public static final double DEFAULT_WEIGHT_DECAY = 0.0;
    public static final double DEFAULT_BETA1 = 0.9;
    public static final double DEFAULT_BETA2 = 0.999;
    public static final double DEFAULT_ALPHA = 0.99;

    public OptimizerSettings {
        Objects.requireNonNull(kind, "kind");
        requireAtLeastZero("momentum", momentum);
        requireAtLeastZero("weight decay", weightDecay);
        requireAtLeastZero("lr decay", lrDecay);
        requireAtLeastZero("initial accumulator", initialAccumulator);
        if (!(eps > 0)) {
            throw new IllegalArgumentException("eps must be > 0, got " + eps);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Adam betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(alpha >= 0)) {
            throw new IllegalArgumentException("RMSprop alpha must be >= 0, got " + alpha);
        }
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("Nesterov momentum requires a momentum > 0 and zero dampening");
        }
    }

    /** torch's defaults for {@code kind}. */
    public static OptimizerSettings defaultsFor(OptimizerKind kind) {
        double eps = kind == OptimizerKind.ADAGRAD ? 1e-10 : 1e-8;
        return new OptimizerSettings(kind, DEFAULT_MOMENTUM, 0.0, false, DEFAULT_WEIGHT_DECAY, DEFAULT_BETA1,
                DEFAULT_BETA2, eps, DEFAULT_ALPHA, false, 0.0, 0.0);
    }

    public OptimizerSettings withMomentum(double value, boolean useNesterov) {
        return new OptimizerSettings(kind, value, dampening, useNesterov, weightDecay, beta1, beta2, eps, alpha,
                centered, lrDecay, initialAccumulator);
    }

    public OptimizerSettings withWeightDecay(double value) {
        return new OptimizerSettings(kind, momentum, dampening, nesterov, value, beta1, beta2, eps, alpha,
                centered, lrDecay, initialAccumulator);
    }

    private static void requireAtLeastZero(String name, double value) {
        if (!(value >= 0)) {
            throw new IllegalArgumentException(name + " must be >= 0, got " + value);
        }
    }
}
