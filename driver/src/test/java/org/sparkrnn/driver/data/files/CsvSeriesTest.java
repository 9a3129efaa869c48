package org.sparkrnn.driver.data.files;

import org.junit.jupiter.api.Test;
import org.sparkrnn.driver.DataFormatError;
import org.sparkrnn.driver.config.MissingValues;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CSV missing-value policy and windows, as documented in the README. */
class CsvSeriesTest {

    private static final List<String> LINES = List.of("\"date\",\"co2\",\"note\"", "1,10,a", "2,,\"b,c\"",
            "3,,", "4,16,d", "5,17,e", "6,18,f");

    @Test
    void gapsAreSkippedOrInterpolated() {
        CsvSeries series = CsvSeries.parse("co2.csv", LINES, "co2", "date");
        assertEquals(2, series.gaps());
        assertArrayEquals(new String[] {"1", "2", "3", "4", "5", "6"}, series.times());
        // skip: no window may touch rows 2-3
        assertEquals(List.of(3), series.windowStarts(2, 1));
        CsvSeries filled = series.withMissingPolicy(MissingValues.INTERPOLATE);
        assertArrayEquals(new double[] {10, 12, 14, 16, 17, 18}, filled.values(), 1e-12);
        // filled values are inputs only: the window whose target (row 3) was a gap is still dropped
        assertEquals(List.of(1, 2, 3), filled.windowStarts(2, 1));
        assertEquals(List.of(0, 1, 2), filled.windowStarts(2, 2));
    }

    @Test
    void gapsAtTheEndsTakeTheNearestValue() {
        CsvSeries series = CsvSeries.parse("x.csv", List.of("v", "", "2", "", "4", ""), "v", null);
        assertArrayEquals(new double[] {2, 2, 3, 4, 4},
                series.withMissingPolicy(MissingValues.INTERPOLATE).values(), 1e-12);
    }

    @Test
    void badValuesAndColumnsAreNamed() {
        DataFormatError bad = assertThrows(DataFormatError.class,
                () -> CsvSeries.parse("x.csv", List.of("t,v", "1,2", "2,abc"), "v", "t"));
        assertEquals("x.csv line 3: column 'v' value 'abc' is not a number", bad.getMessage());
        DataFormatError missing = assertThrows(DataFormatError.class,
                () -> CsvSeries.parse("x.csv", List.of("t,v", "1,2"), "value", "t"));
        assertTrue(missing.getMessage().startsWith("x.csv line 1: no column 'value' (--column)"), missing.getMessage());
        assertTrue(CsvSeries.atOrAfter("1961", "1961.0") && !CsvSeries.atOrAfter("1960", "1961"));
        assertTrue(CsvSeries.atOrAfter("2001-03", "2001-01"));
    }

    @Test
    void otherDelimitersAndFilesWithoutAHeaderAreRead() {
        CsvSeries semicolons = CsvSeries.parse("x.csv", List.of("year;value", "1;\"2.5\"", "2;3"), "value", "year",
                null, ';', true);
        assertArrayEquals(new double[] {2.5, 3}, semicolons.values(), 0);
        CsvSeries tabs = CsvSeries.parse("x.csv", List.of("1\t4", "2\t5", "3\t6"), "2", "1", null, '\t', false);
        assertArrayEquals(new double[] {4, 5, 6}, tabs.values(), 0);
        assertEquals(List.of("1", "2", "3"), List.of(tabs.times()));
        DataFormatError wrong = assertThrows(DataFormatError.class, () -> CsvSeries.parse("x.csv",
                List.of("1,4", "2,5"), "value", null, null, ',', false));
        assertEquals("x.csv line 1: no column 'value' (--column); without a header the columns are 1 to 2",
                wrong.getMessage());
        DataFormatError hint = assertThrows(DataFormatError.class, () -> CsvSeries.parse("x.csv",
                List.of("year;value", "1;2"), "value", null));
        assertTrue(hint.getMessage().contains("give --delimiter ';'"), hint.getMessage());
    }
}
