package org.sparkrnn.driver.data.table;

import org.junit.jupiter.api.Test;
import org.sparkrnn.driver.config.CalendarFeature;
import org.sparkrnn.driver.config.Frequency;
import org.sparkrnn.driver.config.SettingError;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Time steps as a forecaster counts them: calendar months (from a month's last day to the next month's last day),
 * quarters and years; days across a daylight-saving change in local time; numbers; the step between two times
 * recognised as the largest unit it is whole in; forecast times written as the table writes its times. Against
 * java.time, by hand.
 */
class TimeStepsTest {

    private static final String BERLIN = "Europe/Berlin";
    private static final TimeSteps DATES = new TimeSteps(TimeSteps.Kind.DAYS, false, null, BERLIN);
    private static final TimeSteps TEXT = new TimeSteps(null, true, null, BERLIN);
    private static final TimeSteps MONTHS = new TimeSteps(TimeSteps.Kind.NUMBER, false, "yyyyMM", BERLIN);
    private static final TimeSteps NUMBERS = new TimeSteps(TimeSteps.Kind.NUMBER, false, null, BERLIN);

    private static double day(String date) {
        return LocalDate.parse(date).toEpochDay();
    }

    private static double second(String time) {
        return LocalDateTime.parse(time).atZone(ZoneId.of(BERLIN)).toEpochSecond();
    }

    private static String date(double key) {
        return LocalDate.ofEpochDay((long) key).toString();
    }

    @Test
    void stepsAreParsedAsTypedAndBadOnesRefused() {
        assertEquals(new Frequency(15, Frequency.Unit.MINUTE), Frequency.parse("15min"));
        assertEquals(new Frequency(1, Frequency.Unit.MONTH), Frequency.parse("1M"));
        assertEquals(new Frequency(3, Frequency.Unit.NUMBER), Frequency.parse(" 3 "));
        assertEquals("1q", Frequency.parse("1q").text());
        assertEquals("1 month", Frequency.parse("1M").describe());
        assertEquals("2 hours", Frequency.parse("2h").describe());
        assertEquals("--frequency '1x': unknown unit 'x', expected s, min, h, d, w, M (months), q, y, or none (a"
                + " number)", assertThrows(SettingError.class, () -> Frequency.parse("1x")).getMessage());
        assertThrows(SettingError.class, () -> Frequency.parse("0d"));
        assertThrows(SettingError.class, () -> Frequency.parse("M"));
    }

    @Test
    void calendarStepsLandWhereTheCalendarSays() {
        Frequency month = Frequency.parse("1M");
        assertEquals("2010-02-15", date(DATES.plus(day("2010-01-15"), TimeSteps.Kind.DAYS, month, 1)));
        // from a month's last day to the last day of the month it lands in, however many steps
        assertEquals("2010-02-28", date(DATES.plus(day("2010-01-31"), TimeSteps.Kind.DAYS, month, 1)));
        assertEquals("2010-03-31", date(DATES.plus(day("2010-02-28"), TimeSteps.Kind.DAYS, month, 1)));
        assertEquals("2010-04-30", date(DATES.plus(day("2010-01-31"), TimeSteps.Kind.DAYS, Frequency.parse("1q"), 1)));
        assertEquals("2013-02-28", date(DATES.plus(day("2012-02-29"), TimeSteps.Kind.DAYS, Frequency.parse("1y"), 1)));
        assertEquals("2011-02-01", date(DATES.plus(day("2010-02-01"), TimeSteps.Kind.DAYS, month, 12)));
        assertEquals("2010-01-08", date(DATES.plus(day("2010-01-01"), TimeSteps.Kind.DAYS, Frequency.parse("1w"), 1)));
        assertTrue(Double.isNaN(DATES.plus(day("2010-01-01"), TimeSteps.Kind.DAYS, Frequency.parse("1h"), 1)),
                "hours do not step through dates");
        // local time: the day of the spring change is 23 hours of seconds
        double before = second("2021-03-28T00:00");
        double after = DATES.plus(before, TimeSteps.Kind.SECONDS, Frequency.parse("1d"), 1);
        assertEquals(second("2021-03-29T00:00"), after);
        assertEquals(23 * 3600, after - before);
        assertEquals(second("2021-03-28T03:00"), DATES.plus(second("2021-03-28T01:00"), TimeSteps.Kind.SECONDS,
                Frequency.parse("1h"), 1), "01:00 + 1 hour is 03:00 local: 02:00 does not exist that night");
        TimeSteps utc = new TimeSteps(TimeSteps.Kind.SECONDS, false, null, "UTC");
        assertEquals(86_400 * 3, utc.plus(0, TimeSteps.Kind.SECONDS, Frequency.parse("1d"), 3), "a UTC day");
        assertEquals(1701, NUMBERS.plus(1700, TimeSteps.Kind.NUMBER, Frequency.parse("1"), 1));
        assertTrue(Double.isNaN(NUMBERS.plus(1700, TimeSteps.Kind.NUMBER, Frequency.parse("1y"), 1)));
    }

