package org.sparkrnn.driver.data.table;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.data.WindowTransform;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.config.CalendarFeature;
import org.sparkrnn.driver.config.MissingValues;
import org.sparkrnn.driver.config.TableLayout;
import org.sparkrnn.driver.data.records.Partitioning;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A small plain CSV table read without Spark SQL ({@link SmallCsvTable}) gives, row for row and bit for bit, what
 * Spark's CSV reader and the projection give ({@link TableProjection}, sorted by series and time in one partition, as
 * a one-range load sorts it): series keys, time keys, the times' text, values, gaps and calendar inputs, in the same
 * order, or the same error; in sessions of several time zones (daylight-saving changes included), with ANSI mode on
 * and off. Files Spark's reader must read (quotes, escapes, a byte-order mark, ragged lines, compressed, too large)
 * are left to it.
 */
@Tag("every-spark-line")
@Tag("no-numerics")
class SmallCsvTableTest {

    private static SparkSession session(String zone, boolean ansi) {
        SparkSession spark = SparkSession.builder().sparkContext(SharedSpark.get().sc()).getOrCreate().newSession();
        spark.conf().set("spark.sql.session.timeZone", zone);
        spark.conf().set("spark.sql.ansi.enabled", String.valueOf(ansi));
        return spark;
    }

    private static TableLayout layout(String id, String time, List<String> features, List<String> targets,
                                      List<CalendarFeature> calendar) {
        return new TableLayout(id, time, features, targets, 2, 1, new int[] {1}, MissingValues.SKIP, null,
                WindowTransform.NONE, calendar, null);
    }

    /** The table as the load reads it with Spark: every column as text, named by the header (or 1, 2, ...). */
    private static Dataset<Row> table(SparkSession spark, Path file, char delimiter, List<String> columns,
                                      boolean header) {
        StructType schema = new StructType();
        for (String column : columns) {
            schema = schema.add(column, DataTypes.StringType, true);
        }
        return spark.read().option("header", header).option("sep", String.valueOf(delimiter)).schema(schema)
                .csv(file.toString());
    }

    /** Each row of {@code rows} as text: key, time key's bits, time text, every input's and target's bits. */
    private static List<String> described(TableRows rows) {
        List<String> out = new ArrayList<>();
        int inputs = rows.inputSize();
        int targets = rows.targetWidth();
        for (int r = 0; r < rows.size(); r++) {
            StringBuilder line = new StringBuilder().append(rows.id(r)).append('|')
                    .append(Long.toHexString(Double.doubleToRawLongBits(rows.time(r)))).append('|')
                    .append(rows.text(r));
            for (int j = 0; j < inputs; j++) {
                line.append('|').append(Long.toHexString(Double.doubleToRawLongBits(rows.inputs()[r * inputs + j])));
            }
            for (int j = 0; j < targets; j++) {
                line.append('|').append(Long.toHexString(Double.doubleToRawLongBits(rows.targets()[r * targets + j])));
            }
            out.add(line.toString());
        }
        return out;
    }

    /** What Spark's reader gives: the projection sorted in one partition, read as a one-range load reads it. */
    private static List<String> bySpark(SparkSession spark, Path file, char delimiter, List<String> columns,
                                        boolean header, TableLayout layout, boolean texts) {
        try {
            TableProjection projection = TableProjection.of(table(spark, file, delimiter, columns, header), "t.csv",
                    layout, texts);
            List<Row> rows = projection.rows().coalesce(1).sortWithinPartitions(TableProjection.ID,
                    TableProjection.TIME).collectAsList();
            return described(projection.reader().read(rows.iterator()));
        } catch (Exception e) { // Spark's job failure is a checked SparkException
            return List.of("error: " + rootMessage(e));
        }
    }

