package org.sparkrnn.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WindowTransformTest {

    @Test
    void windowsBecomeChangesFromTheirLastValueAndPredictionsComeBack() {
        SequenceBatch raw = SequenceBatch.builder(1, LabelShape.PER_SEQUENCE, LabelKind.VALUES, 1)
                .add(new double[][] {{300}, {302}, {305}}, new double[] {306})
                .add(new double[][] {{10}, {8}}, new double[] {7})
                .build();
        SequenceBatch relative = WindowTransform.RELATIVE_TO_LAST.apply(raw);
        assertArrayEquals(new double[] {-5, -3, 0, 2, 0}, relative.features(), 0);
        assertArrayEquals(new double[] {1, -1}, relative.values(), 0);
        double[] predictions = {1.5, -0.5}; // in relative units
        WindowTransform.RELATIVE_TO_LAST.invertInPlace(predictions, raw);
        assertArrayEquals(new double[] {306.5, 7.5}, predictions, 0);
        // an error is the same in both units
        assertEquals(306.5 - 306, 1.5 - relative.values()[0], 0);
        assertNull(WindowTransform.RELATIVE_TO_LAST.scales(raw), "no scale");

        SequenceBatch perStep = SequenceBatch.builder(1, LabelShape.PER_STEP, LabelKind.VALUES, 1)
                .addPerStep(new double[][] {{1}, {2}}, new double[][] {{3}, {4}}).build();
        assertThrows(IllegalArgumentException.class, () -> WindowTransform.RELATIVE_TO_LAST.apply(perStep));
        assertThrows(IllegalArgumentException.class, () -> WindowTransform.WINDOW.apply(perStep));
        assertSame(perStep, WindowTransform.NONE.apply(perStep), "none changes nothing");
    }

    /** With covariates and several horizons: the first feature and every label value move, covariates stay. */
    @Test
    void theFirstFeatureIsTheOriginCovariatesStayAndEveryHorizonMoves() {
        SequenceBatch raw = SequenceBatch.builder(2, LabelShape.PER_SEQUENCE, LabelKind.VALUES, 3)
                .add(new double[][] {{300, 0.5}, {302, -0.5}}, new double[] {303, 305, 306})
                .build();
        SequenceBatch relative = WindowTransform.RELATIVE_TO_LAST.apply(raw);
        assertArrayEquals(new double[] {-2, 0.5, 0, -0.5}, relative.features(), 0);
        assertArrayEquals(new double[] {1, 3, 4}, relative.values(), 0);
        double[] predictions = {1, 2, 3};
        WindowTransform.RELATIVE_TO_LAST.invertInPlace(predictions, raw);
        assertArrayEquals(new double[] {303, 304, 305}, predictions, 0);
    }

    /**
     * Scaled by the window: two series 100x apart in level and spread become the same numbers; values by hand
     * (mean 20 and 2000, population standard deviation sqrt(200/3) and 100 times it).
     */
    @Test
    void windowsOfSeriesFarApartBecomeTheSameNumbersAndComeBack() {
        SequenceBatch raw = SequenceBatch.builder(2, LabelShape.PER_SEQUENCE, LabelKind.VALUES, 2)
                .add(new double[][] {{10, 1}, {20, 2}, {30, 3}}, new double[] {40, 25})
                .add(new double[][] {{1000, 1}, {2000, 2}, {3000, 3}}, new double[] {4000, 2500})
                .build();
        double s = Math.sqrt(200.0 / 3);
        SequenceBatch scaled = WindowTransform.WINDOW.apply(raw);
        assertArrayEquals(new double[] {-10 / s, 1, 0, 2, 10 / s, 3, -10 / s, 1, 0, 2, 10 / s, 3}, scaled.features(),
                1e-12);
        assertArrayEquals(new double[] {20 / s, 5 / s, 20 / s, 5 / s}, scaled.values(), 1e-12);
        assertArrayEquals(new double[] {s, 100 * s}, WindowTransform.WINDOW.scales(raw), 1e-12);
        double[] predictions = {20 / s, 5 / s, 20 / s, 5 / s};
        WindowTransform.WINDOW.invertInPlace(predictions, raw);
        assertArrayEquals(new double[] {40, 25, 4000, 2500}, predictions, 1e-9);

        SequenceBatch fromLast = WindowTransform.WINDOW_FROM_LAST.apply(raw);
        assertArrayEquals(new double[] {-20 / s, 1, -10 / s, 2, 0, 3, -20 / s, 1, -10 / s, 2, 0, 3},
                fromLast.features(), 1e-12);
        assertArrayEquals(new double[] {10 / s, -5 / s, 10 / s, -5 / s}, fromLast.values(), 1e-12);
        double[] back = fromLast.values().clone();
        WindowTransform.WINDOW_FROM_LAST.invertInPlace(back, raw);
        assertArrayEquals(new double[] {40, 25, 4000, 2500}, back, 1e-9);
    }

    /** A flat window is scaled by its level (or 1 at level 0): nothing divides by zero. */
    @Test
    void aFlatWindowIsScaledByItsLevel() {
        SequenceBatch raw = SequenceBatch.builder(1, LabelShape.PER_SEQUENCE, LabelKind.VALUES, 1)
                .add(new double[][] {{5}, {5}, {5}}, new double[] {6})
                .add(new double[][] {{0}, {0}}, new double[] {1})
                .build();
        assertArrayEquals(new double[] {5, 1}, WindowTransform.WINDOW.scales(raw), 0);
        assertArrayEquals(new double[] {0.2, 1}, WindowTransform.WINDOW.apply(raw).values(), 1e-15);
        assertArrayEquals(new double[] {5, 1}, WindowTransform.WINDOW_FROM_LAST.scales(raw), 0);
    }

    @Test
    void twoChoicesNameOneTransform() {
        for (WindowTransform t : WindowTransform.values()) {
            assertSame(t, WindowTransform.of(t.fromLast(), t.scaled()));
        }
    }
}