    @Test
    void theStepBetweenTwoTimesIsTheLargestUnitItIsWholeIn() {
        assertEquals(Frequency.parse("1M"), DATES.between(day("2010-01-31"), day("2010-02-28"), TimeSteps.Kind.DAYS));
        assertEquals(Frequency.parse("1q"), DATES.between(day("2010-01-01"), day("2010-04-01"), TimeSteps.Kind.DAYS));
        assertEquals(Frequency.parse("1y"), DATES.between(day("2010-03-01"), day("2011-03-01"), TimeSteps.Kind.DAYS));
        assertEquals(Frequency.parse("2w"), DATES.between(day("2010-03-01"), day("2010-03-15"), TimeSteps.Kind.DAYS));
        assertEquals(Frequency.parse("3d"), DATES.between(day("2010-03-01"), day("2010-03-04"), TimeSteps.Kind.DAYS));
        assertEquals(Frequency.parse("1d"), DATES.between(second("2021-03-28T00:00"), second("2021-03-29T00:00"),
                TimeSteps.Kind.SECONDS), "23 hours, one local day");
        assertEquals(Frequency.parse("15min"), DATES.between(second("2021-03-27T00:00"), second("2021-03-27T00:15"),
                TimeSteps.Kind.SECONDS));
        assertEquals(Frequency.parse("7"), NUMBERS.between(19580329, 19580405 - 69, TimeSteps.Kind.NUMBER));
        assertNull(NUMBERS.between(1.0, 1.5, TimeSteps.Kind.NUMBER), "not whole");
        assertNull(DATES.between(day("2010-03-04"), day("2010-03-01"), TimeSteps.Kind.DAYS), "backwards");
    }

    @Test
    void forecastTimesAreWrittenAsTheTableWritesItsTimes() {
        double feb = second("2010-02-01T00:00");
        double mar = TEXT.plus(feb, TimeSteps.Kind.SECONDS, Frequency.parse("1M"), 1);
        assertEquals("2010-03-01", TEXT.text(mar, TimeSteps.Kind.SECONDS, "2010-02-01"), "ISO dates as dates");
        assertEquals("2010-03-01 00:00:00", TEXT.text(mar, TimeSteps.Kind.SECONDS, "2010-02-01 00:00:00"));
        assertEquals("2010-03-01T00:00:00", TEXT.text(mar, TimeSteps.Kind.SECONDS, "2010-02-01T00:00:00"),
                "ISO with a T, as the table writes it");
        assertEquals("2010-03-01 00:00", TEXT.text(mar, TimeSteps.Kind.SECONDS, "2010-02-01 00:00"), "to the minute");
        assertEquals("2010-03-01 00:00:00", TEXT.text(mar, TimeSteps.Kind.SECONDS, "2010-02-01T00:00:00.5Z"),
                "anything else: to the second");
        assertEquals("201003", MONTHS.text(mar, TimeSteps.Kind.SECONDS, "201002"), "in --time-format");
        assertEquals("2010-03-01", DATES.text(day("2010-03-01"), TimeSteps.Kind.DAYS, null));
        assertEquals("1701", NUMBERS.text(1701, TimeSteps.Kind.NUMBER, "1700"));
    }

