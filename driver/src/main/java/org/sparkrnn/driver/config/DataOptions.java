package org.sparkrnn.driver.config;

import org.sparkrnn.data.WindowTransform;

import java.io.Serializable;
import java.util.List;

/**
 * Where the data are and how to turn them into sequences; checks itself when built. How series are cut into windows
 * has one home: {@code windows} for csv windows over one column and text, {@code table} for a long table.
 *
 * @param format             jsonl, csv, text, or a Spark data source with JSON Lines' columns (parquet, orc, ...)
 * @param path               a file, directory or glob; local or any Hadoop URI
 * @param validationPath     a separate validation data set in the same format, or null
 * @param validationFraction the share of sequences held out for validation when there is no separate set (0 = none)
 * @param split              how the held-out share is chosen
 * @param task               what the labels are (text is always classification)
 * @param classes            K, or 0 to infer it (max id + 1 over the training data)
 * @param partitions         partitions of the cached training data (0 = Spark's default parallelism)
 * @param seed               for the random split
 * @param skipBadRecords     drop records that fail to parse (counted and reported) instead of stopping
 * @param rejectsPath        with skipBadRecords: where the rejected records are written (a directory), or null
 * @param delimiter          csv: the field separator
 * @param header             csv: the first row names the columns (else they are named by position, 1, 2, ...)
 * @param windows            csv windows and text: how they are cut (csv and text read their defaults when null)
 * @param table              a long table's layout (one row per series and time: csv or a Spark data source), or
 *                           null: the other formats, and csv windows over one column
 */
