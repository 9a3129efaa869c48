package org.sparkrnn.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RelativeToLastTest {

    @Test
    void windowsBecomeChangesFromTheirLastValueAndPredictionsComeBack() {
        SequenceBatch raw = SequenceBatch.builder(1, LabelShape.PER_SEQUENCE, LabelKind.VALUES, 1)
                .add(new double[][] {{300}, {302}, {305}}, new double[] {306})
                .add(new double[][] {{10}, {8}}, new double[] {7})
                .build();
        SequenceBatch relative = RelativeToLast.apply(raw);
        assertArrayEquals(new double[] {-5, -3, 0, 2, 0}, relative.features(), 0);
        assertArrayEquals(new double[] {1, -1}, relative.values(), 0);
        double[] predictions = {1.5, -0.5}; // in relative units
        RelativeToLast.addOriginsInPlace(predictions, raw);
        assertArrayEquals(new double[] {306.5, 7.5}, predictions, 0);
        // an error is the same in both units
        assertEquals(306.5 - 306, 1.5 - relative.values()[0], 0);

        SequenceBatch perStep = SequenceBatch.builder(1, LabelShape.PER_STEP, LabelKind.VALUES, 1)
                .addPerStep(new double[][] {{1}, {2}}, new double[][] {{3}, {4}}).build();
        assertThrows(IllegalArgumentException.class, () -> RelativeToLast.apply(perStep));
    }

    /** With covariates and several horizons: the first feature and every label value move, covariates stay. */
    @Test
    void theFirstFeatureIsTheOriginCovariatesStayAndEveryHorizonMoves() {
        SequenceBatch raw = SequenceBatch.builder(2, LabelShape.PER_SEQUENCE, LabelKind.VALUES, 3)
                .add(new double[][] {{300, 0.5}, {302, -0.5}}, new double[] {303, 305, 306})
                .build();
        SequenceBatch relative = RelativeToLast.apply(raw);
        assertArrayEquals(new double[] {-2, 0.5, 0, -0.5}, relative.features(), 0);
        assertArrayEquals(new double[] {1, 3, 4}, relative.values(), 0);
        double[] predictions = {1, 2, 3};
        RelativeToLast.addOriginsInPlace(predictions, raw);
        assertArrayEquals(new double[] {303, 304, 305}, predictions, 0);
    }
}
