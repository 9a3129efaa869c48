package org.sparkrnn.distribution;

/**
 * The special functions the forecast distributions need, in float64: softplus and its derivative as PyTorch computes
 * them ({@code F.softplus}, threshold 20), log Γ (Lanczos, g = 7, 9 terms: ~1e-15 relative), digamma (recurrence up
 * to 10, then the asymptotic series), the standard normal quantile (Wichura's AS 241, ~1e-16), the regularised
 * incomplete beta function (Lentz's continued fraction), and from it the Student-t and negative binomial
 * distribution functions and their quantiles.
 */
public final class SpecialFunctions {

    private SpecialFunctions() {
    }

    /** Above this, softplus(x) is x and its derivative 1, as in {@code torch.nn.functional.softplus}. */
    static final double SOFTPLUS_THRESHOLD = 20;

    /** log(1 + e^x), x itself above {@link #SOFTPLUS_THRESHOLD}. */
    public static double softplus(double x) {
        return x > SOFTPLUS_THRESHOLD ? x : Math.log1p(Math.exp(x));
    }

    /** d softplus / dx: the logistic function, 1 above {@link #SOFTPLUS_THRESHOLD}. */
    public static double softplusDerivative(double x) {
        if (x > SOFTPLUS_THRESHOLD) {
            return 1;
        }
        double z = Math.exp(x);
        return z / (z + 1);
    }

    /** The inverse of softplus: the x with softplus(x) = y, for y > 0. */
    public static double inverseSoftplus(double y) {
        return y > SOFTPLUS_THRESHOLD ? y : Math.log(Math.expm1(y));
    }

