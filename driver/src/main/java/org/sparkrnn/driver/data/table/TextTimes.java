package org.sparkrnn.driver.data.table;

import org.apache.spark.sql.catalyst.util.DateTimeUtils;
import org.apache.spark.unsafe.types.UTF8String;

import java.time.ZoneId;

/**
 * A time written as text, read as the projection reads a text time column ({@link TableProjection#timeKey}): a
 * number if it is one, else a date or timestamp as Spark's cast reads text, in the session's zone. In Java, with
 * Spark's own functions, for what is read without a query ({@link SmallCsvTable}, {@code --validate-from}).
 */
final class TextTimes {

    private TextTimes() {
    }

    /**
     * Text that is a number: what Spark's cast to double and Java's {@code Double.parseDouble} both read, as the
     * same value (a sign, digits, a point, an exponent; spaces around it). The projection's {@code rlike}.
     */
    static final String NUMBER_TEXT = "^\\s*[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?\\s*$";
    private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile(NUMBER_TEXT);

    /** Whether {@code text} is a number as the projection finds one ({@code rlike}: a match found in it). */
    static boolean isNumber(String text) {
        return NUMBER.matcher(text).find();
    }

    /**
     * The time key of a text time: the number it is, read as Spark's cast reads it, else the seconds since 1970 of
     * the timestamp Spark's cast reads in {@code zone} (as {@code try_to_timestamp} without a pattern), else null.
     */
    static Double key(String text, ZoneId zone) {
        if (isNumber(text)) {
            return Double.parseDouble(text.strip());
        }
        Long micros = micros(text, zone);
        return micros == null ? null : micros / 1e6;
    }

    /** The instant Spark's cast to a timestamp reads from {@code text} in {@code zone}, in microseconds; or null. */
    static Long micros(String text, ZoneId zone) {
        scala.Option<Object> parsed = DateTimeUtils.stringToTimestamp(UTF8String.fromString(text), zone);
        return parsed.isDefined() ? (Long) parsed.get() : null;
    }

    /** A session's time zone ({@code spark.sql.session.timeZone}) as Spark reads it. */
    static ZoneId zone(String sessionZone) {
        return DateTimeUtils.getZoneId(sessionZone);
    }
}
