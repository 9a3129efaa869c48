package org.sparkrnn.distribution;

import org.sparkrnn.model.Quantiles;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The special functions against values known in closed form or tabulated (R's qnorm, qt and pnbinom, to the digits
 * R prints with {@code options(digits = 17)}), and the quantile levels as users write them.
 */
class SpecialFunctionsTest {

    @Test
    void logGammaAndDigammaMatchClosedForms() {
        assertEquals(0.5 * Math.log(Math.PI), SpecialFunctions.logGamma(0.5), 1e-15);
        assertEquals(0, SpecialFunctions.logGamma(1), 1e-15);
        assertEquals(0, SpecialFunctions.logGamma(2), 1e-15);
        assertEquals(Math.log(120), SpecialFunctions.logGamma(6), 1e-14);
        assertEquals(Math.log(3628800), SpecialFunctions.logGamma(11), 1e-13);
        assertEquals(857.93366982585743, SpecialFunctions.logGamma(200), 1e-10); // lgamma(200)
        assertEquals(-0.57721566490153286, SpecialFunctions.digamma(1), 1e-14);
        assertEquals(-0.57721566490153286 - 2 * Math.log(2), SpecialFunctions.digamma(0.5), 1e-14);
        assertEquals(1 + 0.5 - 0.57721566490153286, SpecialFunctions.digamma(3), 1e-14);
        for (double x : new double[] {0.3, 1.7, 4.2, 9.9, 10.1, 55.5}) {
            double h = 1e-5;
            double numeric = (SpecialFunctions.logGamma(x + h) - SpecialFunctions.logGamma(x - h)) / (2 * h);
            assertEquals(numeric, SpecialFunctions.digamma(x), 1e-8, "digamma(" + x + ")");
        }
    }

    @Test
    void quantilesInvertTheirDistributionFunctions() {
        assertEquals(1.959963984540054, SpecialFunctions.normalQuantile(0.975), 1e-15);
        assertEquals(-1.2815515655446004, SpecialFunctions.normalQuantile(0.1), 1e-15);
        assertEquals(-4.753424308822899, SpecialFunctions.normalQuantile(1e-6), 1e-13);
        assertEquals(2.228138851986274, SpecialFunctions.studentTQuantile(0.975, 10), 1e-12); // qt(0.975, 10)
        assertEquals(-1.8856180831641267, SpecialFunctions.studentTQuantile(0.1, 2), 1e-12);   // qt(0.1, 2)
        for (double df : new double[] {2.01, 3.5, 30, 1e4}) {
            for (double p : new double[] {0.01, 0.1, 0.5, 0.8, 0.99}) {
                assertEquals(p, SpecialFunctions.studentTCdf(SpecialFunctions.studentTQuantile(p, df), df), 1e-13);
            }
        }
        // the negative binomial's distribution function is the sum of its probabilities
        double mean = 3.7;
        double alpha = 0.4;
        double r = 1 / alpha;
        double p = alpha * mean / (1 + alpha * mean);
        double cdf = 0;
        for (int k = 0; k < 30; k++) {
            cdf += Math.exp(SpecialFunctions.logGamma(k + r) - SpecialFunctions.logGamma(k + 1)
                    - SpecialFunctions.logGamma(r) + r * Math.log(1 - p) + k * Math.log(p));
            assertEquals(cdf, SpecialFunctions.negativeBinomialCdf(k, mean, alpha), 1e-12, "P(K <= " + k + ")");
        }
        long median = SpecialFunctions.negativeBinomialQuantile(0.5, mean, alpha);
        assertTrue(SpecialFunctions.negativeBinomialCdf(median, mean, alpha) >= 0.5);
        assertTrue(SpecialFunctions.negativeBinomialCdf(median - 1, mean, alpha) < 0.5);
        assertEquals(0, SpecialFunctions.negativeBinomialQuantile(0.05, 0.01, 0.1));
        long high = SpecialFunctions.negativeBinomialQuantile(0.9, 5000, 0.01);
        assertTrue(SpecialFunctions.negativeBinomialCdf(high, 5000, 0.01) >= 0.9
                && SpecialFunctions.negativeBinomialCdf(high - 1, 5000, 0.01) < 0.9, "a large mean: " + high);
    }

    @Test
    void softplusIsPyTorchs() {
        assertEquals(Math.log(2), SpecialFunctions.softplus(0), 1e-16);
        assertEquals(25, SpecialFunctions.softplus(25), 0.0);
        assertEquals(1, SpecialFunctions.softplusDerivative(25), 0.0);
        assertEquals(0.5, SpecialFunctions.softplusDerivative(0), 1e-16);
        assertEquals(0.7, SpecialFunctions.softplus(SpecialFunctions.inverseSoftplus(0.7)), 1e-15);
    }

