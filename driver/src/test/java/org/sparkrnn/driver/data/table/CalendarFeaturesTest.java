package org.sparkrnn.driver.data.table;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkrnn.data.WindowTransform;
import org.sparkrnn.driver.DataFormatError;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.config.CalendarFeature;
import org.sparkrnn.driver.config.MissingValues;
import org.sparkrnn.driver.config.SettingError;
import org.sparkrnn.driver.config.TableLayout;

import java.time.LocalDateTime;
import java.time.temporal.ChronoField;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Calendar inputs ({@code --calendar}) and times read with a pattern ({@code --time-format}): each feature's sine and
 * cosine against java.time's own calendar for the same instants, from ISO dates as text, timestamps, dates, and
 * numbers like 200003 read as yyyyMM; with Spark's ANSI mode on (Spark 4's default) and off. Times that are not dates
 * are refused in one line naming the series and the time.
 */
@Tag("every-spark-line")
@Tag("no-numerics")
class CalendarFeaturesTest {

    private static final List<CalendarFeature> ALL = List.of(CalendarFeature.values());

    private static TableLayout layout(List<CalendarFeature> calendar, String format) {
        return new TableLayout("id", "t", List.of("v"), List.of("v"), 2, 1, new int[] {1}, MissingValues.SKIP, null,
                WindowTransform.NONE, calendar, format);
    }

    private static SparkSession spark(boolean ansi) {
        SparkSession spark = SparkSession.builder().sparkContext(SharedSpark.get().sc()).getOrCreate().newSession();
        spark.conf().set("spark.sql.ansi.enabled", String.valueOf(ansi));
        return spark;
    }

    private static TableRows read(SparkSession spark, List<Row> rows, DataType timeType, TableLayout layout) {
        StructType schema = new StructType().add("id", DataTypes.StringType).add("t", timeType)
                .add("v", DataTypes.DoubleType);
        Dataset<Row> table = spark.createDataFrame(rows, schema);
        TableProjection projection = TableProjection.of(table, "table", layout, false);
        return projection.reader().read(projection.rows().collectAsList().iterator());
    }

    /** What java.time says each feature is at {@code t}, as the two inputs. */
    private static double[] expected(LocalDateTime t, List<CalendarFeature> calendar) {
        double[] out = new double[2 * calendar.size()];
        for (int k = 0; k < calendar.size(); k++) {
            CalendarFeature f = calendar.get(k);
            int value = switch (f) {
                case MONTH_OF_YEAR -> t.getMonthValue();
                case WEEK_OF_YEAR -> t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
                case DAY_OF_YEAR -> t.getDayOfYear();
                case DAY_OF_MONTH -> t.getDayOfMonth();
                case DAY_OF_WEEK -> t.getDayOfWeek().getValue() % 7 + 1; // Sunday 1 .. Saturday 7
                case HOUR_OF_DAY -> t.getHour();
                case MINUTE_OF_HOUR -> t.get(ChronoField.MINUTE_OF_HOUR);
            };
            double phase = 2 * Math.PI * (value - f.first()) / f.period();
            out[2 * k] = Math.sin(phase);
            out[2 * k + 1] = Math.cos(phase);
        }
        return out;
    }