    private static final double[] LANCZOS = {
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
    private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

    /** log Γ(x) for x > 0. */
    public static double logGamma(double x) {
        if (!(x > 0)) {
            throw new IllegalArgumentException("log gamma of " + x);
        }
        if (x < 0.5) {
            // reflection: Γ(x) Γ(1 − x) = π / sin(πx)
            return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
        }
        double z = x - 1;
        double sum = LANCZOS[0];
        double t = z + 7.5;
        for (int k = 1; k < LANCZOS.length; k++) {
            sum += LANCZOS[k] / (z + k);
        }
        return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
    }

    /** ψ(x) = d log Γ(x) / dx for x > 0. */
    public static double digamma(double x) {
        if (!(x > 0)) {
            throw new IllegalArgumentException("digamma of " + x);
        }
        double result = 0;
        while (x < 10) {
            result -= 1 / x;
            x += 1;
        }
        double inv = 1 / x;
        double inv2 = inv * inv;
        // ln x − 1/(2x) − Σ B_2k / (2k x^2k)
        double series = inv2 * (1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 * (1.0 / 240
                - inv2 * (1.0 / 132 - inv2 * (691.0 / 32760 - inv2 / 12))))));
        return result + Math.log(x) - 0.5 * inv - series;
    }

    /** Φ⁻¹(p), the standard normal quantile, for 0 < p < 1 (Wichura 1988, algorithm AS 241, PPND16). */
    public static double normalQuantile(double p) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("a normal quantile needs 0 < p < 1, got " + p);
        }
        double q = p - 0.5;
        if (Math.abs(q) <= 0.425) {
            double r = 0.180625 - q * q;
            return q * (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r
                    + 45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r
                    + 133.14166789178437745) * r + 3.387132872796366608)
                    / (((((((r * 5226.495278852545925 + 28729.085735721942674) * r + 39307.89580009271061) * r
                    + 21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r
                    + 42.313330701600911252) * r + 1);
        }
        double r = q < 0 ? p : 1 - p;
        r = Math.sqrt(-Math.log(r));
        double value;
        if (r <= 5) {
            r -= 1.6;
            value = (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r + 0.24178072517745061177)
                    * r + 1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r
                    + 4.6303378461565452959) * r + 1.42343711074968357734)
                    / (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r
                    + 0.0151986665636164571966) * r + 0.14810397642748007459) * r + 0.68976733498510000455) * r
                    + 1.6763848301838038494) * r + 2.05319162663775882187) * r + 1);
        } else {
            r -= 5;
            value = (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r
                    + 0.0012426609473880784386) * r + 0.026532189526576123093) * r + 0.29656057182850489123) * r
                    + 1.7848265399172913358) * r + 5.4637849111641143699) * r + 6.6579046435011037772)
                    / (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r
                    + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r
                    + 0.13692988092273580531) * r + 0.59983220655588793769) * r + 1);
        }
        return q < 0 ? -value : value;
    }

    /** I_x(a, b), the regularised incomplete beta function, for a, b > 0 and 0 ≤ x ≤ 1. */
    public static double regularizedBeta(double x, double a, double b) {
        if (!(a > 0 && b > 0) || !(x >= 0 && x <= 1)) {
            throw new IllegalArgumentException("incomplete beta at x = " + x + ", a = " + a + ", b = " + b);
        }
        if (x == 0 || x == 1) {
            return x;
        }
        double logFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
        if (x < (a + 1) / (a + b + 2)) {
            return Math.exp(logFront) * betaFraction(x, a, b) / a;
        }
        return 1 - Math.exp(logFront) * betaFraction(1 - x, b, a) / b;
    }

    /** The continued fraction of the incomplete beta function (modified Lentz). */
    private static double betaFraction(double x, double a, double b) {
        final double tiny = 1e-300;
        double qab = a + b;
        double qap = a + 1;
        double qam = a - 1;
        double c = 1;
        double d = 1 - qab * x / qap;
        d = Math.abs(d) < tiny ? tiny : d;
        d = 1 / d;
        double h = d;
        for (int m = 1; m <= 10_000; m++) {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 + aa * d;
            d = Math.abs(d) < tiny ? tiny : d;
            c = 1 + aa / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 + aa * d;
            d = Math.abs(d) < tiny ? tiny : d;
            c = 1 + aa / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1) < 1e-16) {
                return h;
            }
        }
        return h;
    }

    /** P(T ≤ t) for Student's t with {@code df} degrees of freedom. */
    public static double studentTCdf(double t, double df) {
        double tail = 0.5 * regularizedBeta(df / (df + t * t), 0.5 * df, 0.5);
        return t > 0 ? 1 - tail : tail;
    }

    /** The density of Student's t with {@code df} degrees of freedom at t. */
    public static double studentTDensity(double t, double df) {
        return Math.exp(logGamma(0.5 * (df + 1)) - logGamma(0.5 * df) - 0.5 * Math.log(df * Math.PI)
                - 0.5 * (df + 1) * Math.log1p(t * t / df));
    }

    /**
     * The p-quantile of Student's t with {@code df} degrees of freedom, 0 < p < 1: Newton's method from the
     * Cornish-Fisher start, kept inside a bracket of the root (a step that leaves it bisects instead).
     */
    public static double studentTQuantile(double p, double df) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("a quantile needs 0 < p < 1, got " + p);
        }
        if (p == 0.5) {
            return 0;
        }
        double z = normalQuantile(p);
        double t = z + (z * z * z + z) / (4 * df);
        double lo = Double.NEGATIVE_INFINITY;
        double hi = Double.POSITIVE_INFINITY;
        for (int k = 0; k < 200; k++) {
            double error = studentTCdf(t, df) - p;
            if (error == 0) {
                return t;
            }
            if (error < 0) {
                lo = t;
            } else {
                hi = t;
            }
            double next = t - error / studentTDensity(t, df);
            if (!(next > lo && next < hi)) {
                next = Double.isInfinite(lo) ? (hi < 0 ? 2 * hi : hi - 1)
                        : Double.isInfinite(hi) ? (lo > 0 ? 2 * lo : lo + 1) : 0.5 * (lo + hi);
            }
            if (Math.abs(next - t) <= 1e-15 * Math.max(1, Math.abs(t))) {
                return next;
            }
            t = next;
        }
        return t;
    }

    /**
     * P(K ≤ k) for the negative binomial with mean μ and dispersion α (variance μ + α μ²): the count of successes
     * before r = 1/α failures, each trial a success with probability αμ / (1 + αμ).
     */
    public static double negativeBinomialCdf(long k, double mean, double dispersion) {
        if (k < 0) {
            return 0;
        }
        double r = 1 / dispersion;
        double failure = 1 / (1 + dispersion * mean);
        return regularizedBeta(failure, r, k + 1.0);
    }

    /** The smallest count k with P(K ≤ k) ≥ p for the negative binomial of {@link #negativeBinomialCdf}. */
    public static long negativeBinomialQuantile(double p, double mean, double dispersion) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("a quantile needs 0 < p < 1, got " + p);
        }
        long lo = -1; // P(K ≤ lo) < p
        long hi = Math.max(1, (long) Math.ceil(mean));
        while (negativeBinomialCdf(hi, mean, dispersion) < p) {
            lo = hi;
            hi *= 2;
        }
        while (hi - lo > 1) {
            long mid = lo + (hi - lo) / 2;
            if (negativeBinomialCdf(mid, mean, dispersion) < p) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }
}
