package org.sparkrnn.distribution;

import org.sparkrnn.model.Loss;
import org.sparkrnn.model.NetworkSpec;
import org.sparkrnn.model.Quantiles;

import java.util.List;

import static org.sparkrnn.distribution.SpecialFunctions.digamma;
import static org.sparkrnn.distribution.SpecialFunctions.logGamma;
import static org.sparkrnn.distribution.SpecialFunctions.softplus;
import static org.sparkrnn.distribution.SpecialFunctions.softplusDerivative;

/**
 * What the head's outputs for one predicted value mean under a probabilistic loss, and that loss: the head emits
 * {@link #parameters()} raw numbers per value (value-major: value e's are {@code raw[e·P .. e·P + P − 1]}), mapped
 * here to quantiles or to a distribution's parameters, in the model's units (after the target's scaling).
 *
 * <ul>
 *   <li>{@code quantile:τ_1,..,τ_Q} (ascending): q_1 = r_1 and q_k = q_{k−1} + softplus(r_k), so the quantiles never
 *   cross; the loss of a value is the mean over levels of the pinball loss max(τ (y − q), (τ − 1)(y − q)).</li>
 *   <li>{@code gaussian}: μ = r_1, σ = softplus(r_2); the loss is −log N(y; μ, σ).</li>
 *   <li>{@code student-t}: μ = r_1, σ = softplus(r_2), ν = 2 + softplus(r_3) (a finite variance, as GluonTS);
 *   the loss is −log t_ν(y; μ, σ).</li>
 *   <li>{@code negative-binomial} (counts, as DeepAR): μ = softplus(r_1) · s, α = softplus(r_2) (variance μ + αμ²);
 *   the loss is −log NB(y · s; μ, α) with s the window's label scale (its series' mean, {@code --normalize
 *   series}; 1 without it): the count in the data's own units, the mean scaled as DeepAR scales it.</li>
 * </ul>
 *
 * Losses and gradients are in float64 whatever the kernel's precision; each matches {@code torch.distributions}
 * ({@code TorchDistributionGoldenTest}). Immutable.
 */
public final class ForecastHead implements java.io.Serializable {

    private static final long serialVersionUID = 1L;
    private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
    private static final double HALF_LOG_PI = 0.5 * Math.log(Math.PI);

    private final Loss loss;
    private final double[] levels;

    private ForecastHead(Loss loss, double[] levels) {
        this.loss = loss;
        this.levels = levels;
    }

    /** The head of {@code loss} ({@code quantiles}: the levels of a quantile loss, else empty). */
    /** What {@code spec}'s head outputs mean under its probabilistic loss, or null (one number per value). */
    public static ForecastHead of(NetworkSpec spec) {
        return spec.loss().isProbabilistic() ? of(spec.loss(), spec.quantiles()) : null;
    }

    public static ForecastHead of(Loss loss, List<Double> quantiles) {
        if (!loss.isProbabilistic()) {
            throw new IllegalArgumentException("loss " + loss.cliName() + " gives one number per value");
        }
        double[] levels = quantiles.stream().mapToDouble(Double::doubleValue).toArray();
        if ((loss == Loss.QUANTILE) != (levels.length > 0)) {
            throw new IllegalArgumentException(loss == Loss.QUANTILE ? "a quantile loss needs its levels"
                    : "loss " + loss.cliName() + " takes no quantile levels");
        }
        return new ForecastHead(loss, levels);
    }

    public Loss loss() {
        return loss;
    }

    /** P: raw outputs per predicted value. */
    public int parameters() {
        return loss.outputsPerValue(levels.length);
    }


    /** The trained levels of a quantile loss (a copy), empty for a distribution. */
    public double[] levels() {
        return levels.clone();
    }

