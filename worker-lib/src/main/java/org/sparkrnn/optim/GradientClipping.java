package org.sparkrnn.optim;

/** Global-norm clipping as {@code torch.nn.utils.clip_grad_norm_(params, max_norm)} with the L2 norm. */
public final class GradientClipping {

    private GradientClipping() {
    }

    /** The L2 norm of the whole gradient. */
    public static double globalNorm(double[] grad) {
        double sum = 0;
        for (double g : grad) {
            sum += g * g;
        }
        return Math.sqrt(sum);
    }

    /**
     * Scales {@code grad} by {@code maxNorm / (norm + 1e-6)} when that is below 1, as torch; returns the norm
     * before clipping (what torch returns and what progress lines report).
     */
    public static double clipInPlace(double[] grad, double maxNorm) {
        double norm = globalNorm(grad);
        double coefficient = maxNorm / (norm + 1e-6);
        if (coefficient < 1) {
            for (int j = 0; j < grad.length; j++) {
                grad[j] *= coefficient;
            }
        }
        return norm;
    }
}
