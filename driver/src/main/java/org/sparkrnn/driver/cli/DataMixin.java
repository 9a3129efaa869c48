package org.sparkrnn.driver.cli;

import org.sparkrnn.data.WindowTransform;
import org.sparkrnn.driver.config.CalendarFeature;
import org.sparkrnn.driver.config.Choices;
import org.sparkrnn.driver.config.ColumnWindows;
import org.sparkrnn.driver.config.DataOptions;
import org.sparkrnn.driver.config.Frequency;
import org.sparkrnn.driver.config.Defaults;
import org.sparkrnn.driver.config.MissingValues;
import org.sparkrnn.driver.config.Normalization;
import org.sparkrnn.driver.config.SettingError;
import org.sparkrnn.driver.config.Split;
import org.sparkrnn.driver.config.TableLayout;
import org.sparkrnn.driver.config.Task;
import picocli.CommandLine.Option;

import java.util.List;


/** Where data come from and how they become sequences (train, evaluate, predict). */
public final class DataMixin {

    /** The command this mixin is part of: which options its user gave is known, not guessed from the values. */
    @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
    picocli.CommandLine.Model.CommandSpec command;

    @Option(names = "--data", paramLabel = "PATH",
            description = "Data: a file, directory or glob; local or any Hadoop URI (hdfs://, file://).")
    String data;

    @Option(names = "--format", defaultValue = Defaults.FORMAT, paramLabel = "jsonl|csv|text|parquet|..",
            description = "jsonl: one sequence per line; csv: sliding windows over one column; text: characters;"
                    + " any other name is a Spark data source (parquet, orc, ...) with the columns of JSON Lines"
                    + " (features, label or labels). Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--validation", paramLabel = "PATH", description = "A separate validation data set.")
    String validation;

    @Option(names = "--validation-fraction", defaultValue = Defaults.VALIDATION_FRACTION, paramLabel = "F",
            description = "Share of the data held out for validation (0 = none). Default: ${DEFAULT-VALUE}.")
    double validationFraction;

    @Option(names = "--split", defaultValue = Defaults.SPLIT, paramLabel = "random|tail",
            description = "Which sequences --validation-fraction holds out: random (a seeded choice per record), or"
                    + " the last ones in input order. Default: ${DEFAULT-VALUE}.")
    String split;

    @Option(names = "--column", paramLabel = "NAME",
            description = "csv: the value column (the input of every step and the value predicted).")
    String column;

    @Option(names = "--time-column", paramLabel = "NAME",
            description = "csv, long tables: the column giving each row's time (numbers, dates or timestamps).")
    String timeColumn;

    @Option(names = "--time-format", paramLabel = "PATTERN",
            description = "Long tables: read the time column's text, or its numbers as text, with this java.time"
                    + " pattern (e.g. yyyyMM, yyyyMMdd, dd.MM.yyyy HH:mm); absent: numbers as numbers, text as a"
                    + " number, an ISO date or an ISO timestamp.")
    String timeFormat;

    @Option(names = "--frequency", paramLabel = "STEP",
            description = "Long tables: the time from one row of a series to the next: 15min, 1h, 1d, 1w, 1M (calendar"
                    + " months), 1q, 1y, 30s, or a number for a time of numbers. A series that skips a step is an error"
                    + " naming it and the gap; forecasts are keyed by the time they predict. Absent: the model's, else"
                    + " the most common step in the data (said in the log), and a window across a skipped step is"
                    + " left out.")
    String frequency;

    @Option(names = "--calendar", paramLabel = "F[,F...]",
            description = "Long tables: inputs derived from each row's time, two per feature (the sine and cosine"
                    + " of its phase), after the feature columns: month-of-year, week-of-year, day-of-year,"
                    + " day-of-month, day-of-week, hour-of-day, minute-of-hour.")
    String calendar;

    @Option(names = "--id-column", paramLabel = "NAME",
            description = "Long tables: the column naming each row's series (absent: the whole table is one"
                    + " series).")
    String idColumn;

    @Option(names = "--feature-columns", paramLabel = "A,B,..", split = ",",
            description = "Long tables: the inputs of every step, in order (default: the target columns).")
    List<String> featureColumns;

    @Option(names = "--target-column", paramLabel = "NAME[,NAME..]", split = ",",
            description = "Long tables: what to predict (one row per series and time, csv or a Spark data source;"
                    + " windows are cut per series, on the executors).")
    List<String> targetColumns;

    @Option(names = "--known-columns", paramLabel = "A,B,..", split = ",",
            description = "Long tables: inputs known in advance (prices, promotions, holidays): read at every step"
                    + " and, by the forecast decoder (--decoder-hidden, which they need), at each step predicted;"
                    + " rows after a series' last value with these filled and the target empty are its future.")
    List<String> knownColumns;

