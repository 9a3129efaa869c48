package org.sparkrnn.driver.config;

import org.sparkrnn.data.WindowTransform;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * How a long table (one row per series and time) becomes windows: which column keys the series, which orders it,
 * which are each step's inputs and which are predicted, and the windows' length, stride and horizons. Checks itself
 * when built; errors name the settings.
 *
 * @param idColumn       the series key, or null (the whole table is one series)
 * @param timeColumn     the order within a series (numbers, dates or timestamps), or null (input order: files only)
 * @param featureColumns each step's inputs, in order
 * @param targetColumns  the values predicted at every horizon, in order (may also be features)
 * @param window         steps per window (T)
 * @param stride         windows start every {@code stride} rows of their series
 * @param horizons       steps after a window's last step whose targets it predicts, ascending
 * @param missing        what gaps (missing values) do
 * @param validateFrom   windows whose first predicted step is at or after this time are validation data, or null
 * @param windowTransform how each window is expressed from itself ({@link WindowTransform}: relative to its last
 *                       value, scaled by its spread): its first feature is then the one target
 * @param seriesScaled   whether each series is divided by its own scale ({@code --normalize series},
 *                       {@link org.sparkrnn.data.SeriesScaling}): its first feature is then the one target
 * @param calendar       features derived from each row's time, after the feature columns ({@link CalendarFeature})
 * @param timeFormat     a java.time pattern the time column's text (or numbers, as text) is read with, or null
 * @param frequency      the step from one row of a series to the next ({@code --frequency}), or null: inferred from
 *                       the data (or the model's)
 * @param knownColumns   inputs known in advance (prices, promotions, holidays): read at every step of a window and,
 *                       by a forecast decoder, at each step it predicts
 * @param staticColumns  inputs constant within a series (checked): read at every step and by a decoder
 * @param futureRows     whether each window carries the rows of the steps it predicts, for a forecast decoder
 *                       ({@code --decoder-hidden}) that reads their known inputs ({@link #knownInputs})
 * @param categories     each static column's categories once they are known (from the training table, or the
 *                       model): none for a numeric static, else its values in order, each a one-hot input
 *                       ({@code column=value}); a static not in the map is not resolved yet
 */
public record TableLayout(String idColumn, String timeColumn, List<String> featureColumns, List<String> targetColumns,
                          int window, int stride, int[] horizons, MissingValues missing, String validateFrom,
                          WindowTransform windowTransform, boolean seriesScaled, List<CalendarFeature> calendar,
                          String timeFormat, Frequency frequency, List<String> knownColumns,
                          List<String> staticColumns, boolean futureRows, java.util.Map<String, List<String>> categories,
                          boolean countTargets, String validateUntil)
        implements Serializable {

    /** A layout whose hold-out runs to the end of the data. */
    public TableLayout(String idColumn, String timeColumn, List<String> featureColumns, List<String> targetColumns,
                       int window, int stride, int[] horizons, MissingValues missing, String validateFrom,
                       WindowTransform windowTransform, boolean seriesScaled, List<CalendarFeature> calendar,
                       String timeFormat, Frequency frequency, List<String> knownColumns,
                       List<String> staticColumns, boolean futureRows, java.util.Map<String, List<String>> categories,
                       boolean countTargets) {
        this(idColumn, timeColumn, featureColumns, targetColumns, window, stride, horizons, missing, validateFrom,
                windowTransform, seriesScaled, calendar, timeFormat, frequency, knownColumns, staticColumns,
                futureRows, categories, countTargets, null);
    }

    /** A layout whose targets may be any number (not only counts). */
    public TableLayout(String idColumn, String timeColumn, List<String> featureColumns, List<String> targetColumns,
                       int window, int stride, int[] horizons, MissingValues missing, String validateFrom,
                       WindowTransform windowTransform, boolean seriesScaled, List<CalendarFeature> calendar,
                       String timeFormat, Frequency frequency, List<String> knownColumns,
                       List<String> staticColumns, boolean futureRows, java.util.Map<String, List<String>> categories) {
        this(idColumn, timeColumn, featureColumns, targetColumns, window, stride, horizons, missing, validateFrom,
                windowTransform, seriesScaled, calendar, timeFormat, frequency, knownColumns, staticColumns,
                futureRows, categories, false);
    }

    /** A layout whose static columns' categories are not resolved yet. */
    public TableLayout(String idColumn, String timeColumn, List<String> featureColumns, List<String> targetColumns,
                       int window, int stride, int[] horizons, MissingValues missing, String validateFrom,
                       WindowTransform windowTransform, boolean seriesScaled, List<CalendarFeature> calendar,
                       String timeFormat, Frequency frequency, List<String> knownColumns,
                       List<String> staticColumns, boolean futureRows) {
        this(idColumn, timeColumn, featureColumns, targetColumns, window, stride, horizons, missing, validateFrom,
                windowTransform, seriesScaled, calendar, timeFormat, frequency, knownColumns, staticColumns,
                futureRows, null);
    }

    /** A layout without covariates known in advance, statics or future rows. */
    public TableLayout(String idColumn, String timeColumn, List<String> featureColumns, List<String> targetColumns,
                       int window, int stride, int[] horizons, MissingValues missing, String validateFrom,
                       WindowTransform windowTransform, boolean seriesScaled, List<CalendarFeature> calendar,
                       String timeFormat, Frequency frequency) {
        this(idColumn, timeColumn, featureColumns, targetColumns, window, stride, horizons, missing, validateFrom,
                windowTransform, seriesScaled, calendar, timeFormat, frequency, List.of(), List.of(), false);
    }

    /** A layout whose series are not scaled each by its own statistics. */
    public TableLayout(String idColumn, String timeColumn, List<String> featureColumns, List<String> targetColumns,
                       int window, int stride, int[] horizons, MissingValues missing, String validateFrom,
                       WindowTransform windowTransform, List<CalendarFeature> calendar, String timeFormat) {
        this(idColumn, timeColumn, featureColumns, targetColumns, window, stride, horizons, missing, validateFrom,
                windowTransform, false, calendar, timeFormat, null);
    }

    public TableLayout {
        Objects.requireNonNull(missing, "missing");
        Objects.requireNonNull(windowTransform, "windowTransform");
        calendar = calendar == null ? List.of() : List.copyOf(calendar);
        knownColumns = knownColumns == null ? List.of() : List.copyOf(knownColumns);
        staticColumns = staticColumns == null ? List.of() : List.copyOf(staticColumns);
        java.util.Map<String, List<String>> resolved = new java.util.TreeMap<>();
        if (categories != null) {
            categories.forEach((column, values) -> resolved.put(column, List.copyOf(values)));
        }
        categories = java.util.Collections.unmodifiableMap(resolved);
        if (!calendar.isEmpty() && timeColumn == null) {
            throw new SettingError("{--calendar} derives features from each row's time: give {--time-column}");
        }
        if (frequency != null && timeColumn == null) {
            throw new SettingError("{--frequency} is the step between the times of {--time-column}: give it");
        }
        CalendarFeature constant = frequency == null ? null : CalendarFeature.firstConstantOver(calendar, frequency);
        if (constant != null) {
            throw new SettingError("{--calendar} " + constant.cliName() + " is the same at every step of {--frequency} "
                    + frequency.text() + ": it is finer than the data's time step");
        }
        if (validateUntil != null && validateFrom == null) {
            throw new IllegalArgumentException("a hold-out that ends (" + validateUntil + ") needs its start");
        }
        if (timeFormat != null && timeColumn == null) {
            throw new SettingError("{--time-format} reads the times of {--time-column}: give it");
        }
        if (timeFormat != null) {
            try {
                java.time.format.DateTimeFormatter.ofPattern(timeFormat);
            } catch (IllegalArgumentException e) {
                throw new SettingError("{--time-format} '" + timeFormat + "' is not a date-time pattern: "
                        + e.getMessage());
            }
        }
        if (featureColumns == null || featureColumns.isEmpty()) {
            throw new SettingError("{--feature-columns} needs at least one column");
        }
        if (targetColumns == null || targetColumns.isEmpty()) {
            throw new SettingError("{--target-column} needs at least one column");
        }
        featureColumns = List.copyOf(featureColumns);
        targetColumns = List.copyOf(targetColumns);
        Bound.check("window", window);
        Bound.check("stride", stride);
        horizons = horizons.clone();
        if (horizons.length == 0) {
            throw new SettingError("{--horizon} needs a step, e.g. 1, or a range, e.g. 1..6");
        }
        for (int k = 0; k < horizons.length; k++) {
            if (horizons[k] < 1 || (k > 0 && horizons[k] <= horizons[k - 1])) {
                throw new SettingError("{--horizon} steps must be at least 1 and ascending, got "
                        + java.util.Arrays.toString(horizons));
            }
        }
        if (idColumn != null && (idColumn.equals(timeColumn) || featureColumns.contains(idColumn)
                || targetColumns.contains(idColumn))) {
            throw new SettingError("{--id-column} " + idColumn + " keys the series; it cannot also be a time,"
                    + " feature or target column");
        }
        if (timeColumn != null && (featureColumns.contains(timeColumn) || targetColumns.contains(timeColumn))) {
            throw new SettingError("{--time-column} " + timeColumn + " orders the rows; it cannot also be a feature"
                    + " or target column");
        }
        if ((seriesScaled || !windowTransform.isIdentity())
                && !(targetColumns.size() == 1 && featureColumns.get(0).equals(targetColumns.get(0)))) {
            throw new SettingError((seriesScaled ? "{--normalize} series scales each series by what it predicts"
                    : windowTransform.scaled() ? "{--normalize} window scales windows by what they predict"
                    : "{--relative-to-last} measures windows from the last value of what they predict")
                    + ": give one {--target-column}, also first of {--feature-columns}");
        }
        java.util.Set<String> seen = new java.util.HashSet<>(featureColumns);
        seen.addAll(targetColumns);
        java.util.Collections.addAll(seen, idColumn, timeColumn);
        for (String column : knownColumns) {
            if (!seen.add(column)) {
                throw new SettingError("{--known-columns} " + column + " is already a key, time, feature, target or"
                        + " known column");
            }
        }
        for (String column : staticColumns) {
            if (!seen.add(column)) {
                throw new SettingError("{--static-columns} " + column + " is already a key, time, feature, target or"
                        + " known column");
            }
        }
        if (seriesScaled && windowTransform.scaled()) {
            throw new IllegalArgumentException("a window is scaled by its series or by itself, not both");
        }
    }

    /**
     * {@code --horizon} as typed: {@code H} (the step H after the window) or {@code A..B} (every step from A to B,
     * predicted together).
     */
    public static int[] parseHorizon(String text) {
        String trimmed = text.trim();
        int dots = trimmed.indexOf("..");
        try {
            if (dots < 0) {
                return new int[] {Integer.parseInt(trimmed)};
            }
            int first = Integer.parseInt(trimmed.substring(0, dots).trim());
            int last = Integer.parseInt(trimmed.substring(dots + 2).trim());
            if (first < 1 || last < first) {
                throw new SettingError("{--horizon} " + text + ": a range goes from a step >= 1 up to a later"
                        + " one, e.g. 1..6");
            }
            int[] steps = new int[last - first + 1];
            for (int k = 0; k < steps.length; k++) {
                steps[k] = first + k;
            }
            return steps;
        } catch (NumberFormatException e) {
            throw new SettingError("{--horizon} " + text + ": expected a step (e.g. 1) or a range (e.g. 1..6)");
        }
    }

    /** {@code --horizon} as written: {@code 3}, or {@code 1..6}. */
    public String horizonText() {
        int first = horizons[0];
        int last = horizons[horizons.length - 1];
        return first == last ? String.valueOf(first) : first + ".." + last;
    }

    /** This layout without its time split: a separate validation set, or data a model is applied to. */
    public TableLayout withoutTimeSplit() {
        return new TableLayout(idColumn, timeColumn, featureColumns, targetColumns, window, stride, horizons, missing,
                null, windowTransform, seriesScaled, calendar, timeFormat, frequency, knownColumns, staticColumns,
                futureRows, categories, countTargets, validateUntil);
    }

    /** This layout with its series stepping by {@code step} (null: inferred from the data). */
    public TableLayout withFrequency(Frequency step) {
        return new TableLayout(idColumn, timeColumn, featureColumns, targetColumns, window, stride, horizons, missing,
                validateFrom, windowTransform, seriesScaled, calendar, timeFormat, step, knownColumns, staticColumns,
                futureRows, categories, countTargets, validateUntil);
    }

    /**
     * This layout reading windows as they are (prediction applies the model's own input transforms: each window's,
     * each series').
     */
    public TableLayout absolute() {
        return new TableLayout(idColumn, timeColumn, featureColumns, targetColumns, window, stride, horizons, missing,
                validateFrom, WindowTransform.NONE, false, calendar, timeFormat, frequency, knownColumns,
                staticColumns, futureRows, categories, countTargets, validateUntil);
    }

    /** This layout with (or without) each window's future rows, for a forecast decoder. */
    public TableLayout withFutureRows(boolean future) {
        return new TableLayout(idColumn, timeColumn, featureColumns, targetColumns, window, stride, horizons, missing,
                validateFrom, windowTransform, seriesScaled, calendar, timeFormat, frequency, knownColumns,
                staticColumns, future, categories, countTargets, validateUntil);
    }

    /**
     * This layout with the static columns' categories ({@code resolved}: none for a numeric static, else its
     * values, in order; null: as it is).
     */
    public TableLayout withCategories(java.util.Map<String, List<String>> resolved) {
        if (resolved == null) {
            return this;
        }
        return new TableLayout(idColumn, timeColumn, featureColumns, targetColumns, window, stride, horizons, missing,
                validateFrom, windowTransform, seriesScaled, calendar, timeFormat, frequency, knownColumns,
                staticColumns, futureRows, resolved, countTargets, validateUntil);
    }

    /**
     * This layout with (or without) targets that must be counts (a number >= 0 in every row that has one: the
     * negative binomial's), each row checked as it is read.
     */
    public TableLayout withCountTargets(boolean counts) {
        return new TableLayout(idColumn, timeColumn, featureColumns, targetColumns, window, stride, horizons, missing,
                validateFrom, windowTransform, seriesScaled, calendar, timeFormat, frequency, knownColumns,
                staticColumns, futureRows, categories, counts, validateUntil);
    }

    /**
     * This layout holding out the windows whose first predicted time is at or after {@code from} and before
     * {@code until} (null: to the end); the windows after {@code until} are on neither side: one cutoff of a
     * backtest.
     */
    public TableLayout withHoldOut(String from, String until) {
        return new TableLayout(idColumn, timeColumn, featureColumns, targetColumns, window, stride, horizons, missing,
                from, windowTransform, seriesScaled, calendar, timeFormat, frequency, knownColumns, staticColumns,
                futureRows, categories, countTargets, until);
    }

    /** Whether every static column's categories are known (a numeric one has none). */
    public boolean categoriesResolved() {
        return categories.keySet().containsAll(staticColumns);
    }

    /**
     * The static columns' inputs, in order: each input's static column (a text static's one-hot inputs all name
     * theirs).
     */
    public List<String> staticInputColumns() {
        List<String> columns = new java.util.ArrayList<>();
        for (String column : staticColumns) {
            List<String> values = categories.getOrDefault(column, List.of());
            for (int k = 0; k < Math.max(1, values.size()); k++) {
                columns.add(column);
            }
        }
        return columns;
    }

    /** The input a text static's category is one-hot in: {@code column=value}. */
    public static String categoryInput(String column, String value) {
        return column + "=" + value;
    }

    /**
     * Which inputs a forecast decoder reads at each step it predicts, as indexes into {@link #inputColumns}: the
     * known columns, the statics and the calendar's inputs (all known in advance).
     */
    public java.util.List<Integer> knownInputs() {
        java.util.List<Integer> known = new java.util.ArrayList<>();
        for (int i = featureColumns.size(); i < inputColumns().size(); i++) {
            known.add(i);
        }
        return known;
    }

    /** Where the static columns sit among {@link #inputColumns}. */
    public int staticFrom() {
        return featureColumns.size() + knownColumns.size();
    }

    /**
     * A window step's inputs, in order: the feature columns, the known columns, the static columns (a text static
     * one-hot: one input per category, {@link #categoryInput}), then each calendar feature's two inputs
     * ({@link CalendarFeature#inputNames}).
     */
    public List<String> inputColumns() {
        if (calendar.isEmpty() && knownColumns.isEmpty() && staticColumns.isEmpty()) {
            return featureColumns;
        }
        List<String> inputs = new java.util.ArrayList<>(featureColumns);
        inputs.addAll(knownColumns);
        for (String column : staticColumns) {
            List<String> values = categories.getOrDefault(column, List.of());
            if (values.isEmpty()) {
                inputs.add(column);
            } else {
                for (String value : values) {
                    inputs.add(categoryInput(column, value));
                }
            }
        }
        for (CalendarFeature f : calendar) {
            inputs.addAll(f.inputNames());
        }
        return List.copyOf(inputs);
    }

    /** Rows a window reads from its first: its steps and up to its last target. */
    public int reach() {
        return window + horizons[horizons.length - 1];
    }

    /** The columns read, in order: the key and time (when given), the features, then targets not already read. */
    public List<String> columnsRead() {
        java.util.LinkedHashSet<String> columns = new java.util.LinkedHashSet<>();
        if (idColumn != null) {
            columns.add(idColumn);
        }
        if (timeColumn != null) {
            columns.add(timeColumn);
        }
        columns.addAll(featureColumns);
        columns.addAll(targetColumns);
        columns.addAll(knownColumns);
        columns.addAll(staticColumns);
        return List.copyOf(columns);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TableLayout t && Objects.equals(idColumn, t.idColumn)
                && Objects.equals(timeColumn, t.timeColumn) && featureColumns.equals(t.featureColumns)
                && targetColumns.equals(t.targetColumns) && window == t.window && stride == t.stride
                && java.util.Arrays.equals(horizons, t.horizons) && missing == t.missing
                && Objects.equals(validateFrom, t.validateFrom) && windowTransform == t.windowTransform
                && seriesScaled == t.seriesScaled && Objects.equals(frequency, t.frequency)
                && calendar.equals(t.calendar) && Objects.equals(timeFormat, t.timeFormat)
                && knownColumns.equals(t.knownColumns) && staticColumns.equals(t.staticColumns)
                && futureRows == t.futureRows && categories.equals(t.categories) && countTargets == t.countTargets
                && Objects.equals(validateUntil, t.validateUntil);
    }

    @Override
    public int hashCode() {
        return Objects.hash(idColumn, timeColumn, featureColumns, targetColumns, window, stride,
                java.util.Arrays.hashCode(horizons), missing, validateFrom, windowTransform, seriesScaled, calendar,
                timeFormat, frequency, knownColumns, staticColumns, futureRows, categories, countTargets,
                validateUntil);
    }
}
