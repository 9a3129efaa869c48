package org.sparkrnn.driver.config;

import java.io.Serializable;
import java.util.Locale;

/**
 * {@code --frequency}: the time from one row of a series to the next, as a number of units: {@code 15min},
 * {@code 1h}, {@code 1d}, {@code 1w}, {@code 1M} (calendar months), {@code 1q}, {@code 1y}, {@code 30s}, or a bare
 * number for a time column of numbers ({@code 1}: years 1700, 1701, ...). Months, quarters and years are calendar
 * steps (a month from the 31st is the month's last day); the others are fixed lengths of local time.
 *
 * @param amount how many units one step is, at least 1
 */
public record Frequency(long amount, Unit unit) implements Serializable {

    /** A step's unit, with the suffix that writes it. */
    public enum Unit {
        NUMBER(""), SECOND("s"), MINUTE("min"), HOUR("h"), DAY("d"), WEEK("w"), MONTH("M"), QUARTER("q"), YEAR("y");

        private final String suffix;

        Unit(String suffix) {
            this.suffix = suffix;
        }

        public String suffix() {
            return suffix;
        }

        /** Whether the unit counts calendar months (months, quarters, years). */
        public boolean calendarMonths() {
            return this == MONTH || this == QUARTER || this == YEAR;
        }
    }

    public Frequency {
        java.util.Objects.requireNonNull(unit, "unit");
        if (amount < 1) {
            throw new SettingError("{--frequency} needs a step of at least 1, got " + amount);
        }
    }

    /** {@code --frequency} as typed: a count and a unit ({@code 1M}, {@code 15min}), or a bare number. */
    public static Frequency parse(String text) {
        String t = text.strip();
        int digits = 0;
        while (digits < t.length() && Character.isDigit(t.charAt(digits))) {
            digits++;
        }
        String suffix = t.substring(digits);
        if (digits == 0 || digits > 12) {
            throw new SettingError("{--frequency} '" + text + "': expected a number and a unit, e.g. 1d, 1M, 15min,"
                    + " 1h, 1w, 1q, 1y, 30s, or a number for a time column of numbers");
        }
        long amount = Long.parseLong(t.substring(0, digits));
        for (Unit unit : Unit.values()) {
            if (unit.suffix().equals(suffix)) {
                return new Frequency(amount, unit);
            }
        }
        throw new SettingError("{--frequency} '" + text + "': unknown unit '" + suffix + "', expected s, min, h, d, w,"
                + " M (months), q, y, or none (a number)");
    }

    /** The calendar months one step spans (a quarter 3, a year 12), or 0 when its unit is not calendar months. */
    public long months() {
        return switch (unit) {
            case MONTH -> amount;
            case QUARTER -> 3 * amount;
            case YEAR -> 12 * amount;
            default -> 0;
        };
    }

    /** As typed: {@code 1M}, {@code 15min}, {@code 2}. */
    public String text() {
        return amount + unit.suffix();
    }

    /** In words, for the log: "1 month", "15 minutes", "2" (a time of numbers). */
    public String describe() {
        if (unit == Unit.NUMBER) {
            return String.valueOf(amount);
        }
        String name = unit.name().toLowerCase(Locale.ROOT);
        return amount + " " + name + (amount == 1 ? "" : "s");
    }

    /**
     * This step in local seconds when it has a fixed length (seconds to weeks: what a calendar feature is compared
     * with), else the length of its shortest month; a number step is its amount.
     */
    public double roughSeconds() {
        long unitSeconds = switch (unit) {
            case NUMBER -> 1;
            case SECOND -> 1;
            case MINUTE -> 60;
            case HOUR -> 3600;
            case DAY -> 86_400;
            case WEEK -> 7 * 86_400;
            case MONTH -> 28 * 86_400;
            case QUARTER -> 90 * 86_400;
            case YEAR -> 365 * 86_400;
        };
        return (double) amount * unitSeconds;
    }

    @Override
    public String toString() {
        return text();
    }
}
