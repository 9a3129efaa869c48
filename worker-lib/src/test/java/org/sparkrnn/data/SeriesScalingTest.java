package org.sparkrnn.data;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each series' scale: a known series' own, an unknown one's window by its own mean absolute value, windows stored
 * once carrying their scales through subsets, joins and the label scales evaluation reads, and predictions brought
 * back exactly.
 */
class SeriesScalingTest {

    private static final SeriesScaling TWO = SeriesScaling.of("store", new String[] {"a", "b"},
            new double[] {200, 0});

    @Test
    void aKnownSeriesHasItsOwnScaleAnUnknownOneItsWindowsMeanAbsoluteValue() {
        double[] x = {1, 10, -3, 20, 5, 30}; // rows of two features: the first is the target
        assertEquals(200, TWO.scaleOf("a", x, 0, 2, 3));
        assertEquals(1, TWO.scaleOf("b", x, 0, 2, 3), "a series of zeros is divided by 1");
        assertEquals((1 + 3 + 5) / 3.0, TWO.scaleOf("c", x, 0, 2, 3), "unknown: |1|, |-3|, |5| averaged");
        assertEquals(1, TWO.scaleOf("c", new double[] {0, 0}, 0, 1, 2));
        assertEquals(0, TWO.indexOf("a"));
        assertEquals(-1, TWO.indexOf("c"));
        // keys are compared as text: a numeric key column reads as its text
        SeriesScaling numbers = SeriesScaling.of("id", new String[] {"17", "3"}, new double[] {4, 8});
        assertEquals(4, numbers.scaleOf(17, x, 0, 2, 3));
        assertEquals(8, numbers.scaleOf(3L, x, 0, 2, 3));
        // without a key column there is one series, whatever the key
        SeriesScaling one = SeriesScaling.of(null, new String[] {"0"}, new double[] {5});
        assertEquals(5, one.scaleOf(null, x, 0, 2, 3));
        assertEquals(5, one.scaleOf("anything", x, 0, 2, 3));
    }

    @Test
    void badScalingsAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new SeriesScaling("k", new String[] {"b", "a"}, new double[] {1, 1}), "not sorted");
        assertThrows(IllegalArgumentException.class,
                () -> new SeriesScaling("k", new String[] {"a"}, new double[] {0}), "zero scale");
        assertThrows(IllegalArgumentException.class,
                () -> new SeriesScaling(null, new String[] {"a", "b"}, new double[] {1, 1}), "two series, no key");
    }

    @Test
    void scaledBatchesComeBackExactlyAndTheLabelsAreScaledAsTheInputs() {
        SequenceBatch batch = new SequenceBatch(2, new int[] {2, 2}, new double[] {4, 1, 8, 2, 30, 3, 60, 4},
                LabelShape.PER_SEQUENCE, LabelKind.VALUES, 2, new double[] {12, 16, 90, 120}, null, null);
        double[] scales = {4, 30};
        SequenceBatch scaled = SeriesScaling.apply(batch, scales);
        assertArrayEquals(new double[] {1, 1, 2, 2, 1, 3, 2, 4}, scaled.features(), "first feature only");
        assertArrayEquals(new double[] {3, 4, 3, 4}, scaled.values());
        double[] predictions = scaled.values().clone();
        SeriesScaling.invertInPlace(predictions, scales);
        assertArrayEquals(batch.values(), predictions);
    }

    @Test
    void windowsCarryTheirScalesThroughSubsetsAndJoins() {
        double[] column = {1, 2, 3, 4, 5, 6, 7, 8};
        SeriesWindows plain = new SeriesWindows(1, 1, 3, new int[] {1}, column, column, new int[] {0, 2, 4});
        SeriesWindows scaled = plain.scaledBy(new double[] {1, 2, 4});
        assertTrue(scaled.scaled());
        assertFalse(plain.scaled());
        assertArrayEquals(new double[] {1.5, 2, 2.5}, scaled.select(1).features());
        assertArrayEquals(new double[] {3}, scaled.select(1).values());
        assertArrayEquals(new double[] {4, 1}, scaled.labelScales(2, 0));
        SeriesWindows subset = scaled.subset(2, 1);
        assertEquals(scaled.select(2, 1), subset.all());
        assertArrayEquals(new double[] {4, 2}, subset.labelScales(0, 1));
        SeriesWindows joined = SeriesWindows.concat(1, 1, 3, new int[] {1}, List.of(scaled.subset(0), subset));
        assertEquals(scaled.select(0, 2, 1), joined.all());
        assertThrows(IllegalArgumentException.class,
                () -> SeriesWindows.concat(1, 1, 3, new int[] {1}, List.of(scaled, plain)));
        assertThrows(IllegalArgumentException.class, () -> plain.scaledBy(new double[] {1, 0, 1}));
        // relative to the last value on top: the series' scales are still the scales of the errors
        SequenceBlock relative = TransformedWindows.of(scaled, WindowTransform.RELATIVE_TO_LAST);
        assertArrayEquals(new double[] {2, 4}, relative.labelScales(1, 2));
        assertArrayEquals(new double[] {-1, -0.5, 0}, relative.select(1).features(), "(3, 4, 5) / 2 - 2.5");
    }
}