    private static void assertInputs(TableRows rows, List<LocalDateTime> times, List<CalendarFeature> calendar) {
        int width = 1 + 2 * calendar.size();
        assertEquals(times.size(), rows.size());
        for (int r = 0; r < times.size(); r++) {
            double[] want = expected(times.get(r), calendar);
            for (int j = 0; j < want.length; j++) {
                assertEquals(want[j], rows.inputs()[r * width + 1 + j], 1e-12, "row " + r + " input " + (j + 1)
                        + " at " + times.get(r));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void everyFeatureFromTextTimestampsAndPatternedNumbers(boolean ansi) {
        SparkSession spark = spark(ansi);
        List<LocalDateTime> times = List.of(LocalDateTime.of(2000, 1, 1, 0, 0), LocalDateTime.of(2000, 2, 29, 13, 45),
                LocalDateTime.of(2010, 12, 31, 23, 59), LocalDateTime.of(2015, 7, 5, 6, 7));
        List<Row> text = new ArrayList<>();
        List<Row> stamps = new ArrayList<>();
        for (LocalDateTime t : times) {
            text.add(RowFactory.create("a", t.toString().replace('T', ' '), 1.0));
            stamps.add(RowFactory.create("a", java.sql.Timestamp.valueOf(t), 1.0));
        }
        assertInputs(read(spark, text, DataTypes.StringType, layout(ALL, null)), times, ALL);
        assertInputs(read(spark, stamps, DataTypes.TimestampType, layout(ALL, null)), times, ALL);
        assertInputs(read(spark, text, DataTypes.StringType, layout(ALL, "yyyy-MM-dd HH:mm")), times, ALL);

        // numbers read with a pattern: 200003 as yyyyMM is March 2000; the times keep their text
        List<CalendarFeature> months = List.of(CalendarFeature.MONTH_OF_YEAR);
        List<Row> numbers = List.of(RowFactory.create("a", 200003, 1.0), RowFactory.create("a", 200012, 1.0));
        TableRows rows = read(spark, numbers, DataTypes.IntegerType, layout(months, "yyyyMM"));
        assertInputs(rows, List.of(LocalDateTime.of(2000, 3, 1, 0, 0), LocalDateTime.of(2000, 12, 1, 0, 0)), months);
        assertEquals("200003", rows.text(0));
        assertEquals(List.of("v", "month-of-year.sin", "month-of-year.cos"), layout(months, "yyyyMM").inputColumns());
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void timesThatAreNotDatesAreRefusedInOneLine(boolean ansi) {
        SparkSession spark = spark(ansi);
        List<CalendarFeature> months = List.of(CalendarFeature.MONTH_OF_YEAR);
        List<Row> numbers = List.of(RowFactory.create("a", 200003, 1.0));
        assertEquals("table: --calendar reads dates from column 't' (--time-column), which holds numbers: give"
                + " --time-format, e.g. yyyyMMdd", assertThrows(SettingError.class,
                () -> read(spark, numbers, DataTypes.IntegerType, layout(months, null))).renderKeys(k -> "--" + k));
        List<Row> text = List.of(RowFactory.create("b", "2000-03-01", 1.0), RowFactory.create("b", "20000401", 1.0));
        assertEquals("table: series b: time '20000401' is not a date or timestamp, which --calendar needs (give"
                + " --time-format, e.g. yyyyMMdd)", assertThrows(DataFormatError.class,
                () -> read(spark, text, DataTypes.StringType, layout(months, null))).getMessage());
        assertEquals("table: series b: time '2000-03-01' does not match --time-format 'yyyyMMdd'",
                assertThrows(DataFormatError.class,
                        () -> read(spark, text, DataTypes.StringType, layout(List.of(), "yyyyMMdd"))).getMessage());
        List<Row> dates = List.of(RowFactory.create("c", java.sql.Date.valueOf("2000-03-01"), 1.0));
        assertEquals("table: --calendar hour-of-day is finer than the dates of column 't' (--time-column)",
                assertThrows(SettingError.class, () -> read(spark, dates, DataTypes.DateType,
                        layout(List.of(CalendarFeature.HOUR_OF_DAY), null))).renderKeys(k -> "--" + k));
        assertEquals("--calendar derives features from each row's time: give --time-column",
                assertThrows(SettingError.class, () -> new TableLayout("id", null, List.of("v"), List.of("v"), 2, 1,
                        new int[] {1}, MissingValues.SKIP, null, WindowTransform.NONE, months, null))
                        .renderKeys(k -> "--" + k));
        String pattern = assertThrows(SettingError.class, () -> layout(months, "yyyy-MM-dd-Q-ppp"))
                .renderKeys(k -> "--" + k);
        assertTrue(pattern.startsWith("--time-format 'yyyy-MM-dd-Q-ppp' is not a date-time pattern: "), pattern);
    }

    /**
     * The steps a decoder reads past a table's end, made from their times ({@link SeriesCovariates#derivedSteps}),
     * are the steps the table's rows give through Spark: every row's calendar inputs and static, made from the time
     * of a row h steps earlier, bit for bit. Timestamps every 15 minutes across both daylight-saving changes of
     * New York, ISO dates as text daily across a 53-week year in Berlin, dates monthly from month ends, numbers read
     * as yyyyMM, hourly text in UTC.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void stepsPastTheEndAreTheStepsTheRowsGive(boolean ansi) {
        SparkSession spark = spark(ansi);
        List<Row> quarters = new ArrayList<>();
        for (String[] days : new String[][] {{"a", "2021-03-13T00:00:00Z"}, {"b", "2021-11-06T00:00:00Z"}}) {
            java.time.Instant from = java.time.Instant.parse(days[1]);
            for (int k = 0; k < 4 * 24 * 3; k++) {
                quarters.add(RowFactory.create(days[0], java.sql.Timestamp.from(from.plusSeconds(900L * k)), 1.0,
                        days[0].equals("a") ? 3.0 : 4.0));
            }
        }
        assertSameSteps(spark, "America/New_York", quarters, DataTypes.TimestampType, ALL, null, "15min");
        List<Row> days = new ArrayList<>();
        for (java.time.LocalDate d = java.time.LocalDate.of(2020, 12, 1); d.isBefore(java.time.LocalDate.of(2021,
                2, 1)); d = d.plusDays(1)) {
            days.add(RowFactory.create("c", d.toString(), 1.0, 5.0));
        }
        List<CalendarFeature> dateFeatures = List.of(CalendarFeature.MONTH_OF_YEAR, CalendarFeature.WEEK_OF_YEAR,
                CalendarFeature.DAY_OF_YEAR, CalendarFeature.DAY_OF_MONTH, CalendarFeature.DAY_OF_WEEK);
        assertSameSteps(spark, "Europe/Berlin", days, DataTypes.StringType, dateFeatures, null, "1d");
        List<Row> monthEnds = new ArrayList<>();
        for (int m = 0; m < 30; m++) {
            java.time.LocalDate end = java.time.LocalDate.of(2019, 1, 31).plusMonths(m)
                    .with(java.time.temporal.TemporalAdjusters.lastDayOfMonth());
            monthEnds.add(RowFactory.create("d", java.sql.Date.valueOf(end), 1.0, 6.0));
        }
        assertSameSteps(spark, "UTC", monthEnds, DataTypes.DateType, dateFeatures, null, "1M");
        List<Row> numbers = new ArrayList<>();
        for (int m = 0; m < 30; m++) {
            java.time.YearMonth month = java.time.YearMonth.of(1999, 11).plusMonths(m);
            numbers.add(RowFactory.create("e", month.getYear() * 100 + month.getMonthValue(), 1.0, 7.0));
        }
        assertSameSteps(spark, "Asia/Kolkata", numbers, DataTypes.IntegerType, List.of(CalendarFeature.MONTH_OF_YEAR),
                "yyyyMM", "1M");
        List<Row> hours = new ArrayList<>();
        for (int h = 0; h < 24 * 9; h++) {
            hours.add(RowFactory.create("f", LocalDateTime.of(2021, 3, 25, 0, 0).plusHours(h).toString()
                    .replace('T', ' ') + ":00", 1.0, 8.0));
        }
        assertSameSteps(spark, "UTC", hours, DataTypes.StringType, List.of(CalendarFeature.HOUR_OF_DAY,
                CalendarFeature.DAY_OF_WEEK), null, "1h");
    }

    /**
     * Reads {@code rows} (id, t, v, static s) in {@code zone} with a decoder's layout (horizons 1..3) and checks
     * each row's known inputs against those made from the time of each of the three rows before it.
     */
    private static void assertSameSteps(SparkSession spark, String zone, List<Row> rows, DataType timeType,
                                        List<CalendarFeature> calendar, String format, String step) {
        spark.conf().set("spark.sql.session.timeZone", zone);
        StructType schema = new StructType().add("id", DataTypes.StringType).add("t", timeType)
                .add("v", DataTypes.DoubleType).add("s", DataTypes.DoubleType);
        int[] horizons = {1, 2, 3};
        TableLayout layout = new TableLayout("id", "t", List.of("v"), List.of("v"), 2, 1, horizons,
                MissingValues.SKIP, null, WindowTransform.NONE, false, calendar, format, null, List.of(), List.of("s"),
                true, java.util.Map.of("s", List.of()));
        Dataset<Row> table = spark.createDataFrame(rows, schema);
        TableProjection projection = TableProjection.of(table, "table", layout, false);
        TableRows read = projection.reader().read(projection.rows().orderBy(TableProjection.ID,
                TableProjection.TIME).collectAsList().iterator());
        TimeSteps times = TableProjection.timeSteps(schema, "t", format, zone);
        org.sparkrnn.driver.config.Frequency frequency = org.sparkrnn.driver.config.Frequency.parse(step);
        SeriesCovariates covariates = SeriesCovariates.of(layout);
        int width = read.inputSize();
        int compared = 0;
        for (int r = 0; r + 3 < read.size(); r++) {
            double[][] made = covariates.derivedSteps(read, r, horizons, times, frequency);
            for (int h = 0; h < 3; h++) {
                int later = r + horizons[h];
                if (!java.util.Objects.equals(read.id(later), read.id(r))) {
                    continue;
                }
                assertEquals(times.plus(read.time(r), times.kind(read, r), frequency, horizons[h]), read.time(later),
                        "the row " + horizons[h] + " steps after " + read.text(r));
                for (int c : covariates.future()) {
                    assertEquals(Double.doubleToLongBits(read.inputs()[later * width + c]),
                            Double.doubleToLongBits(made[h][c]), zone + ": input " + c + " at " + read.text(later)
                                    + ", made from " + read.text(r) + ": " + read.inputs()[later * width + c]
                                    + " from the table, " + made[h][c] + " made");
                }
                compared++;
            }
        }
        assertTrue(compared >= rows.size(), compared + " steps compared of " + rows.size() + " rows");
    }
}
