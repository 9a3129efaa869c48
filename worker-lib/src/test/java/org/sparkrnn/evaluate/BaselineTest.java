package org.sparkrnn.evaluate;

import org.junit.jupiter.api.Test;
import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.data.Standardization;
import org.sparkrnn.model.Loss;

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
