package org.sparkrnn.evaluate;

import org.junit.jupiter.api.Test;
import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBatch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The forecasting metrics by hand: weighted quantile loss, interval coverage, sMAPE and MASE on a few values whose
 * sums are written out; merging two halves gives the whole; and the seasonal naive's residual quantiles and MASE
 * scale on windows whose residuals are known.
 */
class ForecastSumsTest {

    @Test
    void metricsByHand() {
        double[] levels = {0.1, 0.5, 0.9};
        ForecastSums sums = new ForecastSums(levels, 2);
        // value 0: y = 10, point 12, quantiles 8, 12, 15 (inside the 80% interval)
        sums.add(0, 10, 12, new double[] {8, 12, 15}, 2);
        // value 1: y = 20, point 15, quantiles 11, 15, 18 (outside)
        sums.add(1, 20, 15, new double[] {11, 15, 18}, 4);
        // pinball: value 0: 0.1·2 + 0.5·2 + 0.1·5 = 1.7 ... τ=0.1: y−q = 2 → 0.2; τ=0.5: −2 → 1.0; τ=0.9: −5 → 0.5
        //          value 1: τ=0.1: 9 → 0.9; τ=0.5: 5 → 2.5; τ=0.9: 2 → 1.8
        assertEquals(2 * (0.2 + 0.9) / 30, sums.weightedQuantileLoss(0), 1e-15);
        assertEquals(2 * (1.0 + 2.5) / 30, sums.weightedQuantileLoss(1), 1e-15);
        assertEquals((2 * 1.1 / 30 + 2 * 3.5 / 30 + 2 * 2.3 / 30) / 3, sums.meanWeightedQuantileLoss(), 1e-15);
        assertEquals(2 * (0.2 + 1.0 + 0.5) / 10 / 3, sums.meanWeightedQuantileLoss(0), 1e-15);
        assertEquals(1, sums.intervals().size());
        assertEquals(0.5, sums.coverage(0), 0.0);
        assertEquals(1.0, sums.coverage(0, 0), 0.0);
        assertEquals((200.0 * 2 / 22 + 200.0 * 5 / 35) / 2, sums.smape(), 1e-12);
        assertEquals((2.0 / 2 + 5.0 / 4) / 2, sums.mase(), 1e-15);

        ForecastSums half = new ForecastSums(levels, 2);
        half.add(0, 10, 12, new double[] {8, 12, 15}, 2);
        ForecastSums other = new ForecastSums(levels, 2);
        other.add(1, 20, 15, new double[] {11, 15, 18}, 4);
        half.merge(other);
        assertArrayEquals(sums.pinballSums(), half.pinballSums(), 0.0);
        assertEquals(sums.coverage(0), half.coverage(0), 0.0);
        assertThrows(IllegalArgumentException.class, () -> half.merge(new ForecastSums(new double[] {0.5}, 2)));
    }

    @Test
    void theSeasonalNaivesResidualsGiveItsQuantilesAndScale() {
        // windows of 3 steps, one label each (the next value); last value: residual = label − x_T
        SequenceBatch.Builder builder = SequenceBatch.builder(1, LabelShape.PER_SEQUENCE, LabelKind.VALUES, 1);
        double[] residuals = {-2, 1, 3, 0, 5};
        for (int w = 0; w < residuals.length; w++) {
            builder.add(new double[][] {{w}, {w + 1}, {w + 2}}, new double[] {w + 2 + residuals[w]});
        }
        SeasonalNaiveFit fit = new SeasonalNaiveFit(1).add(Baseline.parse("last"), builder.build(), null, null, null);
        // sorted: −2, 0, 1, 3, 5; τ = 0.1 at position 0.4: −2 + 0.4·2 = −1.2; τ = 0.5: 1; τ = 0.9 at 3.6: 3 + 0.6·2
        assertArrayEquals(new double[] {-1.2, 1, 4.2}, fit.residualQuantiles(new double[] {0.1, 0.5, 0.9}), 1e-12);
        assertEquals((2 + 1 + 3 + 0 + 5) / 5.0, fit.maseScale(), 1e-15);
        assertEquals(Double.NaN, new SeasonalNaiveFit(1).maseScale());
        assertArrayEquals(new double[] {0, 0}, new SeasonalNaiveFit(1).residualQuantiles(new double[] {0.1, 0.9}));
    }
}
