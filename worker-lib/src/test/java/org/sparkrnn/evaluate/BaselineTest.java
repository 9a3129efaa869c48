package org.sparkrnn.evaluate;

import org.junit.jupiter.api.Test;
import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.data.Standardization;
import org.sparkrnn.model.Loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Baseline forecasts against values worked out by hand. */
class BaselineTest {

    private static SequenceBatch windows(double[][] steps, double[] targets) {
        SequenceBatch.Builder builder = SequenceBatch.builder(1, LabelShape.PER_SEQUENCE, LabelKind.VALUES, 1);
        for (int b = 0; b < steps.length; b++) {
            double[][] window = new double[steps[b].length][];
            for (int t = 0; t < window.length; t++) {
                window[t] = new double[] {steps[b][t]};
            }
            builder.add(window, new double[] {targets[b]});
        }
        return builder.build();
    }

    @Test
    void lastAndLagForecastInOriginalUnits() {
        SequenceBatch raw = windows(new double[][] {{1, 2, 3}, {10, 20}}, new double[] {5, 16});
        // last: errors 3-5 = -2 and 20-16 = 4 → rmse sqrt((4+16)/2), mae 3
        Metrics last = Metrics.of(Baseline.parse("last").addInto(new EvaluationSums(), raw, null), Loss.MSE);
        assertEquals(Math.sqrt(10), last.rmse(), 1e-12);
        assertEquals(3, last.mae(), 1e-12);
        // lag:2: the value two steps back from the end + 1: 2 and 10 → errors -3 and -6
        Metrics lag = Metrics.of(Baseline.parse("lag:2").addInto(new EvaluationSums(), raw, null), Loss.MSE);
        assertEquals(Math.sqrt((9 + 36) / 2.0), lag.rmse(), 1e-12);

        // the same windows standardised: metrics stay in original units
        Standardization s = new Standardization(new double[] {4}, new double[] {2}, new double[] {6}, new double[] {3});
        Metrics scaled = Metrics.of(Baseline.parse("last").addInto(new EvaluationSums(), s.apply(raw), s), Loss.MSE);
        assertEquals(Math.sqrt(10), scaled.rmse(), 1e-12);
        assertEquals(3, scaled.mae(), 1e-12);

        assertThrows(IllegalArgumentException.class,
                () -> Baseline.parse("lag:3").addInto(new EvaluationSums(), raw, null), "lag beyond a 2-step window");
        assertThrows(IllegalArgumentException.class, () -> Baseline.parse("lag:0"));
        assertThrows(IllegalArgumentException.class, () -> Baseline.parse("mean"));
    }

    /**
     * Horizons 1..3 from one window of 4 steps (values 1, 2, 3, 4; targets 5, 6, 7): last forecasts 4 for each;
     * lag:2 the value 2·⌈h/2⌉ steps before each target: h=1 → 3, h=2 → 4, h=3 → 3 (4 steps back). The same window
     * scaled by its own spread gives the same errors once each is multiplied back by that spread.
     */
    @Test
    void manyHorizonsAndWindowsScaledByTheirSpread() {
        SequenceBatch raw = SequenceBatch.builder(1, LabelShape.PER_SEQUENCE, LabelKind.VALUES, 3)
                .add(new double[][] {{1}, {2}, {3}, {4}}, new double[] {5, 6, 7}).build();
        int[] horizons = {1, 2, 3};
        Baseline last = Baseline.parse("last").withHorizons(horizons);
        Metrics m = Metrics.of(last.addInto(new EvaluationSums(), raw, null), Loss.MSE);
        assertEquals(Math.sqrt((1 + 4 + 9) / 3.0), m.rmse(), 1e-12, "errors -1, -2, -3");
        assertEquals(2, m.mae(), 1e-12);
        StepMetrics steps = StepMetrics.of(last.addInto(new EvaluationSums(), raw, null), 1);
        assertArrayEquals(new double[] {1, 2, 3}, steps.rmse(), 1e-12, "each horizon on its own");
        assertArrayEquals(new double[] {1, 2, 3}, steps.mae(), 1e-12);
        assertEquals("by step (1..3): rmse 1.000 2.000 3.000; mae 1.000 2.000 3.000", steps.describe(horizons));
        Metrics lag = Metrics.of(Baseline.parse("lag:2").withHorizons(horizons).addInto(new EvaluationSums(), raw,
                null), Loss.MSE);
        assertEquals((2 + 2 + 4) / 3.0, lag.mae(), 1e-12, "errors 3-5, 4-6, 3-7");

        org.sparkrnn.data.WindowTransform window = org.sparkrnn.data.WindowTransform.WINDOW;
        Metrics scaled = Metrics.of(last.addInto(new EvaluationSums(), window.apply(raw), null, window.scales(raw)),
                Loss.MSE);
        assertEquals(m.rmse(), scaled.rmse(), 1e-12);
        assertEquals(m.mae(), scaled.mae(), 1e-12);

        // standardised, each horizon by its own statistics: the same errors in original units
        Standardization s = new Standardization(new double[] {2}, new double[] {3}, new double[] {1, 2, 3},
                new double[] {2, 4, 8});
        Metrics standardised = Metrics.of(last.addInto(new EvaluationSums(), s.apply(raw), s, null), Loss.MSE);
        assertEquals(m.rmse(), standardised.rmse(), 1e-12);
        assertEquals(m.mae(), standardised.mae(), 1e-12);

        assertEquals(null, last.mismatch(LabelKind.VALUES, LabelShape.PER_SEQUENCE, 3));
        assertEquals("the last baseline needs one target value per horizon",
                last.mismatch(LabelKind.VALUES, LabelShape.PER_SEQUENCE, 6), "two targets at each of 3 horizons");
    }

    @Test
    void unigramScoresClassFrequencies() {
        SequenceBatch.Builder builder = SequenceBatch.builder(1, LabelShape.PER_SEQUENCE, LabelKind.CLASSES, 1);
        int[] labels = {0, 0, 0, 1};
        for (int c : labels) {
            builder.add(new double[][] {{c}}, c);
        }
        SequenceBatch batch = builder.build();
        long[] counts = Baseline.countClassesInto(new long[3], batch);
        assertEquals(3, counts[0]);
        assertEquals(1, counts[1]);
        // add-one smoothing over 3 classes: p = (4, 2, 1) / 7
        Baseline unigram = Baseline.parse("unigram").withClassCounts(counts);
        Metrics m = Metrics.of(unigram.addInto(new EvaluationSums(), batch, null), Loss.CROSS_ENTROPY);
        double expected = -(3 * Math.log(4 / 7.0) + Math.log(2 / 7.0)) / 4;
        assertEquals(Math.exp(expected), m.perplexity(), 1e-12);
        assertEquals(0.75, m.accuracy(), 1e-12, "always the most frequent class");
    }
}
