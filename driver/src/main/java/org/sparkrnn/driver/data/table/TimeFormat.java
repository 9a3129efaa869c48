package org.sparkrnn.driver.data.table;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * How a long table's time is written back from the number that orders it ({@link TableProjection}'s time key), so
 * that a pass that only orders and cuts rows carries no text per row, and a message can still name a row's time as
 * the table writes it.
 */
public enum TimeFormat {
    /** A number column: integral values without a fraction. */
    NUMBER,
    /** A date column: the key counts days since 1970-01-01. */
    DATE,
    /** A timestamp column: the key counts seconds since 1970, shown in the JVM's zone (Spark's default). */
    TIMESTAMP,
    /** No time column: the key is the row's position in the input. */
    ROW,
    /** Text that is kept with every row (a text column, or a pass that writes times out). */
    TEXT;

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    String text(double key) {
        return switch (this) {
            case NUMBER -> key == Math.rint(key) && Math.abs(key) < 1e15 ? Long.toString((long) key)
                    : Double.toString(key);
            case DATE -> LocalDate.ofEpochDay((long) key).toString();
            case TIMESTAMP -> {
                long seconds = (long) Math.floor(key);
                String text = SECONDS.format(Instant.ofEpochSecond(seconds).atZone(ZoneId.systemDefault()));
                double fraction = key - seconds;
                yield fraction == 0 ? text : text + String.format(java.util.Locale.ROOT, "%.6f", fraction)
                        .substring(1);
            }
            case ROW -> "row " + (long) key;
            case TEXT -> throw new IllegalStateException("the time's text is kept with its row");
        };
    }
}