    /**
     * The loss of one value (y in the model's units, s its window's label scale) from its raw outputs
     * {@code raw[offset ..]}; writes dLoss/draw to {@code grad[gradOffset ..]}.
     */
    public double lossAndGradient(double[] raw, int offset, double y, double scale, double[] grad, int gradOffset) {
        switch (loss) {
            case QUANTILE -> {
                int q = levels.length;
                double sum = 0;
                double quantile = 0;
                // forward: the quantiles and each level's d loss / d q_k, into grad
                for (int k = 0; k < q; k++) {
                    quantile = k == 0 ? raw[offset] : quantile + softplus(raw[offset + k]);
                    double tau = levels[k];
                    double error = y - quantile;
                    sum += Math.max(tau * error, (tau - 1) * error);
                    grad[gradOffset + k] = (error > 0 ? -tau : error < 0 ? 1 - tau : 0.5 - tau) / q;
                }
                // backward through the cumulative sum: dL/dr_k = (Σ_{j ≥ k} dL/dq_j) · softplus'(r_k), k > 0
                double tail = 0;
                for (int k = q - 1; k >= 0; k--) {
                    tail += grad[gradOffset + k];
                    grad[gradOffset + k] = k == 0 ? tail : tail * softplusDerivative(raw[offset + k]);
                }
                return sum / q;
            }
            case GAUSSIAN -> {
                double mu = raw[offset];
                double sigma = softplus(raw[offset + 1]);
                double z = (y - mu) / sigma;
                grad[gradOffset] = -z / sigma;
                grad[gradOffset + 1] = (1 - z * z) / sigma * softplusDerivative(raw[offset + 1]);
                return Math.log(sigma) + HALF_LOG_TWO_PI + 0.5 * z * z;
            }
            case STUDENT_T -> {
                double mu = raw[offset];
                double sigma = softplus(raw[offset + 1]);
                double nu = 2 + softplus(raw[offset + 2]);
                double z = (y - mu) / sigma;
                double z2 = z * z;
                double log1p = Math.log1p(z2 / nu);
                grad[gradOffset] = -(nu + 1) * z / (sigma * (nu + z2));
                grad[gradOffset + 1] = (1 - (nu + 1) * z2 / (nu + z2)) / sigma
                        * softplusDerivative(raw[offset + 1]);
                grad[gradOffset + 2] = (0.5 * log1p - 0.5 * (nu + 1) * z2 / (nu * (nu + z2)) + 0.5 / nu
                        + 0.5 * (digamma(0.5 * nu) - digamma(0.5 * (nu + 1)))) * softplusDerivative(raw[offset + 2]);
                return 0.5 * (nu + 1) * log1p + Math.log(sigma) + 0.5 * Math.log(nu) + HALF_LOG_PI
                        + logGamma(0.5 * nu) - logGamma(0.5 * (nu + 1));
            }
            case NEGATIVE_BINOMIAL -> {
                double k = y * scale;
                if (!(k >= 0)) {
                    throw new IllegalArgumentException("a negative binomial counts: target " + k + " is negative");
                }
                double mu = softplus(raw[offset]) * scale;
                double alpha = softplus(raw[offset + 1]);
                double r = 1 / alpha;
                double am = alpha * mu;
                double log1pAm = Math.log1p(am);
                // log NB(k) = lgamma(k + r) − lgamma(k + 1) − lgamma(r) − r log(1 + αμ) + k log(αμ / (1 + αμ))
                double logProb = logGamma(k + r) - logGamma(k + 1) - logGamma(r) - r * log1pAm
                        + (k == 0 ? 0 : k * (Math.log(am) - log1pAm));
                double dMu = (k - mu) / (mu * (1 + am));
                double dAlpha = log1pAm / (alpha * alpha) - mu / (alpha * (1 + am)) + k / alpha - k * mu / (1 + am)
                        - (digamma(k + r) - digamma(r)) / (alpha * alpha);
                grad[gradOffset] = -dMu * scale * softplusDerivative(raw[offset]);
                grad[gradOffset + 1] = -dAlpha * softplusDerivative(raw[offset + 1]);
                return -logProb;
            }
            default -> throw new IllegalStateException(loss.cliName());
        }
    }

    /**
     * The {@code level} quantile of one value, in the model's units (a count divided by its window's label scale s
     * for the negative binomial). A quantile model answers only its trained levels.
     */
    public double quantile(double[] raw, int offset, double level, double scale) {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("a quantile level must be in (0, 1), got " + level);
        }
        return switch (loss) {
            case QUANTILE -> {
                int at = trainedLevel(level);
                if (at < 0) {
                    throw new IllegalArgumentException("a quantile model gives the levels it was trained on ("
                            + levelsText() + "), not " + level);
                }
                double q = raw[offset];
                for (int k = 1; k <= at; k++) {
                    q += softplus(raw[offset + k]);
                }
                yield q;
            }
            case GAUSSIAN -> raw[offset] + softplus(raw[offset + 1]) * SpecialFunctions.normalQuantile(level);
            case STUDENT_T -> raw[offset] + softplus(raw[offset + 1])
                    * SpecialFunctions.studentTQuantile(level, 2 + softplus(raw[offset + 2]));
            case NEGATIVE_BINOMIAL -> SpecialFunctions.negativeBinomialQuantile(level,
                    softplus(raw[offset]) * scale, softplus(raw[offset + 1])) / scale;
            default -> throw new IllegalStateException(loss.cliName());
        };
    }

    /**
     * The point forecast of one value in the model's units: the distribution's mean, or a quantile model's median
     * (its level nearest 0.5, the lower of two as near).
     */
    public double point(double[] raw, int offset, double scale) {
        return switch (loss) {
            case QUANTILE -> quantile(raw, offset, levels[medianLevel()], scale);
            case GAUSSIAN, STUDENT_T -> raw[offset];
            case NEGATIVE_BINOMIAL -> softplus(raw[offset]);
            default -> throw new IllegalStateException(loss.cliName());
        };
    }

    /** The index of a quantile model's level nearest 0.5 (the lower of two as near): its point forecast's. */
    public int medianLevel() {
        int best = 0;
        for (int k = 1; k < levels.length; k++) {
            if (Math.abs(levels[k] - 0.5) < Math.abs(levels[best] - 0.5)) {
                best = k;
            }
        }
        return best;
    }

    /**
     * Refuses levels this head cannot answer: a quantile model gives the levels it was trained on, a distribution any
     * in (0, 1).
     */
    public void checkLevels(double[] asked) {
        for (double level : asked) {
            if (!(level > 0 && level < 1)) {
                throw new IllegalArgumentException("a quantile level must be in (0, 1), got " + level);
            }
            if (levels.length > 0 && trainedLevel(level) < 0) {
                throw new IllegalArgumentException("a quantile model gives the levels it was trained on ("
                        + levelsText() + "), not " + level);
            }
        }
    }

    /** The index of {@code level} among the trained levels (to 1e-12), or −1. */
    public int trainedLevel(double level) {
        for (int k = 0; k < levels.length; k++) {
            if (Math.abs(levels[k] - level) < 1e-12) {
                return k;
            }
        }
        return -1;
    }

    /** The trained levels as the option gives them: {@code 0.1,0.5,0.9}. */
    public String levelsText() {
        StringBuilder text = new StringBuilder();
        for (double level : levels) {
            text.append(text.length() == 0 ? "" : ",").append(Quantiles.text(level));
        }
        return text.toString();
    }
}
