package org.sparkrnn.driver.data.table;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Rows of a long table in (series, time) order, columnar: inputs and targets as primitive rows, the time as a number
 * that orders, the series key once per run of rows (a series' rows are consecutive), and the time's text only when it
 * cannot be rebuilt from the number ({@link TimeFormat#TEXT}) or is asked for. One partition's rows (with those
 * around it), read by the pass that cuts them; the rows at a partition's edges travel to its neighbours as small
 * pieces. Spark-free; built by appending, then {@link #trimmed} before it is kept.
 */
public final class TableRows implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int inputSize;
    private final int targetWidth;
    private final TimeFormat format;
    private Object[] runKeys; // the series of each run of rows
    private int[] runEnds;    // where each run ends (exclusive), ascending
    private int runs;
    private double[] times;
    private String[] texts; // null unless the format is TEXT
    private double[] x;
    private double[] y;
    private int size;

    /** Empty rows that grow as they are added. */
    public TableRows(int inputSize, int targetWidth, TimeFormat format) {
        this(inputSize, targetWidth, format, 0, 64);
    }

    /** Empty rows with room for {@code capacity} (they grow past it if they must). */
    static TableRows withCapacity(int inputSize, int targetWidth, TimeFormat format, long capacity) {
        if (capacity > Integer.MAX_VALUE / Math.max(inputSize, targetWidth)) {
            throw new IllegalStateException(capacity + " rows in one partition are too many to cut at once; give"
                    + " more --partitions");
        }
        return new TableRows(inputSize, targetWidth, format, 0, (int) Math.max(1, capacity));
    }

    private TableRows(int inputSize, int targetWidth, TimeFormat format, int size, int capacity) {
        this.inputSize = inputSize;
        this.targetWidth = targetWidth;
        this.format = Objects.requireNonNull(format, "format");
        this.size = size;
        this.runKeys = new Object[8];
        this.runEnds = new int[8];
        this.times = new double[capacity];
        this.texts = format == TimeFormat.TEXT ? new String[capacity] : null;
        this.x = new double[capacity * inputSize];
        this.y = new double[capacity * targetWidth];
    }

    /**
     * A row: its series (a new run when it differs from the last row's), its time (a number that orders, and its
     * text when the format keeps texts), inputs and targets.
     */
    void add(Object id, double time, String text, double[] inputs, double[] targets) {
        if (size == times.length) {
            grow(Math.max(64, size * 2));
        }
        extendRuns(id, 1);
        times[size] = time;
        if (texts != null) {
            texts[size] = text;
        }
        System.arraycopy(inputs, 0, x, size * inputSize, inputSize);
        System.arraycopy(targets, 0, y, size * targetWidth, targetWidth);
        size++;
    }

    /** Appends all of {@code other}'s rows. */
    void addAll(TableRows other) {
        for (int r = 0; r < other.size; r++) {
            add(other.id(r), other.times[r], other.texts == null ? null : other.texts[r],
                    java.util.Arrays.copyOfRange(other.x, r * inputSize, (r + 1) * inputSize),
                    java.util.Arrays.copyOfRange(other.y, r * targetWidth, (r + 1) * targetWidth));
        }
    }

    /** These rows with no spare capacity (the arrays copied once when there is some). */
    TableRows trimmed() {
        if (times.length != size) {
            grow(size);
        }
        return this;
    }

    /** {@code rows} more rows of series {@code id} at the end: the last run grows, or a new one starts. */
    private void extendRuns(Object id, int rows) {
        if (runs > 0 && Objects.equals(runKeys[runs - 1], id)) {
            runEnds[runs - 1] += rows;
            return;
        }
        if (runs == runKeys.length) {
            runKeys = Arrays.copyOf(runKeys, runs * 2);
            runEnds = Arrays.copyOf(runEnds, runs * 2);
        }
        runKeys[runs] = id;
        runEnds[runs] = (runs == 0 ? 0 : runEnds[runs - 1]) + rows;
        runs++;
    }

    private void grow(int capacity) {
        times = Arrays.copyOf(times, capacity);
        texts = texts == null ? null : Arrays.copyOf(texts, capacity);
        x = Arrays.copyOf(x, capacity * inputSize);
        y = Arrays.copyOf(y, capacity * targetWidth);
    }

    public int size() {
        return size;
    }

    int inputSize() {
        return inputSize;
    }

    int targetWidth() {
        return targetWidth;
    }

    TimeFormat format() {
        return format;
    }

    /** The series of {@code row}. */
    public Object id(int row) {
        return runKeys[run(row)];
    }

    /** Where the series of {@code row} ends among these rows (exclusive). */
    int seriesEnd(int row) {
        return runEnds[run(row)];
    }

    /** Where the series of {@code row} starts among these rows. */
    int seriesStart(int row) {
        int k = run(row);
        return k == 0 ? 0 : runEnds[k - 1];
    }

    /** The run that holds {@code row}: the first whose end is past it. */
    private int run(int row) {
        int lo = 0;
        int hi = runs - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (runEnds[mid] > row) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    public double time(int row) {
        return times[row];
    }

    /** Row {@code row}'s time as the table writes it (for messages and the {@code time} of predictions). */
    public String text(int row) {
        return texts != null ? texts[row] : format.text(times[row]);
    }

    /** The inputs, row-major (rows × inputSize); the array itself, for the cutter to read and fill gaps in. */
    public double[] inputs() {
        return x;
    }

    /** The targets, row-major (rows × targetWidth); the array itself. */
    double[] targets() {
        return y;
    }

    /** Rows [from, to) as their own rows. */
    TableRows slice(int from, int to) {
        return concat(inputSize, targetWidth, format, List.of(this), from, to);
    }

    /** The rows of {@code parts} one after another. */
    static TableRows concat(int inputSize, int targetWidth, TimeFormat format, List<TableRows> parts) {
        return concat(inputSize, targetWidth, format, parts, -1, -1);
    }

    private static TableRows concat(int inputSize, int targetWidth, TimeFormat format, List<TableRows> parts,
                                    int from, int to) {
        int total = 0;
        for (TableRows part : parts) {
            total += from < 0 ? part.size : to - from;
        }
        TableRows out = new TableRows(inputSize, targetWidth, format, total, total);
        int row = 0;
        for (TableRows part : parts) {
            int start = from < 0 ? 0 : from;
            int n = from < 0 ? part.size : to - from;
            for (int r = start; r < start + n; ) {
                int k = part.run(r);
                int end = Math.min(part.runEnds[k], start + n);
                out.extendRuns(part.runKeys[k], end - r);
                r = end;
            }
            System.arraycopy(part.times, start, out.times, row, n);
            if (out.texts != null) {
                System.arraycopy(part.texts, start, out.texts, row, n);
            }
            System.arraycopy(part.x, start * inputSize, out.x, row * inputSize, n * inputSize);
            System.arraycopy(part.y, start * targetWidth, out.y, row * targetWidth, n * targetWidth);
            row += n;
        }
        return out;
    }
}