    @Option(names = "--static-columns", paramLabel = "A,B,..", split = ",",
            description = "Long tables: numeric inputs that hold one value per series (size, region code): read at"
                    + " every step and by the forecast decoder; a value that changes within a series is an error.")
    List<String> staticColumns;

    @Option(names = "--stride", defaultValue = Defaults.STRIDE, paramLabel = "S",
            description = "Long tables: a window starts every S rows of its series. Default: ${DEFAULT-VALUE}.")
    int stride;

    @Option(names = "--window", defaultValue = Defaults.WINDOW, paramLabel = "T",
            description = "csv, text: steps per sequence. Default: ${DEFAULT-VALUE}.")
    int window;

    @Option(names = "--horizon", defaultValue = Defaults.HORIZON, paramLabel = "H|A..B",
            description = "csv, long tables: predict the value H steps after a window, or (long tables) every step"
                    + " from A to B, together. Default: ${DEFAULT-VALUE}.")
    String horizon;

    @Option(names = "--validate-from", paramLabel = "TIME",
            description = "csv, long tables: windows whose target time is at or after TIME are validation data.")
    String validateFrom;

    @Option(names = "--missing", defaultValue = Defaults.MISSING, paramLabel = "skip|interpolate",
            description = "csv, long tables: empty values; skip drops windows that touch one, interpolate fills them"
                    + " linearly. Default: ${DEFAULT-VALUE}.")
    String missing;

    @Option(names = "--relative-to-last",
            description = "csv, long tables: express each window relative to its last value (inputs x_t - x_T,"
                    + " target y - x_T; predictions add x_T back), so a model of a trending series learns changes, not"
                    + " levels.")
    boolean relativeToLast;

    @Option(names = "--delimiter", defaultValue = Defaults.DELIMITER, paramLabel = "C",
            description = "csv: the field separator, one character (tab: 'tab'). Default: ${DEFAULT-VALUE}.")
    String delimiter;

    @Option(names = "--no-header",
            description = "csv: the first row is data; columns are named by position (--column 2 is the second).")
    boolean noHeader;

    @Option(names = "--task", defaultValue = Defaults.TASK, paramLabel = "regression|classification",
            description = "Labels are numbers (regression) or class ids (classification). Default: ${DEFAULT-VALUE}.")
    String task;

    @Option(names = "--classes", defaultValue = Defaults.CLASSES, paramLabel = "K",
            description = "Number of classes (0: largest class id + 1). Default: ${DEFAULT-VALUE}.")
    int classes;

    @Option(names = "--normalize", defaultValue = Defaults.NORMALIZE, paramLabel = "none|standard|series|window",
            description = "standard: standardise features and numeric labels with training-set statistics; series"
                    + " (a long table): first divide each series' target by that series' mean absolute value over its"
                    + " training rows, kept in the model (a series it never saw: each window by its own); window:"
                    + " first scale each window's target by the window's own mean and spread (its last value with"
                    + " --relative-to-last), so that series far apart in level share one scale, then standardise."
                    + " Default: ${DEFAULT-VALUE}.")
    String normalize;

    @Option(names = "--partitions", defaultValue = Defaults.PARTITIONS, paramLabel = "P",
            description = "Partitions of the cached data (0: Spark's default parallelism, more for inputs over 32 MB"
                    + " per partition). Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Option(names = "--on-bad-record", defaultValue = Defaults.ON_BAD_RECORD, paramLabel = "fail|skip",
            description = "A record that cannot be read stops the run (fail), or is counted, reported and written to"
                    + " the model directory's rejects/ (skip). Default: ${DEFAULT-VALUE}.")
    String onBadRecord;

    /**
     * For commands that read a run's settings as defaults (evaluate): a split given on the command line replaces
     * the run's instead of adding to it (--validate-from, --validation-fraction with --split, and --validation each
     * choose the validation data on their own).
     */
    void splitGivenReplacesTheRuns(picocli.CommandLine.ParseResult given) {
        boolean from = given.hasMatchedOption("--validate-from");
        boolean fraction = given.hasMatchedOption("--validation-fraction");
        boolean separate = given.hasMatchedOption("--validation");
        if (!from && !fraction && !separate) {
            return;
        }
        if (!from) {
            validateFrom = null;
        }
        if (!fraction) {
            validationFraction = 0;
            if (!given.hasMatchedOption("--split")) {
                split = Defaults.SPLIT;
            }
        }
        if (!separate) {
            validation = null;
        }
    }

    DataOptions toOptions(long seed) {
        return toOptions(seed, false);
    }

