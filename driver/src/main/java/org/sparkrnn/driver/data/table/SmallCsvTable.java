package org.sparkrnn.driver.data.table;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.mapred.TextInputFormat;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.sparkrnn.driver.DataFormatError;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.config.CalendarFeature;
import org.sparkrnn.driver.config.TableLayout;
import org.sparkrnn.driver.data.records.DataFiles;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A long table in one small CSV file that needs neither Spark's CSV parser nor a Spark SQL query to be read: its
 * rows projected (as {@link TableProjection} projects them) and ordered by (series, time) in one task, in Java. A
 * fresh JVM's first Spark SQL query (planning, code generation, the file scan's classes) costs more than the whole
 * load of a small table; this reader keeps what the table gives exactly as Spark's reader gives it, and is used only
 * where that is plain to see:
 * <ul>
 *   <li>the file: one, uncompressed, at most {@code maxBytes}, no byte-order mark, no quote ({@code "}), escape
 *       ({@code \}) or NUL character anywhere, every line that is not blank of the header's width (Spark's reader
 *       splits such a line at each delimiter, keeps spaces, reads an empty cell as null, skips blank lines and
 *       takes the first line that is not blank as the header);</li>
 *   <li>the layout: a time column read without {@code --time-format} (numbers as Spark's cast reads them, other
 *       text as Spark's cast to a timestamp in the session's zone, {@link TextTimes}), no static columns (their
 *       categories are learned by a query).</li>
 * </ul>
 * Anything else is read by Spark ({@link #of} says null). {@code SmallCsvTableTest} holds the two readers equal.
 */
public final class SmallCsvTable implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final char delimiter;
    private final boolean header;
    private final List<String> columns;
    private final long bytes;

    private SmallCsvTable(String file, char delimiter, boolean header, List<String> columns, long bytes) {
        this.file = file;
        this.delimiter = delimiter;
        this.header = header;
        this.columns = columns;
        this.bytes = bytes;
    }

    /** The file's size in bytes: Spark's own estimate of the table's (an uncompressed file's length). */
    public long bytes() {
        return bytes;
    }

    /**
     * The table's rows as {@code reader} reads the projection of {@code layout}, ordered, in one partition: one task
     * reads the file with Hadoop's line reader (as Spark's CSV reader does), projects and sorts it. Lazy.
     */
    JavaRDD<TableRows> rows(JavaSparkContext sc, TableLayout layout, String zone, TableRowReader reader) {
        Projection projection = projection(layout, zone);
        return sc.hadoopFile(file, TextInputFormat.class, LongWritable.class, Text.class, 1).coalesce(1)
                .mapPartitions(lines -> java.util.Collections.singletonList(reader.read(projection.rows(
                        new Iterator<Text>() {
                            @Override
                            public boolean hasNext() {
                                return lines.hasNext();
                            }

                            @Override
                            public Text next() {
                                return lines.next()._2();
                            }
                        }).iterator())).iterator(), true);
    }

    /**
     * {@code file} as a small plain CSV table whose columns are {@code columns} (as Spark's reader names them), or
     * null when Spark's reader must read it: compressed, larger than {@code maxBytes}, with a byte-order mark, a quote,
     * an escape or a NUL character, or a line of another width. Reads the file once, on the driver.
     */
    public static SmallCsvTable of(Configuration conf, String file, char delimiter, boolean header,
                                   List<String> columns, long maxBytes) {
        if (delimiter >= 0x80 || delimiter == '"' || delimiter == '\\' || delimiter == '\n' || delimiter == '\r'
                || delimiter == 0 || columns.size() < 2 || conf.get("textinputformat.record.delimiter") != null) {
            return null;
        }
        Path path = new Path(file);
        if (new CompressionCodecFactory(conf).getCodec(path) != null) {
            return null;
        }
        try {
            if (path.getFileSystem(conf).getFileStatus(path).getLen() > maxBytes) {
                return null;
            }
            byte[] bytes;
            try (InputStream in = DataFiles.open(conf, file)) {
                bytes = in.readNBytes((int) maxBytes + 1);
            }
            return bytes.length <= maxBytes && plain(bytes, (byte) delimiter, columns.size())
                    ? new SmallCsvTable(file, delimiter, header, List.copyOf(columns), bytes.length) : null;
        } catch (IOException e) {
            throw new UserError(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Whether a file's bytes are plain CSV of {@code width} columns: no byte-order mark, quote, escape or NUL, and
     * every line that is not blank (a line ends at LF, CR or CR LF, as Hadoop's line reader ends them) with
     * {@code width − 1} delimiters.
     */
    static boolean plain(byte[] bytes, byte delimiter, int width) {
        if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB && (bytes[2] & 0xff) == 0xBF) {
            return false;
        }
        int delimiters = 0;
        boolean blank = true;
        for (int i = 0; i <= bytes.length; i++) {
            byte b = i == bytes.length ? (byte) '\n' : bytes[i];
            if (b == '\n' || b == '\r') {
                if (!blank && delimiters != width - 1) {
                    return false;
                }
                delimiters = 0;
                blank = true;
            } else if (b == '"' || b == '\\' || b == 0) {
                return false;
            } else {
                if (b == delimiter) {
                    delimiters++;
                }
                if ((b & 0xff) > ' ') { // what String.trim keeps; a UTF-8 byte of a wider character is above it
                    blank = false;
                }
            }
        }
        return true;
    }

    /**
     * Whether this reader gives what Spark's would for {@code layout} in a session whose timestamps are
     * {@code timestampType} ({@code spark.sql.timestampType}): a time column without a pattern, no static columns.
     */
    public boolean reads(TableLayout layout, String timestampType) {
        return layout.timeColumn() != null && layout.timeFormat() == null && layout.staticColumns().isEmpty()
                && "TIMESTAMP_LTZ".equalsIgnoreCase(timestampType);
    }

    /**
     * How each of the file's lines becomes a projected row ({@link TableProjection}'s: series key, time key, the
     * time's text, each value column once, calendar inputs from the time), in {@code zone} (the session's).
     */
    Projection projection(TableLayout layout, String zone) {
        List<String> values = TableRowReader.valueColumns(layout);
        int[] valueAt = new int[values.size()];
        CalendarFeature[] calendar = new CalendarFeature[values.size()];
        for (int k = 0; k < values.size(); k++) {
            valueAt[k] = columns.indexOf(values.get(k));
            for (CalendarFeature f : layout.calendar()) {
                if (f.inputNames().contains(values.get(k))) {
                    calendar[k] = f;
                    valueAt[k] = f.inputNames().indexOf(values.get(k)); // 0: the sine, 1: the cosine
                }
            }
        }
        return new Projection(file, delimiter, header, columns.size(), layout.idColumn() == null ? -1
                : columns.indexOf(layout.idColumn()), columns.indexOf(layout.timeColumn()), valueAt, calendar, zone);
    }

    /** The lines of the file made rows, in the table's (series, time) order. Runs in a task. */
    static final class Projection implements Serializable {
        private static final long serialVersionUID = 1L;

        private final String file;
        private final char delimiter;
        private final boolean header;
        private final int width;
        private final int idAt;
        private final int timeAt;
        private final int[] valueAt;
        private final CalendarFeature[] calendar;
        private final String zone;

        Projection(String file, char delimiter, boolean header, int width, int idAt, int timeAt, int[] valueAt,
                   CalendarFeature[] calendar, String zone) {
            this.file = file;
            this.delimiter = delimiter;
            this.header = header;
            this.width = width;
            this.idAt = idAt;
            this.timeAt = timeAt;
            this.valueAt = valueAt;
            this.calendar = calendar;
            this.zone = zone;
        }

        /**
         * The file's lines (as Hadoop's line reader gives them: UTF-8 bytes without their line ends), the blank ones
         * and the header left out, as projected rows sorted by series key, then time key (nulls first, as Spark
         * sorts them).
         */
        List<Row> rows(Iterator<Text> lines) {
            ZoneId zoneId = TextTimes.zone(zone);
            List<Row> rows = new ArrayList<>();
            java.util.Map<String, Object[]> times = new java.util.HashMap<>(); // a time's key and calendar, once
            boolean headerLeft = header;
            String[] cells = new String[width];
            while (lines.hasNext()) {
                Text text = lines.next();
                String line = new String(text.getBytes(), 0, text.getLength(), StandardCharsets.UTF_8);
                if (line.trim().isEmpty()) {
                    continue;
                }
                if (headerLeft) {
                    headerLeft = false;
                    continue;
                }
                if (!split(line, cells)) { // checked when the file was chosen: it changed since
                    throw new DataFormatError(file, "a line is not " + width + " columns wide as the header is"
                            + " (the file changed while it was read?)");
                }
                rows.add(row(cells, zoneId, times));
            }
            rows.sort(SmallCsvTable::compare);
            return rows;
        }

        /**
         * A line's cells as a projected row; what its time gives (key, calendar inputs) is made once per distinct
         * time text ({@code times}: the series of a panel share their times).
         */
        private Row row(String[] cells, ZoneId zoneId, java.util.Map<String, Object[]> times) {
            Object[] out = new Object[3 + valueAt.length];
            String time = cell(cells, timeAt);
            Object[] derived = time == null ? null : times.computeIfAbsent(time, text -> derived(text, zoneId));
            out[0] = idAt < 0 ? (Object) 0 : cell(cells, idAt);
            out[1] = derived == null ? null : derived[0];
            out[2] = time;
            for (int k = 0; k < valueAt.length; k++) {
                out[3 + k] = calendar[k] == null ? cell(cells, valueAt[k]) : derived == null ? null : derived[1 + k];
            }
            return RowFactory.create(out);
        }

        /** What a time's text gives: its key, then at each calendar input's place that input (null: no timestamp). */
        private Object[] derived(String time, ZoneId zoneId) {
            Object[] out = new Object[1 + valueAt.length];
            out[0] = TextTimes.key(time, zoneId);
            LocalDateTime local = null;
            boolean timestamp = false;
            for (int k = 0; k < valueAt.length; k++) {
                if (calendar[k] != null) {
                    if (!timestamp) {
                        timestamp = true;
                        Long micros = TextTimes.micros(time, zoneId);
                        local = micros == null ? null : LocalDateTime.ofInstant(Instant.EPOCH.plus(micros,
                                java.time.temporal.ChronoUnit.MICROS), zoneId);
                    }
                    out[1 + k] = local == null ? null : calendar[k].inputsAt(local)[valueAt[k]];
                }
            }
            return out;
        }

        /** {@code line} split at each delimiter into {@code cells}; false when it is not that wide. */
        private boolean split(String line, String[] cells) {
            int from = 0;
            for (int c = 0; c < cells.length - 1; c++) {
                int at = line.indexOf(delimiter, from);
                if (at < 0) {
                    return false;
                }
                cells[c] = line.substring(from, at);
                from = at + 1;
            }
            if (line.indexOf(delimiter, from) >= 0) {
                return false;
            }
            cells[cells.length - 1] = line.substring(from);
            return true;
        }

        /** A cell as Spark's reader gives a string column's: an empty cell is null. */
        private static String cell(String[] cells, int at) {
            return cells[at].isEmpty() ? null : cells[at];
        }
    }

    /** Spark's ascending order of (series key, time key): nulls first, text by its UTF-8 bytes (code points). */
    private static int compare(Row a, Row b) {
        int byId = compareIds(a.get(0), b.get(0));
        if (byId != 0) {
            return byId;
        }
        if (a.isNullAt(1) || b.isNullAt(1)) {
            return Boolean.compare(!a.isNullAt(1), !b.isNullAt(1));
        }
        double x = a.getDouble(1);
        double y = b.getDouble(1);
        return x == y ? 0 : Double.compare(x, y); // -0.0 and 0.0 equal, as Spark orders doubles
    }

    private static int compareIds(Object a, Object b) {
        if (a == null || b == null) {
            return Boolean.compare(a != null, b != null);
        }
        if (a instanceof String x && b instanceof String y) {
            return compareText(x, y);
        }
        return 0; // no series column: every key is 0
    }

    /** Text in the order of its UTF-8 bytes (Spark's order of strings): by code point, not by UTF-16 unit. */
    static int compareText(String x, String y) {
        int n = Math.min(x.length(), y.length());
        for (int i = 0; i < n; i++) {
            char a = x.charAt(i);
            char b = y.charAt(i);
            if (a != b) {
                return Character.isSurrogate(a) || Character.isSurrogate(b)
                        ? Integer.compare(x.codePointAt(i), y.codePointAt(i)) : Character.compare(a, b);
            }
        }
        return Integer.compare(x.length(), y.length());
    }
}