    @Test
    void levelsAreReadAndNamedAsUsersWriteThem() {
        assertEquals(List.of(0.05, 0.5, 0.95), Quantiles.parse("0.05, 0.5,0.95", "--quantiles"));
        assertEquals("p05", Quantiles.columnName(0.05));
        assertEquals("p50", Quantiles.columnName(0.5));
        assertEquals("p97_5", Quantiles.columnName(0.975));
        assertEquals("p01", Quantiles.columnName(0.01));
        assertEquals("p00_1", Quantiles.columnName(0.001));
        assertEquals("0.1,0.5,0.9", Quantiles.text(List.of(0.1, 0.5, 0.9)));
        assertEquals("80%", Quantiles.intervalName(0.1));
        assertEquals(2, Quantiles.centralIntervals(new double[] {0.1, 0.25, 0.5, 0.75, 0.9}).size());
        assertEquals("--quantiles: quantile level 1.2 is outside (0, 1)", assertThrows(IllegalArgumentException.class,
                () -> Quantiles.parse("0.5,1.2", "--quantiles")).getMessage());
        assertEquals("--loss quantile: quantile levels must be ascending and distinct (0.1 after 0.9)",
                assertThrows(IllegalArgumentException.class, () -> Quantiles.parse("0.9,0.1", "--loss quantile"))
                        .getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Quantiles.parse("0.1,x", "--quantiles"))
                .getMessage().contains("'x' is not a quantile level"));
    }

    @Test
    void eachLossGradientMatchesCentralDifferences() {
        double[][] raws = {{0.3, -0.7, 1.1}, {-1.2, 0.4, -0.3}, {2.0, 1.5, 0.2}};
        for (org.sparkrnn.model.Loss loss : new org.sparkrnn.model.Loss[] {org.sparkrnn.model.Loss.QUANTILE,
                org.sparkrnn.model.Loss.GAUSSIAN, org.sparkrnn.model.Loss.STUDENT_T,
                org.sparkrnn.model.Loss.NEGATIVE_BINOMIAL}) {
            ForecastHead head = ForecastHead.of(loss, loss == org.sparkrnn.model.Loss.QUANTILE
                    ? List.of(0.1, 0.5, 0.9) : List.of());
            for (double[] raw : raws) {
                for (double y : new double[] {0.0, 1.0, 3.0, 7.0}) {
                    for (double scale : new double[] {1.0, 2.5}) {
                        double target = loss == org.sparkrnn.model.Loss.NEGATIVE_BINOMIAL ? y / scale : y - 1.3;
                        double[] grad = new double[3];
                        head.lossAndGradient(raw, 0, target, scale, grad, 0);
                        for (int k = 0; k < head.parameters(); k++) {
                            double h = 1e-6;
                            double[] up = raw.clone();
                            double[] down = raw.clone();
                            up[k] += h;
                            down[k] -= h;
                            double[] unused = new double[3];
                            double numeric = (head.lossAndGradient(up, 0, target, scale, unused, 0)
                                    - head.lossAndGradient(down, 0, target, scale, unused, 0)) / (2 * h);
                            assertEquals(numeric, grad[k], 1e-8, loss.cliName() + " raw " + k + " y " + target);
                        }
                    }
                }
            }
        }
    }

    @Test
    void aDistributionsQuantilesAreItsOwn() {
        ForecastHead gaussian = ForecastHead.of(org.sparkrnn.model.Loss.GAUSSIAN, List.of());
        double[] raw = {1.5, SpecialFunctions.inverseSoftplus(2.0)};
        assertEquals(1.5 + 2 * 1.959963984540054, gaussian.quantile(raw, 0, 0.975, 1), 1e-12);
        assertEquals(1.5, gaussian.point(raw, 0, 1), 0.0);
        ForecastHead quantile = ForecastHead.of(org.sparkrnn.model.Loss.QUANTILE, List.of(0.1, 0.5, 0.9));
        double[] q = {-1, SpecialFunctions.inverseSoftplus(0.5), SpecialFunctions.inverseSoftplus(2)};
        assertEquals(-0.5, quantile.quantile(q, 0, 0.5, 1), 1e-15);
        assertEquals(1.5, quantile.quantile(q, 0, 0.9, 1), 1e-15);
        assertEquals(-0.5, quantile.point(q, 0, 1), 1e-15);
        assertEquals("a quantile model gives the levels it was trained on (0.1,0.5,0.9), not 0.25",
                assertThrows(IllegalArgumentException.class, () -> quantile.quantile(q, 0, 0.25, 1)).getMessage());
        ForecastHead counts = ForecastHead.of(org.sparkrnn.model.Loss.NEGATIVE_BINOMIAL, List.of());
        double[] nb = {SpecialFunctions.inverseSoftplus(2.0), SpecialFunctions.inverseSoftplus(0.3)};
        // a window of scale 10: mean 20 counts; its quantiles are counts, divided by the scale
        long median = SpecialFunctions.negativeBinomialQuantile(0.5, 20, 0.3);
        assertEquals(median / 10.0, counts.quantile(nb, 0, 0.5, 10), 1e-15);
        assertEquals(2.0, counts.point(nb, 0, 10), 1e-15);
    }
}
