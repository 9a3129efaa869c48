package org.sparkrnn.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Windows made on demand from stored rows are exactly the windows one would materialise: the same steps, the same
 * labels in the documented order (horizon-major), for any selection, any horizons, after a subset; and they hold each
 * value once.
 */
class SeriesWindowsTest {

    /** Two series of 40 and 25 rows, 3 features, 2 targets, stored one after the other (rows 0..39, 40..64). */
    private static double[][] rows(int count, int width, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] rows = new double[count][width];
        for (double[] row : rows) {
            for (int i = 0; i < width; i++) {
                row[i] = random.nextDouble(-5, 5);
            }
        }
        return rows;
    }

    private static double[] flat(double[][] rows) {
        List<Double> values = new ArrayList<>();
        for (double[] row : rows) {
            for (double v : row) {
                values.add(v);
            }
        }
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Every window of {@code window} steps whose label rows lie in its own series. */
    private static int[] starts(int[] seriesLengths, int window, int lastHorizon) {
        List<Integer> starts = new ArrayList<>();
        int offset = 0;
        for (int length : seriesLengths) {
            for (int s = 0; s + window - 1 + lastHorizon < length; s++) {
                starts.add(offset + s);
            }
            offset += length;
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void selectedWindowsAreTheMaterialisedWindows() {
        double[][] x = rows(65, 3, 1);
        double[][] y = rows(65, 2, 2);
        for (int[] horizons : new int[][] {{1}, {3}, {1, 2, 3, 4, 5, 6}, {2, 5}}) {
            int window = 7;
            int[] starts = starts(new int[] {40, 25}, window, horizons[horizons.length - 1]);
            SeriesWindows windows = new SeriesWindows(3, 2, window, horizons, flat(x), flat(y), starts);
            // the reference: each window copied out step by step, its label target-by-target per horizon
            SequenceBatch.Builder reference = SequenceBatch.builder(3, LabelShape.PER_SEQUENCE, LabelKind.VALUES,
                    2 * horizons.length);
            for (int start : starts) {
                double[][] steps = new double[window][];
                for (int t = 0; t < window; t++) {
                    steps[t] = x[start + t].clone();
                }
                double[] label = new double[2 * horizons.length];
                for (int k = 0; k < horizons.length; k++) {
                    for (int v = 0; v < 2; v++) {
                        label[windows.labelIndex(k, v)] = y[start + window - 1 + horizons[k]][v];
                    }
                }
                reference.add(steps, label);
            }
            SequenceBatch expected = reference.build();
            assertEquals(expected, windows.all());
            int[] some = {5, 0, starts.length - 1, 5, 17};
            assertEquals(expected.select(some), windows.select(some), "any selection, in its order");
            SeriesWindows subset = windows.subset(17, 18, starts.length - 1);
            assertEquals(expected.select(17, 18, starts.length - 1), subset.all(), "a subset keeps its windows");
            assertTrue(subset.rows() < windows.rows(), "and only the rows they read");
            assertEquals(65L * 5, windows.storedValues(), "each value once");
        }
    }

    /**
     * Counting a block without making its windows (what a load does when no standardisation is computed) gives the
     * counts of the full statistics, for stored windows, their transformed views and packed batches; counts merge
     * with full statistics (moments kept) in either order.
     */
    @Test
    void countsWithoutMakingWindowsAreTheStatisticsCounts() {
        double[][] x = rows(65, 3, 1);
        double[][] y = rows(65, 2, 2);
        SeriesWindows windows = new SeriesWindows(3, 2, 7, new int[] {1, 4}, flat(x), flat(y),
                starts(new int[] {40, 25}, 7, 4));
        for (SequenceBlock block : List.of(windows, windows.transformed(WindowTransform.RELATIVE_TO_LAST),
                windows.transformed(WindowTransform.WINDOW), windows.all(), windows.subset(0, 3, 9))) {
            DataStatistics full = new DataStatistics();
            block.forEachChunk(4, full::add);
            DataStatistics counted = block.countInto(new DataStatistics(), 4);
            assertEquals(full.sequences(), counted.sequences());
            assertEquals(full.steps(), counted.steps());
            assertEquals(full.labelledSteps(), counted.labelledSteps());
            assertEquals(full.maxLength(), counted.maxLength());
            assertEquals(full.maxClass(), counted.maxClass());
            assertEquals(null, counted.features(), "no moments");
            DataStatistics merged = new DataStatistics().merge(counted).merge(full);
            assertEquals(2 * full.sequences(), merged.sequences());
            assertArrayEquals(full.features().mean(), merged.features().mean(), 1e-12, "the full side's moments");
        }
        assertEquals(0, new SeriesWindows(3, 2, 7, new int[] {1}, flat(x), flat(y), new int[0])
                .countInto(new DataStatistics(), 4).maxLength(), "no window, no length");
    }

    @Test
    void theOneSeriesOneColumnCaseIsTheCsvWindow() {
        double[] values = {1, 2, 3, 4, 5, 6, 7, 8};
        SeriesWindows windows = new SeriesWindows(1, 1, 3, new int[] {2}, values.clone(), values.clone(),
                new int[] {0, 1, 2, 3});
        SequenceBatch batch = windows.all();
        assertEquals(4, batch.size());
        assertArrayEquals(new double[] {2, 3, 4}, java.util.Arrays.copyOfRange(batch.features(), 3, 6));
        assertArrayEquals(new double[] {5, 6, 7, 8}, batch.values(), "the value 2 steps after each window's last");
    }

    @Test
    void oneColumnThatIsItsOwnTargetIsStoredOnce() {
        double[] values = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        SeriesWindows shared = new SeriesWindows(1, 1, 3, new int[] {1}, values, values, new int[] {0, 2, 4, 6});
        assertEquals(10, shared.storedValues());
        SeriesWindows subset = shared.subset(1, 2);
        assertTrue(subset.featureRows() == subset.targetRows(), "a subset shares too");
        assertEquals(6, subset.storedValues());
        assertEquals(shared.select(1, 2), subset.all());
    }

    @Test
    void badShapesAndUnreadableWindowsAreRefused() {
        double[] five = {1, 2, 3, 4, 5};
        assertThrows(IllegalArgumentException.class,
                () -> new SeriesWindows(1, 1, 3, new int[] {3}, five, five, new int[] {0}), "label past the end");
        assertThrows(IllegalArgumentException.class,
                () -> new SeriesWindows(1, 1, 2, new int[] {2, 1}, five, five, new int[] {0}), "descending");
        assertThrows(IllegalArgumentException.class,
                () -> new SeriesWindows(1, 1, 2, new int[0], five, five, new int[] {0}), "no horizon");
        assertThrows(IllegalArgumentException.class,
                () -> new SeriesWindows(2, 1, 2, new int[] {1}, five, five, new int[] {0}), "not rows of 2");
        double[] gap = {1, Double.NaN, 3, 4, 5};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SeriesWindows(1, 1, 2, new int[] {1}, gap, five, new int[] {0}));
        assertTrue(e.getMessage().contains("not finite"), e.getMessage());
        // a gap outside every window is fine: windows are only where the source found whole rows
        assertEquals(1, new SeriesWindows(1, 1, 2, new int[] {1}, gap, five, new int[] {2}).size());
        assertThrows(IllegalArgumentException.class,
                () -> new SeriesWindows(1, 1, 2, new int[] {1}, five, new double[] {1, 2, Double.NaN, 4, 5},
                        new int[] {0}), "a gap as label (row 0 + 2 - 1 + 1)");
    }
}
