package org.sparkrnn.driver.data.table;

import org.sparkrnn.driver.config.Frequency;
import org.sparkrnn.driver.exec.JavaBytes;

import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Map;
import java.util.TreeMap;

/**
 * A table's time keys as times a series steps through ({@code --frequency}): what a key counts (numbers, days since
 * 1970, seconds since 1970 in the session's time zone; {@link TableProjection} makes them), the key one or more steps
 * later (months, quarters and years in the calendar: a step from a month's last day lands on a month's last day; the
 * other units in local time), the step between two keys, and a key written as the table writes its times. Spark-free:
 * the cutter checks each series' steps with it on the executors.
 */
public final class TimeSteps implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final java.util.regex.Pattern NUMBER =
            java.util.regex.Pattern.compile("^\\s*[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?\\s*$");
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /** What a key counts. */
    public enum Kind { NUMBER, DAYS, SECONDS }

    private final Kind kind;
    private final boolean text;
    private final String pattern;
    private final String zone;

    /**
     * @param kind    what every key counts, or null: a text column's keys, a number where the text is one and
     *                seconds elsewhere ({@link TableProjection})
     * @param text    whether the time column holds text (forecast times are then written as its times are)
     * @param pattern {@code --time-format}, or null (keys then count seconds)
     * @param zone    the session's time zone (timestamps and text times are local times in it)
     */
    TimeSteps(Kind kind, boolean text, String pattern, String zone) {
        this.kind = pattern != null ? Kind.SECONDS : kind;
        this.text = text;
        this.pattern = pattern;
        this.zone = zone;
    }

    /** What row r's key counts: a text time without a pattern is a number when it reads as one. */
    public Kind kind(TableRows rows, int r) {
        return kind != null ? kind : NUMBER.matcher(rows.text(r)).matches() ? Kind.NUMBER : Kind.SECONDS;
    }

    /**
     * The key {@code steps} steps of {@code f} after {@code key}, or NaN when {@code f} does not step through keys of
     * this kind (a calendar unit on numbers, a number on dates, hours on dates).
     */
    public double plus(double key, Kind kind, Frequency f, long steps) {
        long n = Math.multiplyExact(f.amount(), steps);
        // fixed lengths without a calendar: days on dates, elapsed seconds, any length in a zone without changes
        Frequency.Unit unit = f.unit();
        if (kind == Kind.DAYS && (unit == Frequency.Unit.DAY || unit == Frequency.Unit.WEEK)) {
            return key == Math.rint(key) ? key + (double) n * (unit == Frequency.Unit.WEEK ? 7 : 1) : Double.NaN;
        }
        if (kind == Kind.SECONDS && (unit == Frequency.Unit.SECOND || unit == Frequency.Unit.MINUTE
                || unit == Frequency.Unit.HOUR || (!unit.calendarMonths() && unit != Frequency.Unit.NUMBER
                && fixedOffset()))) {
            return key + (double) n * unitSeconds(unit);
        }
        return switch (kind) {
            case NUMBER -> f.unit() == Frequency.Unit.NUMBER ? key + (double) n : Double.NaN;
            case DAYS -> {
                LocalDate date = LocalDate.ofEpochDay((long) key);
                LocalDate later = switch (f.unit()) {
                    case DAY -> date.plusDays(n);
                    case WEEK -> date.plusWeeks(n);
                    case MONTH, QUARTER, YEAR -> plusMonths(date, Math.multiplyExact(f.months(), steps));
                    default -> null;
                };
                yield later == null || key != Math.rint(key) ? Double.NaN : later.toEpochDay();
            }
            case SECONDS -> {
                long whole = (long) Math.floor(key);
                double fraction = key - whole;
                LocalDateTime time = LocalDateTime.ofInstant(Instant.ofEpochSecond(whole), ZoneId.of(zone));
                LocalDateTime later = switch (f.unit()) {
                    case SECOND -> time.plusSeconds(n);
                    case MINUTE -> time.plusMinutes(n);
                    case HOUR -> time.plusHours(n);
                    case DAY -> time.plusDays(n);
                    case WEEK -> time.plusWeeks(n);
                    case MONTH, QUARTER, YEAR -> plusMonths(time.toLocalDate(), Math.multiplyExact(f.months(), steps))
                            .atTime(time.toLocalTime());
                    case NUMBER -> null;
                };
                yield later == null ? Double.NaN : later.atZone(ZoneId.of(zone)).toEpochSecond() + fraction;
            }
        };
    }

    private transient Boolean fixedOffset;

    /** Whether the zone's offset never changes (UTC, or a zone without daylight saving): a day is 86,400 s there. */
    private boolean fixedOffset() {
        if (fixedOffset == null) {
            fixedOffset = ZoneId.of(zone).getRules().isFixedOffset();
        }
        return fixedOffset;
    }

    private static long unitSeconds(Frequency.Unit unit) {
        return switch (unit) {
            case SECOND -> 1;
            case MINUTE -> 60;
            case HOUR -> 3600;
            case DAY -> 86_400;
            case WEEK -> 7 * 86_400;
            default -> throw new IllegalArgumentException(unit + " has no fixed length");
        };
    }

    /** {@code months} after {@code date}; from a month's last day, to the last day of the month it lands in. */
    private static LocalDate plusMonths(LocalDate date, long months) {
        LocalDate later = date.plusMonths(months);
        return date.equals(date.with(TemporalAdjusters.lastDayOfMonth()))
                ? later.with(TemporalAdjusters.lastDayOfMonth()) : later;
    }

    /**
     * The step from key {@code a} to the later key {@code b}: whole calendar months (as years or quarters when they
     * are), else whole days (as weeks when they are), else hours, minutes or seconds; for numbers, their difference
     * when it is whole. Null when there is none.
     */
    Frequency between(double a, double b, Kind kind) {
        if (!(b > a)) {
            return null;
        }
        if (kind == Kind.NUMBER) {
            double d = b - a;
            return d == Math.rint(d) && d < 1e12 ? new Frequency((long) d, Frequency.Unit.NUMBER) : null;
        }
        LocalDateTime from = kind == Kind.DAYS ? LocalDate.ofEpochDay((long) a).atStartOfDay() : local(a);
        LocalDateTime to = kind == Kind.DAYS ? LocalDate.ofEpochDay((long) b).atStartOfDay() : local(b);
        // calendar months apart (a month's last day to the next's is one month, as plus() steps)
        long months = 12L * (to.getYear() - from.getYear()) + to.getMonthValue() - from.getMonthValue();
        if (months > 0) {
            Frequency m = months % 12 == 0 ? new Frequency(months / 12, Frequency.Unit.YEAR)
                    : months % 3 == 0 ? new Frequency(months / 3, Frequency.Unit.QUARTER)
                    : new Frequency(months, Frequency.Unit.MONTH);
            if (plus(a, kind, m, 1) == b) {
                return m;
            }
        }
        long days = ChronoUnit.DAYS.between(from, to);
        if (days > 0 && from.plusDays(days).equals(to)) {
            return days % 7 == 0 ? new Frequency(days / 7, Frequency.Unit.WEEK) : new Frequency(days, Frequency.Unit.DAY);
        }
        if (kind == Kind.DAYS) {
            return null;
        }
        double seconds = ChronoUnit.SECONDS.between(from, to) + ((b - Math.floor(b)) - (a - Math.floor(a)));
        if (seconds != Math.rint(seconds) || seconds < 1) {
            return null;
        }
        long s = (long) seconds;
        return s % 3600 == 0 ? new Frequency(s / 3600, Frequency.Unit.HOUR)
                : s % 60 == 0 ? new Frequency(s / 60, Frequency.Unit.MINUTE) : new Frequency(s, Frequency.Unit.SECOND);
    }

    private transient ZoneId zoneId;

    private LocalDateTime local(double key) {
        long whole = (long) Math.floor(key);
        if (zoneId == null) {
            zoneId = ZoneId.of(zone);
        }
        return LocalDateTime.ofInstant(Instant.ofEpochSecond(whole), zoneId)
                .plusNanos(Math.round((key - whole) * 1e9));
    }

    /**
     * A key as the local time it stands for in the session's zone (a date's at the start of its day), what the
     * calendar's inputs are read from; null for a number.
     */
    public LocalDateTime localTime(double key, Kind kind) {
        return switch (kind) {
            case NUMBER -> null;
            case DAYS -> LocalDate.ofEpochDay((long) key).atStartOfDay();
            case SECONDS -> local(key);
        };
    }

    /**
     * A key as the table writes its times, like {@code like} (a time of the same series): a number as a number, a
     * date column's as a date, a timestamp's as {@code yyyy-MM-dd HH:mm:ss}, text in {@code --time-format}, or as an
     * ISO date, or date-time as {@code like} writes one (a 'T' or a space, to the minute or the second; else
     * {@code yyyy-MM-dd HH:mm:ss}).
     */
    public String text(double key, Kind kind, String like) {
        if (kind == Kind.NUMBER) {
            return TimeFormat.NUMBER.text(key);
        }
        if (kind == Kind.DAYS) {
            return LocalDate.ofEpochDay((long) key).toString();
        }
        LocalDateTime time = local(key);
        if (pattern != null) {
            return DateTimeFormatter.ofPattern(pattern).format(time);
        }
        boolean dateOnly = text && like != null && !like.contains(":");
        if (dateOnly) {
            return time.toLocalDate().toString();
        }
        java.util.regex.Matcher written = text && like != null ? LOCAL_TIME.matcher(like.strip()) : null;
        if (written != null && written.matches()) { // ISO with a 'T' or a space, to the minute or the second
            boolean t = written.group(1).equals("T");
            return (written.group(2) == null ? (t ? T_MINUTES : MINUTES) : (t ? T_SECONDS : SECONDS)).format(time);
        }
        return SECONDS.format(time);
    }

    private static final DateTimeFormatter T_SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
    private static final DateTimeFormatter T_MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm");

    /** A local date-time as ISO writes it: the separator (group 1), and the seconds when there are (group 2). */
    private static final java.util.regex.Pattern LOCAL_TIME =
            java.util.regex.Pattern.compile("\\d{4}-\\d{2}-\\d{2}([T ])\\d{2}:\\d{2}(:\\d{2})?");

    /**
     * How often each step occurs between consecutive rows of a series: counted over every row of a table, part by
     * part (each partition's rows, then the steps across partitions' edges), so that the count, and the step inferred
     * from it, do not depend on how the table is partitioned.
     */
    static final class StepCounts implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Map<String, long[]> counts = new TreeMap<>();
        private final Map<String, Frequency> steps = new TreeMap<>();

        /**
         * The steps between consecutive rows of the same series among {@code rows}, counted (a step between numbers
         * depends on their difference only: the last one's is reused while the difference repeats).
         */
        StepCounts add(TimeSteps times, TableRows rows) {
            double lastDifference = Double.NaN;
            Frequency lastNumberStep = null;
            Frequency pending = null;
            long run = 0;
            for (int r = 1; r < rows.size(); r++) {
                if (!java.util.Objects.equals(rows.id(r), rows.id(r - 1))) {
                    continue;
                }
                double a = rows.time(r - 1);
                double b = rows.time(r);
                Kind kind = times.kind(rows, r - 1);
                Frequency step;
                if (kind == Kind.NUMBER && b - a == lastDifference) {
                    step = lastNumberStep;
                } else {
                    step = times.between(a, b, kind);
                    if (kind == Kind.NUMBER) {
                        lastDifference = b - a;
                        lastNumberStep = step;
                    }
                }
                if (step == null) {
                    continue;
                }
                if (!step.equals(pending)) {
                    count(pending, run);
                    pending = step;
                    run = 0;
                }
                run++;
            }
            count(pending, run);
            return this;
        }

        private void count(Frequency step, long n) {
            if (step != null && n > 0) {
                counts.computeIfAbsent(step.text(), k -> new long[1])[0] += n;
                steps.put(step.text(), step);
            }
        }

        /** {@code other}'s counts added to these. */
        StepCounts add(StepCounts other) {
            other.counts.forEach((text, n) -> counts.computeIfAbsent(text, k -> new long[1])[0] += n[0]);
            steps.putAll(other.steps);
            return this;
        }

        /** These counts as bytes: a task's result (two small maps, Java-serialised: Kryo 4 cannot write them). */
        byte[] toBytes() {
            return JavaBytes.of(this);
        }

        static StepCounts fromBytes(byte[] bytes) {
            return JavaBytes.read(bytes);
        }

        /** The share of the steps seen that are {@code step}. */
        double share(Frequency step) {
            long all = 0;
            for (long[] c : counts.values()) {
                all += c[0];
            }
            long[] mine = step == null ? null : counts.get(step.text());
            return mine == null ? 0 : (double) mine[0] / all;
        }

        /** The most common step (of two as common, the first as written), or null when none was seen. */
        Frequency mostCommon() {
            String best = null;
            for (Map.Entry<String, long[]> e : counts.entrySet()) {
                if (best == null || e.getValue()[0] > counts.get(best)[0]) {
                    best = e.getKey();
                }
            }
            return best == null ? null : steps.get(best);
        }
    }
}
