package org.sparkrnn.optim;

/**
 * One update of the flat parameter array by the rule and hyper-parameters of {@link OptimizerSettings}, line for
 * line as {@code torch.optim}'s single-tensor implementations (torch 1.13/2.x): weight decay is added to the
 * gradient first, then the rule's own arithmetic. Only {@code params} and {@code state} change.
 */
public final class Optimizer {

    private final OptimizerSettings settings;

    public Optimizer(OptimizerSettings settings) {
        this.settings = settings;
    }

    public OptimizerSettings settings() {
        return settings;
    }

    /** A fresh state (step 0, no slots). */
    public OptimizerState init() {
        return new OptimizerState();
    }

    /** θ ← update(θ, g) with learning rate {@code lr}; {@code grad} is read only. */
    public void stepInPlace(double[] params, double[] grad, OptimizerState state, double lr) {
        if (params.length != grad.length) {
            throw new IllegalArgumentException(params.length + " parameters but " + grad.length + " gradient values");
        }
        state.advance();
        switch (settings.kind()) {
            case SGD -> sgd(params, grad, state, lr);
            case ADAM -> adam(params, grad, state, lr);
            case RMSPROP -> rmsprop(params, grad, state, lr);
            case ADAGRAD -> adagrad(params, grad, state, lr);
        }
    }

    private double decayed(double[] params, double[] grad, int j) {
        return settings.weightDecay() == 0 ? grad[j] : grad[j] + settings.weightDecay() * params[j];
    }

    private void sgd(double[] params, double[] grad, OptimizerState state, double lr) {
        double momentum = settings.momentum();
        if (momentum == 0) {
            for (int j = 0; j < params.length; j++) {
                params[j] -= lr * decayed(params, grad, j);
            }
            return;
        }
        boolean first = !state.has("momentum_buffer");
        double[] buf = state.slot("momentum_buffer", params.length, 0);
        double keep = 1 - settings.dampening();
        for (int j = 0; j < params.length; j++) {
            double d = decayed(params, grad, j);
            buf[j] = first ? d : momentum * buf[j] + keep * d;  // torch clones d_p on the first step
            double step = settings.nesterov() ? d + momentum * buf[j] : buf[j];
            params[j] -= lr * step;
        }
    }

    private void adam(double[] params, double[] grad, OptimizerState state, double lr) {
        double b1 = settings.beta1();
        double b2 = settings.beta2();
        double[] m = state.slot("exp_avg", params.length, 0);
        double[] v = state.slot("exp_avg_sq", params.length, 0);
        long t = state.step();
        double biasCorrection1 = 1 - Math.pow(b1, t);
        double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(b2, t));
        double stepSize = lr / biasCorrection1;
        for (int j = 0; j < params.length; j++) {
            double g = decayed(params, grad, j);
            m[j] = m[j] * b1 + g * (1 - b1);
            v[j] = v[j] * b2 + (1 - b2) * g * g;
            double denom = Math.sqrt(v[j]) / biasCorrection2Sqrt + settings.eps();
            params[j] -= stepSize * (m[j] / denom);
        }
    }

    private void rmsprop(double[] params, double[] grad, OptimizerState state, double lr) {
        double alpha = settings.alpha();
        double[] squareAvg = state.slot("square_avg", params.length, 0);
        double[] gradAvg = settings.centered() ? state.slot("grad_avg", params.length, 0) : null;
        double[] buf = settings.momentum() > 0 ? state.slot("momentum_buffer", params.length, 0) : null;
        for (int j = 0; j < params.length; j++) {
            double g = decayed(params, grad, j);
            squareAvg[j] = squareAvg[j] * alpha + (1 - alpha) * g * g;
            double avg;
            if (gradAvg != null) {
                gradAvg[j] = gradAvg[j] * alpha + (1 - alpha) * g;
                avg = Math.sqrt(squareAvg[j] - gradAvg[j] * gradAvg[j]) + settings.eps();
            } else {
                avg = Math.sqrt(squareAvg[j]) + settings.eps();
            }
            if (buf != null) {
                buf[j] = buf[j] * settings.momentum() + g / avg;
                params[j] -= lr * buf[j];
            } else {
                params[j] -= lr * (g / avg);
            }
        }
    }

    private void adagrad(double[] params, double[] grad, OptimizerState state, double lr) {
        double[] sum = state.slot("sum", params.length, settings.initialAccumulator());
        double clr = lr / (1 + (state.step() - 1) * settings.lrDecay());
        for (int j = 0; j < params.length; j++) {
            double g = decayed(params, grad, j);
            sum[j] += g * g;
            double std = Math.sqrt(sum[j]) + settings.eps();
            params[j] -= clr * (g / std);
        }
    }
}