    /** What {@link SmallCsvTable} gives for the same file, layout and session. */
    private static List<String> bySmallCsv(SparkSession spark, Path file, char delimiter, List<String> columns,
                                           boolean header, TableLayout layout, boolean texts) {
        JavaSparkContext sc = SharedSpark.get();
        SmallCsvTable csv = SmallCsvTable.of(sc.hadoopConfiguration(), file.toString(), delimiter, header, columns,
                Partitioning.ONE_RANGE_BYTES);
        assertNotNull(csv, file + " is plain");
        assertTrue(csv.reads(layout, spark.conf().get("spark.sql.timestampType", "TIMESTAMP_LTZ")));
        try {
            TableProjection projection = TableProjection.of(table(spark, file, delimiter, columns, header), "t.csv",
                    layout, texts);
            List<TableRows> parts = csv.rows(sc, layout, spark.conf().get("spark.sql.session.timeZone"),
                    projection.reader()).collect();
            assertEquals(1, parts.size());
            return described(parts.get(0));
        } catch (Exception e) { // Spark's job failure is a checked SparkException
            return List.of("error: " + rootMessage(e));
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage();
    }

    private static void assertSameRows(Path file, char delimiter, List<String> columns, boolean header,
                                       TableLayout layout, boolean expectRows) {
        // each zone once, ANSI on and off, every time's text kept (prediction) or only a text column's (training)
        String[] zones = {"UTC", "America/New_York", "Asia/Kolkata", "Europe/Berlin"};
        for (int k = 0; k < zones.length; k++) {
            boolean ansi = k % 2 == 0;
            boolean texts = k / 2 == 0;
            SparkSession spark = session(zones[k], ansi);
            List<String> want = bySpark(spark, file, delimiter, columns, header, layout, texts);
            assertEquals(expectRows, want.isEmpty() || !want.get(0).startsWith("error: "), want.toString());
            assertEquals(want, bySmallCsv(spark, file, delimiter, columns, header, layout, texts),
                    file.getFileName() + " in " + zones[k] + (ansi ? ", ANSI" : ""));
        }
    }

    @Test
    void theBundledCo2TableReadsAsSparkReadsIt() {
        Path co2 = Path.of("../data/co2-by-year.csv");
        List<String> columns = List.of("year", "date", "co2", "season");
        TableLayout layout = layout("year", "date", List.of("co2", "season"), List.of("co2"), List.of());
        assertSameRows(co2, ',', columns, true, layout, true);
    }

    @Test
    void textTimesGapsSpacesLineEndsAndKeysReadAsSparkReadsThem(@TempDir Path tmp) throws Exception {
        // ISO dates and date-times ('T' or space, to the minute, with an offset), across New York's and Berlin's
        // daylight-saving changes; numbers as times; unordered rows, blank lines, CR LF and CR line ends, a gap, a
        // value with spaces, series keys whose UTF-8 order is not their UTF-16 order (U+FF21 against U+1D518)
        String rows = "store,day,sales,price\r\n"
                + "b,2021-03-14 02:30:00,3, 1.5 \r\n"
                + "a,2021-03-14T01:30,1,2\r\n"
                + "\r\n"
                + "a,2021-03-28 02:30,2,\r\n"
                + "a,2021-11-07 01:30:00,4,3\r"
                + "b,2021-03-14T07:30:00Z,5,6\n"
                + "\uFF21,2020-12-31,7,8\n"
                + "\uD835\uDD18,2021-01-01,9,10\n"
                + "c,19950101,11,12\n"
                + "c,1995.5,13,14\n"
                + "   \n"
                + "c, 42 ,15,16\n";
        Path file = Files.writeString(tmp.resolve("t.csv"), rows, StandardCharsets.UTF_8);
        List<String> columns = List.of("store", "day", "sales", "price");
        assertSameRows(file, ',', columns, true,
                layout("store", "day", List.of("sales", "price"), List.of("sales"), List.of()), true);
    }

    @Test
    void calendarInputsReadAsSparkMakesThem(@TempDir Path tmp) throws Exception {
        StringBuilder rows = new StringBuilder("id;t;v\n");
        java.time.LocalDateTime t = java.time.LocalDateTime.of(2020, 12, 26, 0, 0);
        for (int k = 0; k < 300; k++) { // every 7 h 13 min: each hour, minute and day turns up, across the year's end
            rows.append(k % 3).append(';').append(t.plusMinutes(433L * k).toString().replace('T', ' ')).append(';')
                    .append(k).append('\n');
        }
        Path file = Files.writeString(tmp.resolve("c.csv"), rows);
        assertSameRows(file, ';', List.of("id", "t", "v"), true, layout("id", "t", List.of("v"), List.of("v"),
                List.of(CalendarFeature.values())), true);
        // no header: columns 1, 2, 3
        Path bare = Files.writeString(tmp.resolve("bare.csv"), rows.substring(rows.indexOf("\n") + 1));
        assertSameRows(bare, ';', List.of("1", "2", "3"), false, layout("1", "2", List.of("3"), List.of("3"),
                List.of(CalendarFeature.MONTH_OF_YEAR)), true);
        // no series column: one series, every key Spark's literal 0
        assertSameRows(bare, ';', List.of("1", "2", "3"), false, layout(null, "2", List.of("1", "3"), List.of("3"),
                List.of(CalendarFeature.DAY_OF_WEEK)), true);
    }

    @Test
    void badRowsGiveSparksErrors(@TempDir Path tmp) throws Exception {
        List<String> columns = List.of("id", "t", "v");
        TableLayout plain = layout("id", "t", List.of("v"), List.of("v"), List.of());
        assertSameRows(Files.writeString(tmp.resolve("a.csv"), "id,t,v\na,1,2\na,2,n/a\n"), ',', columns, true,
                plain, false);
        assertSameRows(Files.writeString(tmp.resolve("b.csv"), "id,t,v\na,1,2\na,yesterday,3\n"), ',', columns,
                true, plain, false);
        assertSameRows(Files.writeString(tmp.resolve("c.csv"), "id,t,v\na,1,2\n,2,3\n"), ',', columns, true, plain,
                false);
        assertSameRows(Files.writeString(tmp.resolve("d.csv"), "id,t,v\na,20200101,2\n"), ',', columns, true,
                layout("id", "t", List.of("v"), List.of("v"), List.of(CalendarFeature.MONTH_OF_YEAR)), false);
        assertSameRows(Files.writeString(tmp.resolve("e.csv"), "id,t,v\n"), ',', columns, true, plain, true);
    }

    @Test
    void filesSparksReaderMustReadAreLeftToIt(@TempDir Path tmp) throws Exception {
        org.apache.hadoop.conf.Configuration conf = SharedSpark.get().hadoopConfiguration();
        List<String> columns = List.of("id", "t", "v");
        String[] notPlain = {"id,t,v\na,1,\"2\"\n", "id,t,v\na,1,2\\\n", "\uFEFFid,t,v\na,1,2\n", "id,t,v\na,1\n",
            "id,t,v\na,1,2,3\n", "id,t,v\na,1,2\u0000\n"};
        for (int k = 0; k < notPlain.length; k++) {
            Path file = Files.writeString(tmp.resolve("n" + k + ".csv"), notPlain[k]);
            assertNull(SmallCsvTable.of(conf, file.toString(), ',', true, columns, Partitioning.ONE_RANGE_BYTES),
                    notPlain[k]);
        }
        Path big = Files.writeString(tmp.resolve("big.csv"), "id,t,v\n" + "a,1,2\n".repeat(1000));
        assertNull(SmallCsvTable.of(conf, big.toString(), ',', true, columns, 1000));
        assertNotNull(SmallCsvTable.of(conf, big.toString(), ',', true, columns, Files.size(big)));
        Path gz = tmp.resolve("t.csv.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write("id,t,v\na,1,2\n".getBytes(StandardCharsets.UTF_8));
        }
        assertNull(SmallCsvTable.of(conf, gz.toString(), ',', true, columns, Partitioning.ONE_RANGE_BYTES));
        SmallCsvTable plain = SmallCsvTable.of(conf, big.toString(), ',', true, columns, Files.size(big));
        assertTrue(plain.reads(layout("id", "t", List.of("v"), List.of("v"), List.of()), "TIMESTAMP_LTZ"));
        assertTrue(!plain.reads(layout("id", "t", List.of("v"), List.of("v"), List.of()), "TIMESTAMP_NTZ"));
        assertTrue(!plain.reads(new TableLayout("id", "t", List.of("v"), List.of("v"), 2, 1, new int[] {1},
                MissingValues.SKIP, null, WindowTransform.NONE, List.of(), "yyyyMMdd"), "TIMESTAMP_LTZ"));
        assertTrue(!plain.reads(layout("id", null, List.of("v"), List.of("v"), List.of()), "TIMESTAMP_LTZ"));
    }

    @Test
    void textOrdersByUtf8Bytes() {
        String[] keys = {"a", "b", "\uFF21", "\uD835\uDD18", "", "ab", "\u00E9"};
        for (String x : keys) {
            for (String y : keys) {
                assertEquals(Integer.signum(org.apache.spark.unsafe.types.UTF8String.fromString(x).compareTo(
                        org.apache.spark.unsafe.types.UTF8String.fromString(y))),
                        Integer.signum(SmallCsvTable.compareText(x, y)), x + " vs " + y);
            }
        }
    }
}
