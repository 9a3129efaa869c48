package org.sparkrnn.driver.data.table;

import org.junit.jupiter.api.Test;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.data.SeriesWindows;
import org.sparkrnn.driver.DataFormatError;
import org.sparkrnn.driver.config.MissingValues;
import org.sparkrnn.driver.data.files.CsvSeries;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cutting a long table's rows into windows: one series gives the CSV path's windows (with gaps skipped or filled);
 * several series give each its own windows, never one across two series; a repeated time is an error naming the
 * series; and a table cut in shares (with the rows around each share) gives exactly the windows of the whole, so
 * the partitioning changes nothing.
 */
class SeriesCutterTest {

    private static final TableRows NONE = new TableRows(1, 1, TimeFormat.NUMBER);

    /** A table of (series, time, value) rows with value as feature and target; NaN = a gap. */
    private static TableRows rows(Object[] ids, double[] times, double[] values) {
        TableRows rows = new TableRows(1, 1, TimeFormat.NUMBER);
        for (int r = 0; r < ids.length; r++) {
            rows.add(ids[r], times[r], String.valueOf((long) times[r]), new double[] {values[r]},
                    new double[] {values[r]});
        }
        return rows;
    }

    private static SeriesCutter.Spec spec(int window, int stride, int[] horizons, MissingValues missing,
                                          Double validateFrom, double holdOut) {
        return new SeriesCutter.Spec(1, 1, window, stride, horizons, missing, validateFrom, holdOut, 7, "table", null, null, null,
                false);
    }

    /** One series of 60 values with gaps at 10, 11 and 40. */
    private static double[] valuesWithGaps() {
        SplittableRandom random = new SplittableRandom(3);
        double[] values = new double[60];
        for (int t = 0; t < values.length; t++) {
            values[t] = random.nextDouble(0, 100);
        }
        values[10] = Double.NaN;
        values[11] = Double.NaN;
        values[40] = Double.NaN;
        return values;
    }

    @Test
    void oneSeriesGivesTheCsvWindows() {
        double[] values = valuesWithGaps();
        Object[] ids = new Object[values.length];
        double[] times = new double[values.length];
        String[] timeTexts = new String[values.length];
        for (int t = 0; t < values.length; t++) {
            ids[t] = "only";
            times[t] = 1700 + t;
            timeTexts[t] = String.valueOf(1700 + t);
        }
        for (MissingValues missing : MissingValues.values()) {
            CsvSeries csv = new CsvSeries("f.csv", "v", values.clone(), timeTexts, null).withMissingPolicy(missing);
            List<Integer> starts = csv.windowStarts(8, 2);
            SeriesWindows expected = new SeriesWindows(1, 1, 8, new int[] {2}, csv.values(), csv.values(),
                    starts.stream().mapToInt(Integer::intValue).toArray());
            SeriesCutter.Cut cut = new SeriesCutter(spec(8, 1, new int[] {2}, missing, null, 0))
                    .cut(NONE, rows(ids, times, values), NONE, 0, true);
            assertEquals(expected.all(), cut.train().all(), missing.cliName());
            assertEquals(0, cut.validation().size());
            assertEquals(1, cut.series());
        }
    }

    @Test
    void severalSeriesEachTheirOwnWindows() {
        List<Object> ids = new ArrayList<>();
        List<Double> times = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        int[] lengths = {10, 3, 8};
        for (int s = 0; s < lengths.length; s++) {
            for (int t = 0; t < lengths[s]; t++) {
                ids.add("s" + s);
                times.add((double) t);
                values.add(s * 100.0 + t);
            }
        }
        SeriesCutter.Cut cut = new SeriesCutter(spec(3, 1, new int[] {1}, MissingValues.SKIP, null, 0)).cut(NONE,
                rows(ids.toArray(), times.stream().mapToDouble(Double::doubleValue).toArray(),
                        values.stream().mapToDouble(Double::doubleValue).toArray()), NONE, 0, true);
        assertEquals(3, cut.series());
        assertEquals(1, cut.shortSeries(), "3 rows make no window of 3 steps and a target");
        SequenceBatch windows = cut.train().all();
        assertEquals(7 + 5, windows.size(), "10 - 3 and 8 - 3");
        for (int w = 0; w < windows.size(); w++) {
            double first = windows.feature(w, 0, 0);
            double label = windows.values()[w];
            assertEquals(first + 3, label, 1e-12, "the target is the same series' value after the window");
            assertEquals(Math.floor(first / 100), Math.floor(label / 100), "no window crosses two series");
        }
    }

