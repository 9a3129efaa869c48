package org.sparkrnn.driver.data.files;

import org.sparkrnn.driver.DataFormatError;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.config.MissingValues;

import java.util.ArrayList;
import java.util.List;

/**
 * One numeric column of a CSV file with a header row, in file order. An empty field is a gap (NaN here); how gaps
 * reach the sequences is the missing-value policy ({@link #withMissingPolicy}).
 *
 * @param interpolated which values were gaps filled by interpolation (null: none was)
 */
public record CsvSeries(String file, String column, double[] values, String[] times, boolean[] interpolated) {

    /** Reads {@code column} (and {@code timeColumn}, may be null) from the lines of a CSV file, header first. */
    public static CsvSeries parse(String file, List<String> lines, String column, String timeColumn) {
        return parse(file, lines, column, timeColumn, null, ',', true);
    }

    /**
     * As {@link #parse(String, List, String, String)}; when {@code rejects} is not null, a row whose value is not a
     * number becomes a gap and its problem and text are added to {@code rejects} instead of stopping the read.
     */
    public static CsvSeries parse(String file, List<String> lines, String column, String timeColumn,
                                  List<String> rejects) {
        return parse(file, lines, column, timeColumn, rejects, ',', true);
    }

    /**
     * As {@link #parse(String, List, String, String, List)} for any dialect: fields separated by {@code delimiter};
     * without a {@code header} row the columns are named by position, 1, 2, ...
     */
    public static CsvSeries parse(String file, List<String> lines, String column, String timeColumn,
                                  List<String> rejects, char delimiter, boolean header) {
        if (lines.isEmpty()) {
            throw new DataFormatError(file, header ? "the file is empty, expected a header row and values"
                    : "the file is empty");
        }
        List<String> names = header ? split(lines.get(0), delimiter) : positions(split(lines.get(0), delimiter));
        if (header && names.size() == 1 && delimiter == ',' && lines.get(0).contains(";")) {
            throw new DataFormatError(file, 1, "the header has one column '" + names.get(0) + "'; if fields are"
                    + " separated by ';', give --delimiter ';'");
        }
        int valueAt = indexOf(names, column, file, "--column", header);
        int timeAt = timeColumn == null ? -1 : indexOf(names, timeColumn, file, "--time-column", header);
        List<Double> values = new ArrayList<>();
        List<String> times = new ArrayList<>();
        for (int i = header ? 1 : 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() && names.size() > 1) {
                continue; // an empty line between rows; with one column it is an empty value (a gap)
            }
            List<String> fields = split(line, delimiter);
            if (fields.size() != names.size()) {
                throw new DataFormatError(file, i + 1, "has " + fields.size() + " fields, the "
                        + (header ? "header has " : "first row has ") + names.size());
            }
            String text = fields.get(valueAt).trim();
            double value;
            if (text.isEmpty() || text.equalsIgnoreCase("na") || text.equalsIgnoreCase("nan")) {
                value = Double.NaN; // a gap
            } else {
                try {
                    value = Double.parseDouble(text);
                    if (!Double.isFinite(value)) {
                        throw new DataFormatError(file, i + 1, "column '" + column + "' value '" + text
                                + "' is not finite");
                    }
                } catch (NumberFormatException | DataFormatError e) {
                    DataFormatError error = e instanceof DataFormatError d ? d : new DataFormatError(file, i + 1,
                            "column '" + column + "' value '" + text + "' is not a number");
                    if (rejects == null) {
                        throw error;
                    }
                    rejects.add(error.getMessage() + "\t" + line);
                    value = Double.NaN; // skipped: a gap
                }
            }
            values.add(value);
            times.add(timeAt < 0 ? String.valueOf(values.size() - 1) : fields.get(timeAt).trim());
        }
        if (values.isEmpty()) {
            throw new DataFormatError(file, "has a header but no values");
        }
        return new CsvSeries(file, column, values.stream().mapToDouble(Double::doubleValue).toArray(),
                times.toArray(new String[0]), null);
    }

    public int gaps() {
        int gaps = 0;
        for (double v : values) {
            gaps += Double.isNaN(v) ? 1 : 0;
        }
        return gaps;
    }

    /**
     * The series as windows will read it: with {@code skip}, gaps stay (windows touching one are dropped); with
     * {@code interpolate}, each gap is filled linearly between the nearest known values before and after it (a gap
     * at either end takes the nearest known value). Filled values are inputs only: a window whose target was a gap
     * is still dropped, so no model is trained or scored on a value that was never observed.
     */
    public CsvSeries withMissingPolicy(MissingValues policy) {
        if (policy == MissingValues.SKIP) {
            return this;
        }
        double[] filled = values.clone();
        int n = filled.length;
        int previous = -1;
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(filled[i])) {
                continue;
            }
            if (previous < 0 && i > 0) {
                java.util.Arrays.fill(filled, 0, i, filled[i]);
            } else if (previous >= 0 && i - previous > 1) {
                for (int j = previous + 1; j < i; j++) {
                    double w = (double) (j - previous) / (i - previous);
                    filled[j] = filled[previous] * (1 - w) + filled[i] * w;
                }
            }
            previous = i;
        }
        if (previous < 0) {
            throw new DataFormatError(file, "column '" + column + "' has no value at all");
        }
        java.util.Arrays.fill(filled, previous + 1, n, filled[previous]);
        boolean[] wasGap = new boolean[n];
        for (int i = 0; i < n; i++) {
            wasGap[i] = Double.isNaN(values[i]);
        }
        return new CsvSeries(file, column, filled, times, wasGap);
    }

    /**
     * Starts of the windows of T inputs followed, h steps later, by a target, that touch no gap (and whose target
     * is an observed value).
     */
    public List<Integer> windowStarts(int window, int horizon) {
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i + window + horizon - 1 < values.length; i++) {
            int target = i + window + horizon - 1;
            boolean clean = !Double.isNaN(values[target]) && (interpolated == null || !interpolated[target]);
            for (int t = 0; t < window && clean; t++) {
                clean = !Double.isNaN(values[i + t]);
            }
            if (clean) {
                starts.add(i);
            }
        }
        return starts;
    }

    /**
     * The start of every gap-free window of {@code window} steps (interpolated values count as known, as inputs),
     * whatever its target: what prediction reads, up to the window that ends at the last value (the forecast past
     * the data).
     */
    public List<Integer> inputStarts(int window) {
        List<Integer> starts = new ArrayList<>();
        int known = 0; // known values ending at i
        for (int i = 0; i < values.length; i++) {
            known = Double.isNaN(values[i]) ? 0 : known + 1;
            if (known >= window) {
                starts.add(i - window + 1);
            }
        }
        return starts;
    }

    /** Whether the time label {@code time} is at or after {@code from}: numerically when both parse, else as text. */
    public static boolean atOrAfter(String time, String from) {
        try {
            return Double.parseDouble(time) >= Double.parseDouble(from);
        } catch (NumberFormatException e) {
            return time.compareTo(from) >= 0;
        }
    }

    private static int indexOf(List<String> names, String name, String file, String option, boolean header) {
        if (name == null) {
            throw new UserError("csv data needs " + option + " naming one of " + names);
        }
        int at = names.indexOf(name);
        if (at < 0) {
            throw new DataFormatError(file, 1, "no column '" + name + "' (" + option + "); " + (header
                    ? "the header has " + names : "without a header the columns are 1 to " + names.size()));
        }
        return at;
    }

    /** Column names by position: 1, 2, ... */
    private static List<String> positions(List<String> fields) {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= fields.size(); i++) {
            names.add(String.valueOf(i));
        }
        return names;
    }

    static List<String> split(String line) {
        return split(line, ',');
    }

    /**
     * Splits a CSV line on {@code delimiter} outside double quotes and unquotes the fields ("" inside quotes is a
     * quote).
     */
    static List<String> split(String line, char delimiter) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == delimiter) {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }
}
