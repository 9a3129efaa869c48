package org.sparkrnn.driver.config;

import org.sparkrnn.model.CliNamed;

/**
 * A feature derived from each row's time ({@code --calendar}): known in advance by construction. Each is two inputs,
 * the sine and cosine of its phase 2π · (value − first) / period, so that December sits next to January and
 * Sunday next to Monday; they follow the feature columns, in the order given, sine before cosine.
 */
public enum CalendarFeature implements CliNamed {
    /** 1..12, period 12. */
    MONTH_OF_YEAR(1, 12, false),
    /** ISO week 1..53, period 53. */
    WEEK_OF_YEAR(1, 53, false),
    /** 1..366, period 366. */
    DAY_OF_YEAR(1, 366, false),
    /** 1..31, period 31. */
    DAY_OF_MONTH(1, 31, false),
    /** Spark's 1 (Sunday) .. 7 (Saturday), period 7. */
    DAY_OF_WEEK(1, 7, false),
    /** 0..23, period 24: needs times finer than a day. */
    HOUR_OF_DAY(0, 24, true),
    /** 0..59, period 60: needs times finer than a day. */
    MINUTE_OF_HOUR(0, 60, true);

    private final int first;
    private final int period;
    private final boolean withinDay;

    CalendarFeature(int first, int period, boolean withinDay) {
        this.first = first;
        this.period = period;
        this.withinDay = withinDay;
    }

    @Override
    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** The smallest value. */
    public int first() {
        return first;
    }

    /** Values per cycle. */
    public int period() {
        return period;
    }

    /** Radians per unit of the feature's value: one period is a whole turn. */
    public double radiansPerUnit() {
        return 2 * Math.PI / period;
    }

    /**
     * The feature's value at local time {@code t}, as Spark's {@code month}, {@code weekofyear}, {@code dayofyear},
     * {@code dayofmonth}, {@code dayofweek} (1 = Sunday), {@code hour} and {@code minute} give it.
     */
    public int valueAt(java.time.LocalDateTime t) {
        return switch (this) {
            case MONTH_OF_YEAR -> t.getMonthValue();
            case WEEK_OF_YEAR -> t.get(java.time.temporal.IsoFields.WEEK_OF_WEEK_BASED_YEAR);
            case DAY_OF_YEAR -> t.getDayOfYear();
            case DAY_OF_MONTH -> t.getDayOfMonth();
            case DAY_OF_WEEK -> t.getDayOfWeek().getValue() % 7 + 1;
            case HOUR_OF_DAY -> t.getHour();
            case MINUTE_OF_HOUR -> t.getMinute();
        };
    }

    /**
     * Its two inputs at local time {@code t}, sine and cosine of (value − first) · {@link #radiansPerUnit}: the same
     * bits as the table's projection computes them in Spark (a window's future steps past a table's end).
     */
    public double[] inputsAt(java.time.LocalDateTime t) {
        double phase = (double) (valueAt(t) - first) * radiansPerUnit();
        return new double[] {Math.sin(phase), Math.cos(phase)};
    }

    /** Whether it varies within a day (dates alone cannot give it). */
    public boolean withinDay() {
        return withinDay;
    }

    /**
     * Whether this feature has the same value at every row of a series that steps by {@code step}: the step is a
     * whole number of the feature's cycles (an hour, a day, a week, a month, a year), as hour-of-day on daily data or
     * month-of-year on yearly data. A calendar month is a whole number of days, never of weeks.
     */
    public boolean constantOver(Frequency step) {
        long seconds = switch (this) {
            case MINUTE_OF_HOUR -> 3600;
            case HOUR_OF_DAY -> 86_400;
            case DAY_OF_WEEK -> 7 * 86_400;
            default -> 0; // cycles of the calendar: a month (day of month) or a year
        };
        long months = this == DAY_OF_MONTH ? 1 : seconds == 0 ? 12 : 0;
        Frequency.Unit unit = step.unit();
        if (unit == Frequency.Unit.NUMBER) {
            return false;
        }
        if (unit.calendarMonths()) {
            return seconds != 0 ? seconds <= 86_400 : step.months() % months == 0;
        }
        return seconds != 0 && (long) step.roughSeconds() % seconds == 0;
    }

    /**
     * The first of {@code features} that is the same at every step of {@code step} ({@link #constantOver}), or null.
     */
    public static CalendarFeature firstConstantOver(java.util.List<CalendarFeature> features, Frequency step) {
        return features.stream().filter(f -> f.constantOver(step)).findFirst().orElse(null);
    }

    /** The names of its two inputs, as a model's inputs are listed: {@code month-of-year.sin}, {@code .cos}. */
    public java.util.List<String> inputNames() {
        return java.util.List.of(cliName() + ".sin", cliName() + ".cos");
    }

    /** {@code --calendar} as typed: comma-separated names, each at most once. */
    public static java.util.List<CalendarFeature> parseList(String text) {
        java.util.List<CalendarFeature> features = new java.util.ArrayList<>();
        if (text == null || text.isBlank()) {
            return features;
        }
        for (String name : text.split(",")) {
            CalendarFeature f = Choices.parse("calendar", name.trim(), CalendarFeature.class);
            if (features.contains(f)) {
                throw new SettingError("{--calendar} names " + f.cliName() + " twice");
            }
            features.add(f);
        }
        return features;
    }
}
