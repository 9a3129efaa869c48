package org.sparkrnn.driver.data;

import java.io.Serializable;

/**
 * Where the data are and how to turn them into sequences.
 *
 * @param format             jsonl, csv, text, or a Spark data source with JSON Lines' columns (parquet, orc, ...)
 * @param path               a file, directory or glob; local or any Hadoop URI
 * @param validationPath     a separate validation data set in the same format, or null
 * @param validationFraction the share of sequences held out for validation when there is no separate set (0 = none)
 * @param split              how the held-out share is chosen: random (seeded, per sequence) or tail (the last
 *                           sequences in file order, right for time series)
 * @param column             csv: the value column
 * @param timeColumn         csv: a column naming each row's time (for --validate-from), or null
 * @param window             csv and text: steps per sequence
 * @param horizon            csv: the target is the value this many steps after a window's last step
 * @param validateFrom       csv: windows whose target time is at or after this go to validation (numeric compare
 *                           when both are numbers), or null
 * @param missing            csv: skip (drop windows touching a gap) or interpolate (linear between known neighbours)
 * @param classification     labels are class ids
 * @param classes            K, or 0 to infer it (max id + 1 over the training data)
 * @param partitions         partitions of the cached training data (0 = Spark's default parallelism)
 * @param seed               for the random split
 * @param skipBadRecords     drop records that fail to parse (counted and reported) instead of stopping
 * @param rejectsPath        with skipBadRecords: where the rejected records are written (a directory), or null
 * @param relativeToLast     csv: windows relative to their last value ({@link org.sparkrnn.data.RelativeToLast})
 */
public record DataOptions(String format, String path, String validationPath, double validationFraction, String split,
                          String column, String timeColumn, int window, int horizon, String validateFrom,
                          String missing, boolean classification, int classes, int partitions, long seed,
                          boolean skipBadRecords, String rejectsPath, boolean relativeToLast)
        implements Serializable {

    /** The formats this project reads itself; any other name is a Spark data source (parquet, orc, ...). */
    public static final java.util.List<String> OWN_FORMATS = java.util.List.of("jsonl", "csv", "text");

    public DataOptions withRejectsPath(String path) {
        return new DataOptions(format, this.path, validationPath, validationFraction, split, column, timeColumn,
                window, horizon, validateFrom, missing, classification, classes, partitions, seed, skipBadRecords,
                path, relativeToLast);
    }

    /** These options reading windows as they are (prediction applies the model's own input transform). */
    public DataOptions absolute() {
        return new DataOptions(format, path, validationPath, validationFraction, split, column, timeColumn, window,
                horizon, validateFrom, missing, classification, classes, partitions, seed, skipBadRecords,
                rejectsPath, false);
    }
}