public record DataOptions(String format, String path, String validationPath, double validationFraction, Split split,
                          Task task, int classes, int partitions, long seed, boolean skipBadRecords,
                          String rejectsPath, char delimiter, boolean header, ColumnWindows windows,
                          TableLayout table)
        implements Serializable {

    /** The format of a DataFrame handed to the Spark ML estimators: its path only names its columns in messages. */
    public static final String FRAME = "dataframe";

    /** The formats this project reads itself; any other name is a Spark data source (parquet, orc, ...). */
    public static final List<String> OWN_FORMATS = List.of("jsonl", "csv", "text");

    public DataOptions {
        if (path == null) {
            throw new SettingError("{--data} is required (a file, directory or glob)");
        }
        if (format == null || format.isBlank()) {
            throw new SettingError("{--format} needs a name: jsonl, csv, text, or a Spark data source such as"
                    + " parquet");
        }
        Bound.check("classes", classes);
        Bound.check("partitions", partitions);
        Bound.check("validation-fraction", validationFraction);
        // (the accessors read fields, which a compact constructor has not assigned yet: the parameters are used)
        WindowTransform transform = windowTransform(table, windows);
        if (!transform.isIdentity() && table == null && !format.equals("csv") && !format.equals(FRAME)) {
            throw new SettingError((transform.scaled() ? "{--normalize} window" : "{--relative-to-last}")
                    + " applies to windows of a series (csv windows, a long table), not {--format} " + format);
        }
        if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
            throw new SettingError("{--delimiter} cannot be a quote or a line break");
        }
        if (table != null) {
            if (windows != null) {
                throw new IllegalArgumentException("a long table's windows are its layout's, not csv windows'");
            }
            if (OWN_FORMATS.contains(format) && !format.equals("csv") || format.equals(FRAME)) {
                throw new SettingError("{--target-column} reads a long table: csv or a Spark data source (parquet,"
                        + " orc, ...), not {--format} " + format);
            }
            if (skipBadRecords) {
                throw new SettingError("{--on-bad-record} skip applies to files of records; a long table's bad"
                        + " value stops the load, naming its series and time");
            }
        }
        if (!format.equals("csv") && table == null) {
            List<String> csvOnly = new java.util.ArrayList<>(windows == null ? List.of() : windows.given());
            if (format.equals("text")) {
                csvOnly.remove("{--window}");
            }
            if (delimiter != COMMA || !header) {
                csvOnly.add(delimiter != COMMA ? "{--delimiter}" : "{--no-header}");
            }
            if (!csvOnly.isEmpty()) {
                throw new SettingError(String.join(", ", csvOnly) + " shape" + (csvOnly.size() == 1 ? "s" : "")
                        + " csv windows" + (csvOnly.equals(List.of("{--window}")) ? " and text" : "")
                        + ", not {--format} " + format);
            }
        }
        if (validateFrom(table, windows) != null && validationFraction > 0) {
            throw new SettingError("{--validate-from} and {--validation-fraction} both choose the validation data;"
                    + " give one");
        }
        if (split == Split.TAIL && validationFraction == 0) {
            throw new SettingError("{--split} tail says which share {--validation-fraction} holds out; give a"
                    + " fraction too");
        }
        if (table != null && !format.equals("csv") && (delimiter != COMMA || !header)) {
            throw new SettingError((delimiter != COMMA ? "{--delimiter}" : "{--no-header}") + " shapes csv, not"
                    + " {--format} " + format);
        }
        java.util.Objects.requireNonNull(split, "split");
        java.util.Objects.requireNonNull(task, "task");
    }

    /** How csv windows and text are cut: as given, or every setting at its default. */
    public ColumnWindows columnWindows() {
        return windows != null ? windows : ColumnWindows.defaults();
    }

    /** The time from which windows are validation data (csv windows or a long table), or null. */
    public String validateFrom() {
        return validateFrom(table, windows);
    }

    /**
     * The steps after a window's last whose targets its label holds, ascending: a long table's horizons, csv
     * windows' one horizon, else the next step.
     */
    public int[] horizons() {
        return table != null ? table.horizons() : new int[] {columnWindows().horizon()};
    }

    /** How each window is expressed from itself (csv windows or a long table; else none). */
    public WindowTransform windowTransform() {
        return windowTransform(table, windows);
    }

    private static String validateFrom(TableLayout table, ColumnWindows windows) {
        return table != null ? table.validateFrom() : windows != null ? windows.validateFrom() : null;
    }

    private static WindowTransform windowTransform(TableLayout table, ColumnWindows windows) {
        return table != null ? table.windowTransform() : windows != null ? windows.windowTransform()
                : WindowTransform.NONE;
    }

    /** The data are files (or a data source's path), not a DataFrame handed over in code. */
    public boolean readsFiles() {
        return !format.equals(FRAME);
    }

    /** Labels are class ids: the task says so, or the data are text (each step labelled with the next character). */
    public boolean classification() {
        return task == Task.CLASSIFICATION || format.equals("text");
    }

    /** The default CSV dialect: commas, a header row. */
    public static final char COMMA = ',';

    public DataOptions withRejectsPath(String path) {
        return new DataOptions(format, this.path, validationPath, validationFraction, split, task, classes,
                partitions, seed, skipBadRecords, path, delimiter, header, windows, table);
    }

    /** These options with other paths (data, validation data). */
    public DataOptions withPaths(String data, String validation) {
        return new DataOptions(format, data, validation, validationFraction, split, task, classes, partitions, seed,
                skipBadRecords, rejectsPath, delimiter, header, windows, table);
    }

    /** These options with another long table layout. */
    public DataOptions withTable(TableLayout layout) {
        return new DataOptions(format, path, validationPath, validationFraction, split, task, classes, partitions,
                seed, skipBadRecords, rejectsPath, delimiter, header, windows, layout);
    }

    /**
     * These options as a trained model reads a long table: its windows carry the rows of the steps they predict when
     * it has a forecast decoder ({@code futureRows}), its static columns have its {@code categories} (null: none
     * kept), and its targets are counts when its loss reads counts ({@code countTargets}).
     */
    public DataOptions forModelInputs(boolean futureRows, java.util.Map<String, java.util.List<String>> categories,
                                      boolean countTargets) {
        DataOptions options = withFutureRows(futureRows).withStaticCategories(categories);
        return options.table == null || options.table.countTargets() == countTargets ? options
                : options.withTable(options.table.withCountTargets(countTargets));
    }

    /**
     * These options for a model with (or without) a forecast decoder: a long table's windows then carry the rows of
     * the steps they predict.
     */
    public DataOptions withFutureRows(boolean future) {
        return table == null || table.futureRows() == future ? this : withTable(table.withFutureRows(future));
    }

    /**
     * These options with a model's static categories ({@code categories}: its static columns and their one-hot
     * values; null: as they are).
     */
    public DataOptions withStaticCategories(java.util.Map<String, java.util.List<String>> categories) {
        return table == null || categories == null ? this : withTable(table.withCategories(categories));
    }

    /** These options reading windows as they are (prediction applies the model's own input transform). */
    public DataOptions absolute() {
        return new DataOptions(format, path, validationPath, validationFraction, split, task, classes, partitions,
                seed, skipBadRecords, rejectsPath, delimiter, header, windows == null ? null : windows.absolute(),
                table == null ? null : table.absolute());
    }

    /** These options as settings (option name → text), as {@link TrainingConfig#settings()} stores them. */
    void addSettings(Settings into) {
        // every key, for every format, as earlier versions wrote them: checkpoints' fingerprints stay the same
        ColumnWindows csv = columnWindows();
        into.put("data", path);
        into.put("format", format);
        into.put("validation", validationPath);
        into.put("validation-fraction", validationFraction);
        into.put("split", split.cliName());
        into.put("column", csv.column());
        into.put("time-column", table != null ? table.timeColumn() : csv.timeColumn());
        into.put("window", table != null ? table.window() : csv.window());
        into.put("horizon", table != null ? table.horizonText() : String.valueOf(csv.horizon()));
        into.put("id-column", table == null ? null : table.idColumn());
        into.put("feature-columns", table == null ? null : String.join(",", table.featureColumns()));
        into.put("target-column", table == null ? null : String.join(",", table.targetColumns()));
        into.put("stride", table == null ? 1 : table.stride());
        into.put("validate-from", validateFrom());
        into.put("missing", (table != null ? table.missing() : csv.missing()).cliName());
        into.put("relative-to-last", windowTransform().fromLast());
        into.put("calendar", table == null || table.calendar().isEmpty() ? null : String.join(",",
                table.calendar().stream().map(CalendarFeature::cliName).toList()));
        into.put("time-format", table == null ? null : table.timeFormat());
        into.put("frequency", table == null || table.frequency() == null ? null : table.frequency().text());
        into.put("known-columns", table == null || table.knownColumns().isEmpty() ? null
                : String.join(",", table.knownColumns()));
        into.put("static-columns", table == null || table.staticColumns().isEmpty() ? null
                : String.join(",", table.staticColumns()));
        into.put("task", task.cliName());
        into.put("classes", classes);
        into.put("partitions", partitions);
        into.put("on-bad-record", skipBadRecords ? "skip" : "fail");
        into.put("delimiter", delimiter == '\t' ? "tab" : String.valueOf(delimiter));
        into.put("no-header", !header);
    }
}