    @Test
    void aCalendarFeatureThatRepeatsEveryStepIsFinerThanTheData() {
        assertTrue(CalendarFeature.HOUR_OF_DAY.constantOver(Frequency.parse("1d")));
        assertTrue(CalendarFeature.HOUR_OF_DAY.constantOver(Frequency.parse("1M")), "a month is whole days");
        assertFalse(CalendarFeature.HOUR_OF_DAY.constantOver(Frequency.parse("1h")));
        assertFalse(CalendarFeature.HOUR_OF_DAY.constantOver(Frequency.parse("90min")));
        assertTrue(CalendarFeature.DAY_OF_WEEK.constantOver(Frequency.parse("1w")));
        assertFalse(CalendarFeature.DAY_OF_WEEK.constantOver(Frequency.parse("1M")), "a month is not whole weeks");
        assertTrue(CalendarFeature.DAY_OF_MONTH.constantOver(Frequency.parse("1M")));
        assertFalse(CalendarFeature.DAY_OF_YEAR.constantOver(Frequency.parse("1w")));
        assertFalse(CalendarFeature.MONTH_OF_YEAR.constantOver(Frequency.parse("1M")));
        assertTrue(CalendarFeature.MONTH_OF_YEAR.constantOver(Frequency.parse("4q")));
        assertFalse(CalendarFeature.MONTH_OF_YEAR.constantOver(Frequency.parse("7")));
    }

    /** Rows of series "a" and "b" at the given keys, one input and target each. */
    private static TableRows rows(String[] ids, double[] keys) {
        TableRows rows = new TableRows(1, 1, TimeFormat.NUMBER);
        for (int r = 0; r < ids.length; r++) {
            rows.add(ids[r], keys[r], null, new double[] {r}, new double[] {r});
        }
        return rows;
    }

    /**
     * The steps of a table are counted over every pair of consecutive rows of a series: the same counts whole or in
     * pieces added up with the steps across their edges (how partitions add theirs), whatever the pieces, and the
     * same as counting each pair alone.
     */
    @Test
    void stepsAreCountedOverEveryRowWhateverThePieces() {
        String[] ids = {"a", "a", "a", "a", "a", "a", "b", "b", "b", "b", "b"};
        double[] keys = {1, 2, 3, 5, 6, 7, 10, 12, 14, 15, 16};
        TableRows all = rows(ids, keys);
        TimeSteps.StepCounts whole = new TimeSteps.StepCounts().add(NUMBERS, all);
        TimeSteps.StepCounts pairByPair = new TimeSteps.StepCounts();
        for (int r = 1; r < all.size(); r++) {
            pairByPair.add(NUMBERS, all.slice(r - 1, r + 1));
        }
        assertEquals(new Frequency(1, Frequency.Unit.NUMBER), whole.mostCommon());
        assertEquals(6.0 / 9, whole.share(whole.mostCommon()), 1e-15); // 1 six times, 2 three times
        for (int cut = 0; cut <= all.size(); cut++) {
            TimeSteps.StepCounts pieces = new TimeSteps.StepCounts().add(NUMBERS, all.slice(0, cut))
                    .add(NUMBERS, all.slice(cut, all.size()));
            if (cut > 0 && cut < all.size()) {
                pieces.add(NUMBERS, all.slice(cut - 1, cut + 1)); // the step across the edge
            }
            TimeSteps.StepCounts sent = TimeSteps.StepCounts.fromBytes(pieces.toBytes()); // as a task sends them
            assertEquals(whole.share(whole.mostCommon()), sent.share(sent.mostCommon()), "cut at " + cut);
            assertEquals(whole.mostCommon(), sent.mostCommon(), "cut at " + cut);
        }
        assertEquals(whole.share(new Frequency(2, Frequency.Unit.NUMBER)),
                pairByPair.share(new Frequency(2, Frequency.Unit.NUMBER)), 1e-15);
        assertEquals(whole.share(whole.mostCommon()), new TimeSteps.StepCounts().add(pairByPair)
                .share(whole.mostCommon()), 1e-15);
    }
}
