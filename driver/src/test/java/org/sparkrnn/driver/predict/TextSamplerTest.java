package org.sparkrnn.driver.predict;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Drawing characters at a temperature: p^(1/T) renormalised. */
class TextSamplerTest {

    @Test
    void drawsFollowTheTemperedProbabilities() {
        double[] p = {0.5, 0.3, 0.2};
        assertEquals(0, TextSampler.draw(p, 0, new SplittableRandom(1)), "T = 0: the most probable");
        for (double temperature : new double[] {1.0, 0.5}) {
            double[] expected = new double[3];
            double total = 0;
            for (int k = 0; k < 3; k++) {
                expected[k] = Math.pow(p[k], 1 / temperature);
                total += expected[k];
            }
            int n = 200_000;
            int[] counts = new int[3];
            SplittableRandom random = new SplittableRandom(7);
            for (int i = 0; i < n; i++) {
                counts[TextSampler.draw(p, temperature, random)]++;
            }
            for (int k = 0; k < 3; k++) {
                // 5 standard deviations of a binomial share
                double share = expected[k] / total;
                assertEquals(share, counts[k] / (double) n, 5 * Math.sqrt(share * (1 - share) / n),
                        "T " + temperature + " class " + k);
            }
        }
    }
}
