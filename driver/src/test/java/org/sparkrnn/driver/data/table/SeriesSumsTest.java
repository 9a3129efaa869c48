package org.sparkrnn.driver.data.table;

import org.junit.jupiter.api.Test;
import org.sparkrnn.data.SeriesScaling;
import org.sparkrnn.data.SeriesWindows;
import org.sparkrnn.driver.config.MissingValues;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Each series' scale is the mean absolute value of its training rows, rounded once from exact sums: the same bits
 * whichever shares the table is cut into and in whatever order they are added; rows at or after the hold-out time and
 * missing values do not count. The cutter then divides each window by its series' scale, or a series it does not
 * know by the window's own, and counts those series.
 */
class SeriesSumsTest {

    private static final String[] KEYS = {"a", "b", "c"};

    /** Three series of 50 rows, levels 1e-3, 1 and 1e6 apart, times 0..49, a few values missing. */
    private static TableRows table() {
        SplittableRandom random = new SplittableRandom(5);
        TableRows rows = new TableRows(1, 1, TimeFormat.NUMBER);
        double[] levels = {1e-3, 1, 1e6};
        for (int s = 0; s < KEYS.length; s++) {
            for (int t = 0; t < 50; t++) {
                double v = t % 17 == 5 ? Double.NaN : levels[s] * random.nextDouble(-0.5, 3);
                rows.add(KEYS[s], t, String.valueOf(t), new double[] {v}, new double[] {v});
            }
        }
        return rows;
    }

    /** The mean absolute value of series s's values before {@code before}, computed exactly and rounded once. */
    private static double exactMeanAbs(TableRows rows, String key, double before) {
        BigDecimal sum = BigDecimal.ZERO;
        long n = 0;
        for (int r = 0; r < rows.size(); r++) {
            double v = rows.targets()[r];
            if (rows.id(r).equals(key) && !Double.isNaN(v) && rows.time(r) < before) {
                sum = sum.add(new BigDecimal(Math.abs(v)));
                n++;
            }
        }
        return sum.divide(BigDecimal.valueOf(n), MathContext.DECIMAL128).doubleValue();
    }

    @Test
    void theScaleIsTheSameWhateverTheShares() {
        TableRows rows = table();
        SeriesScaling whole = SeriesSums.of(rows, 40.0).scaling("store");
        assertEquals(3, whole.size());
        for (int k = 0; k < KEYS.length; k++) {
            assertEquals(KEYS[k], whole.key(k));
            assertEquals(exactMeanAbs(rows, KEYS[k], 40), whole.scale(k), 0, KEYS[k]);
        }
        // cut inside series a, at b's start and inside c; added in another order, each share through its bytes
        int[][] cuts = {{0, 17}, {17, 50}, {50, 121}, {121, 150}};
        SeriesSums added = new SeriesSums();
        for (int i : new int[] {2, 0, 3, 1}) {
            added.add(SeriesSums.fromBytes(SeriesSums.of(rows.slice(cuts[i][0], cuts[i][1]), 40.0).toBytes()));
        }
        assertEquals(whole, added.scaling("store"));
        // without a hold-out every row counts
        assertEquals(exactMeanAbs(rows, "c", Double.MAX_VALUE), SeriesSums.of(rows, null).scaling("store").scale(2),
                0);
    }

    @Test
    void theCutterDividesEachWindowByItsSeriesScaleOrAnUnknownOneByItsOwn() {
        TableRows rows = table();
        SeriesScaling known = SeriesScaling.of("store", new String[] {"a", "c"}, new double[] {0.5, 4e6});
        SeriesCutter plain = new SeriesCutter(new SeriesCutter.Spec(1, 1, 4, 1, new int[] {1}, MissingValues.SKIP,
                null, 0, 7, "table", null, null, null, false));
        SeriesCutter.Cut raw = plain.cut(rows, 0, rows.size(), 0, true);
        SeriesCutter.Cut cut = plain.withScaling(known).cut(rows, 0, rows.size(), 0, true);
        assertEquals(1, cut.unseenSeries(), "b");
        assertEquals(0, raw.unseenSeries());
        SeriesWindows windows = cut.train();
        assertEquals(raw.train().size(), windows.size());
        int[] all = new int[windows.size()];
        for (int w = 0; w < all.length; w++) {
            all[w] = w;
        }
        double[] scales = windows.labelScales(all);
        double[] x = raw.train().all().features();
        double[] y = raw.train().all().values();
        double[] scaledX = windows.all().features();
        double[] scaledY = windows.all().values();
        int w = 0;
        for (List<Object> entry : cut.bySeries(false).stream().map(e -> List.of(e.getKey(), e.getValue())).toList()) {
            String key = (String) entry.get(0);
            SeriesWindows series = (SeriesWindows) entry.get(1);
            for (int k = 0; k < series.size(); k++, w++) {
                double expected = switch (key) {
                    case "a" -> 0.5;
                    case "c" -> 4e6;
                    default -> (Math.abs(x[w * 4]) + Math.abs(x[w * 4 + 1]) + Math.abs(x[w * 4 + 2])
                            + Math.abs(x[w * 4 + 3])) / 4;
                };
                assertEquals(expected, scales[w], 0, key + " window " + k);
                for (int t = 0; t < 4; t++) {
                    assertEquals(x[w * 4 + t] / expected, scaledX[w * 4 + t], 0);
                }
                assertEquals(y[w] / expected, scaledY[w], 0);
            }
        }
        assertEquals(windows.size(), w);
        // each series' windows keep their scales when taken apart for a per-series report
        assertArrayEquals(new double[] {0.5}, cut.bySeries(false).get(0).getValue().labelScales(0));
    }
}