    /**
     * The data options; {@code stream}: the command reads rows as they arrive and only each step's inputs, so a long
     * table's {@code --feature-columns} suffice (and stand for its targets), JSON rows are Spark's {@code json}
     * (a run trained on JSON Lines sequences gives {@code jsonl}), and {@code --on-bad-record} is the stream's own
     * policy ({@link #skipsBadRecords}), not the loader's.
     */
    DataOptions toOptions(long seed, boolean stream) {
        int[] horizons = TableLayout.parseHorizon(horizon);
        MissingValues gaps = Choices.parse("missing", missing, MissingValues.class);
        TableLayout table = null;
        ColumnWindows windows = null;
        if (targetColumns != null || featureColumns != null || idColumn != null || stride != 1
                || horizons.length > 1) {
            if (column != null && (targetColumns != null || featureColumns != null)) {
                throw new SettingError("{--column} names one column that is both input and target; with"
                        + " {--target-column} or {--feature-columns}, leave it out");
            }
            List<String> targets = targetColumns != null ? targetColumns : column != null ? List.of(column)
                    : stream ? featureColumns : null;
            if (targets == null) {
                throw new SettingError("a long table needs {--target-column}: the column (or columns) to predict");
            }
            table = new TableLayout(idColumn, timeColumn, featureColumns != null ? featureColumns : targets, targets,
                    window, stride, horizons, gaps, validateFrom, windowTransform(), normalization().scalesSeries(),
                    CalendarFeature.parseList(calendar), timeFormat,
                    frequency == null ? null : Frequency.parse(frequency), knownColumns, staticColumns, false);
        } else {
            if (normalization().scalesSeries()) {
                throw new SettingError("{--normalize} series scales each series of a long table by its own"
                        + " statistics: give {--target-column} (and {--id-column} for many series)");
            }
            if (calendar != null || timeFormat != null || frequency != null) {
                throw new SettingError((calendar != null ? "{--calendar}" : timeFormat != null ? "{--time-format}"
                        : "{--frequency}") + " reads the times"
                        + " of a long table: give {--target-column} (and {--id-column} for many series)");
            }
            if (knownColumns != null || staticColumns != null) {
                throw new SettingError((knownColumns != null ? "{--known-columns}" : "{--static-columns}")
                        + " are columns of a long table: give {--target-column} (and {--id-column} for many"
                        + " series)");
            }
            List<String> given = new java.util.ArrayList<>();
            for (String option : List.of("--column", "--time-column", "--window", "--horizon", "--validate-from",
                    "--missing", "--relative-to-last")) {
                if (given(option)) {
                    given.add("{" + option + "}");
                }
            }
            if (format.equals("csv") || format.equals("text") || !given.isEmpty()
                    || !windowTransform().isIdentity()) {
                windows = new ColumnWindows(column, timeColumn, window, horizons[0], validateFrom, gaps,
                        windowTransform(), given);
            }
        }
        return new DataOptions(stream && format.equals("jsonl") ? "json" : format, data, validation,
                validationFraction, Choices.parse("split", split, Split.class), Choices.parse("task", task, Task.class),
                classes, partitions, seed, !stream && skipsBadRecords(), null, delimiter(), !noHeader, windows, table);
    }

    /**
     * Whether the user gave {@code option}: on the command line or in a settings file of theirs ({@code --conf}); a
     * run's own settings, read as defaults by evaluate and predict, are not the user's.
     */
    private boolean given(String option) {
        if (command == null) {
            return false;
        }
        if (command.commandLine() != null && command.commandLine().getParseResult() != null
                && command.commandLine().getParseResult().hasMatchedOption(option)) {
            return true;
        }
        return command.defaultValueProvider() instanceof ConfDefaults conf
                && conf.givenByUser(option.substring(2));
    }

    private char delimiter() {
        if (delimiter.equals("tab") || delimiter.equals("\\t")) {
            return '\t';
        }
        if (delimiter.length() != 1) {
            throw new SettingError("{--delimiter} must be one character (or tab), got '" + delimiter + "'");
        }
        return delimiter.charAt(0);
    }

    /** --on-bad-record: skip (true) or fail. */
    boolean skipsBadRecords() {
        return switch (onBadRecord) {
            case "skip" -> true;
            case "fail" -> false;
            default -> throw new SettingError("unknown on-bad-record '" + onBadRecord + "', expected one of fail,"
                    + " skip");
        };
    }

    /** --normalize standard or window: features and numeric labels standardised with training-set statistics. */
    boolean standardize() {
        return normalization().standardizes();
    }

    /** How each window is expressed from itself: --relative-to-last, --normalize window. */
    WindowTransform windowTransform() {
        return WindowTransform.of(relativeToLast, normalization().scalesWindows());
    }

    private Normalization normalization() {
        return Choices.parse("normalize", normalize, Normalization.class);
    }
}