    @Test
    void aRepeatedTimeNamesTheSeries() {
        DataFormatError e = assertThrows(DataFormatError.class, () -> new SeriesCutter(
                spec(2, 1, new int[] {1}, MissingValues.SKIP, null, 0)).cut(NONE,
                rows(new Object[] {"a", "a", "b", "b", "b"}, new double[] {1, 2, 5, 6, 6},
                        new double[] {1, 2, 3, 4, 5}), NONE, 0, true));
        assertEquals("table: two rows of series b have the time 6; a series has one row per time", e.getMessage());
    }

    @Test
    void sharesWithTheRowsAroundThemCutTheWindowsOfTheWhole() {
        double[] values = valuesWithGaps();
        Object[] ids = new Object[values.length + 30];
        double[] times = new double[ids.length];
        double[] all = new double[ids.length];
        for (int r = 0; r < ids.length; r++) {
            ids[r] = r < 60 ? 42L : 43L; // a series of 60 rows, then one of 30
            times[r] = r < 60 ? r : r - 60;
            all[r] = r < 60 ? values[r] : r;
        }
        for (int[] horizons : new int[][] {{1}, {1, 2, 3}}) {
            for (int stride : new int[] {1, 3}) {
                SeriesCutter.Spec spec = new SeriesCutter.Spec(1, 1, 6, stride, horizons, MissingValues.SKIP, null,
                        0.3, 11, "table", null, null, null, false);
                SeriesCutter cutter = new SeriesCutter(spec);
                SeriesCutter.Cut whole = cutter.cut(NONE, rows(ids, times, all), NONE, 0, true);
                // the same rows in three shares: [0, 25), [25, 71), [71, 90)
                int[] bounds = {0, 25, 71, 90};
                List<SequenceBatch> train = new ArrayList<>();
                List<SequenceBatch> validation = new ArrayList<>();
                long series = 0;
                for (int k = 0; k < 3; k++) {
                    int from = bounds[k];
                    int to = bounds[k + 1];
                    int beforeFrom = from;
                    while (beforeFrom > 0 && ids[beforeFrom - 1].equals(ids[from]) && from - beforeFrom < spec.reach()) {
                        beforeFrom--;
                    }
                    int afterTo = to;
                    while (afterTo < ids.length && ids[afterTo].equals(ids[to - 1]) && afterTo - to < spec.reach()) {
                        afterTo++;
                    }
                    boolean lastEnds = afterTo == ids.length || !ids[afterTo].equals(ids[to - 1]);
                    long firstOffset = 0;
                    for (int r = from - 1; r >= 0 && ids[r].equals(ids[from]); r--) {
                        firstOffset++;
                    }
                    SeriesCutter.Cut share = cutter.cut(slice(ids, times, all, beforeFrom, from),
                            slice(ids, times, all, from, to), slice(ids, times, all, to, afterTo), firstOffset,
                            lastEnds);
                    train.add(share.train().all());
                    validation.add(share.validation().all());
                    series += share.series();
                }
                String what = "horizons " + horizons.length + ", stride " + stride;
                assertEquals(whole.train().all(), SequenceBatch.concat(train.get(0), train), what);
                assertEquals(whole.validation().all(), SequenceBatch.concat(validation.get(0), validation), what);
                assertEquals(2, series, what);
                assertTrue(whole.validation().size() > 0 && whole.train().size() > whole.validation().size(), what);
            }
        }
    }

    private static TableRows slice(Object[] ids, double[] times, double[] values, int from, int to) {
        return rows(java.util.Arrays.copyOfRange(ids, from, to), java.util.Arrays.copyOfRange(times, from, to),
                java.util.Arrays.copyOfRange(values, from, to));
    }

    @Test
    void validationByTheTimeOfTheFirstPredictedStep() {
        Object[] ids = {"a", "a", "a", "a", "a", "a", "a", "a"};
        double[] times = {1, 2, 3, 4, 5, 6, 7, 8};
        double[] values = {1, 2, 3, 4, 5, 6, 7, 8};
        SeriesCutter.Cut cut = new SeriesCutter(spec(3, 1, new int[] {1, 2}, MissingValues.SKIP, 7.0, 0))
                .cut(NONE, rows(ids, times, values), NONE, 0, true);
        // windows start at 1..4 (times); first predicted step at start + 3: 4, 5, 6 train; 7 validation
        assertEquals(3, cut.train().size());
        assertEquals(1, cut.validation().size());
        assertEquals(4.0, cut.validation().all().feature(0, 0, 0), "the window of times 4..6");
        assertEquals(2, cut.validation().labelWidth(), "two horizons, one target");
    }
}
