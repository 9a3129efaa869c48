package org.sparkrnn.driver.data.table;

import org.apache.spark.sql.Row;
import org.sparkrnn.driver.DataFormatError;
import org.sparkrnn.driver.config.TableLayout;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Rows of a long table as they are projected for reading (series key, time key, the time's text when the
 * format keeps it, then each value column once, features and targets sharing a column they both name) read into
 * {@link TableRows}: a missing value is a gap (NaN), numeric text a number, other text an error naming the series,
 * time and column.
 */
public final class TableRowReader implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final String idColumn;
    private final TimeFormat format;
    private final List<String> values;   // the value columns, each once, in projection order
    private final int[] featureAt;       // feature k is values[featureAt[k]]
    private final int[] targetAt;        // target j is values[targetAt[j]]
    private final int calendarFrom;      // values[calendarFrom..] are the calendar's inputs (derived from the time)
    private final String timeFormat;     // the pattern text times are read with, or null
    private final boolean counts;        // each target a count: a number >= 0 (or missing)
    private final List<String> targets;

    /** Rows read at a time while counting a partition's steps without holding it. */
    private static final int STEP_PIECE = 4096;

    TableRowReader(String source, TableLayout layout, TimeFormat format) {
        this.source = source;
        this.idColumn = layout.idColumn();
        this.format = format;
        this.values = valueColumns(layout);
        this.featureAt = layout.inputColumns().stream().mapToInt(values::indexOf).toArray();
        this.targetAt = layout.targetColumns().stream().mapToInt(values::indexOf).toArray();
        this.calendarFrom = values.size() - 2 * layout.calendar().size();
        this.timeFormat = layout.timeFormat();
        this.counts = layout.countTargets();
        this.targets = layout.targetColumns();
    }

    /**
     * The columns a row's values are read from, each once: the features, then targets that are not features, then
     * the known columns, the statics and the calendar's inputs.
     */
    static List<String> valueColumns(TableLayout layout) {
        List<String> columns = new ArrayList<>(layout.featureColumns());
        for (String target : layout.targetColumns()) {
            if (!columns.contains(target)) {
                columns.add(target);
            }
        }
        columns.addAll(layout.inputColumns().subList(layout.featureColumns().size(), layout.inputColumns().size()));
        return columns;
    }

    TimeFormat format() {
        return format;
    }

    /** Where the value columns start in a projected row. */
    private int firstValue() {
        return format == TimeFormat.TEXT ? 3 : 2;
    }

    /** All of {@code rows}, growing as they come. */
    TableRows read(Iterator<Row> rows) {
        return read(new TableRows(featureAt.length, targetAt.length, format), rows).trimmed();
    }

    /**
     * A partition's rows in one piece with the rows around it: {@code before}, then {@code rows} (of which there are
     * {@code count}, so the arrays are allocated once), then {@code after}.
     */
    TableRows read(TableRows before, Iterator<Row> rows, long count, TableRows after) {
        TableRows out = TableRows.withCapacity(featureAt.length, targetAt.length, format,
                before.size() + count + after.size());
        out.addAll(before);
        read(out, rows);
        out.addAll(after);
        return out.trimmed();
    }

    /**
     * One partition's edges, streaming: its row count, the rows of its first and last series among them, its first
     * and last {@code k} rows (only k + 1 rows held at a time), and with {@code times} the steps between its rows.
     */
    TableEdges.Summary summarize(int partition, Iterator<Row> rows, int k, TimeSteps times) {
        TableRows head = new TableRows(featureAt.length, targetAt.length, format);
        TimeSteps.StepCounts steps = times == null ? null : new TimeSteps.StepCounts();
        TableRows run = times == null ? null : new TableRows(featureAt.length, targetAt.length, format);
        double[] v = new double[values.size()];
        double[] x = new double[featureAt.length];
        double[] y = new double[targetAt.length];
        java.util.ArrayDeque<Row> tail = new java.util.ArrayDeque<>();
        long count = 0;
        long firstSeriesRows = 0;
        long lastSeriesRows = 0;
        Object firstId = null;
        Object lastId = null;
        while (rows.hasNext()) {
            Row row = rows.next();
            Object id = id(row);
            if (count == 0) {
                firstId = id;
            }
            if (firstSeriesRows == count && java.util.Objects.equals(id, firstId)) {
                firstSeriesRows++;
            }
            lastSeriesRows = count > 0 && java.util.Objects.equals(id, lastId) ? lastSeriesRows + 1 : 1;
            lastId = id;
            count++;
            if (head.size() < k) {
                add(head, row, v, x, y);
            }
            tail.addLast(row);
            if (tail.size() > k) {
                tail.removeFirst();
            }
            if (run != null) { // steps counted a piece of rows at a time, each from the last row of the one before
                add(run, row, v, x, y);
                if (run.size() == STEP_PIECE) {
                    steps.add(times, run);
                    run = run.slice(STEP_PIECE - 1, STEP_PIECE);
                }
            }
        }
        if (run != null) {
            steps.add(times, run);
        }
        return new TableEdges.Summary(partition, count, firstSeriesRows, lastSeriesRows, head.trimmed(),
                read(tail.iterator()), steps);
    }

    private TableRows read(TableRows out, Iterator<Row> rows) {
        double[] v = new double[values.size()];
        double[] x = new double[featureAt.length];
        double[] y = new double[targetAt.length];
        while (rows.hasNext()) {
            add(out, rows.next(), v, x, y);
        }
        return out;
    }

    /** One row into {@code out}; a bad value throws before anything of the row is added. */
    public void addTo(TableRows out, Row row) {
        add(out, row, new double[values.size()], new double[featureAt.length], new double[targetAt.length]);
    }

    private void add(TableRows out, Row row, double[] v, double[] x, double[] y) {
        for (int k = 0; k < v.length; k++) {
            v[k] = value(row, firstValue() + k, values.get(k));
        }
        for (int k = calendarFrom; k < v.length; k++) {
            if (Double.isNaN(v[k])) {
                throw new DataFormatError(source, "series " + row.get(0) + ": time '"
                        + (format == TimeFormat.TEXT ? text(row) : format.text(time(row))) + "' is not a"
                        + " date or timestamp, which --calendar needs"
                        + (timeFormat == null ? " (give --time-format, e.g. yyyyMMdd)" : ""));
            }
        }
        for (int k = 0; k < x.length; k++) {
            x[k] = v[featureAt[k]];
        }
        for (int k = 0; k < y.length; k++) {
            y[k] = v[targetAt[k]];
            if (counts && y[k] < 0) {
                throw new DataFormatError(source, "series " + row.get(0) + " at time " + (format == TimeFormat.TEXT
                        ? text(row) : format.text(time(row))) + ": column '" + targets.get(k) + "' value " + y[k]
                        + " is negative; --loss negative-binomial models counts (>= 0)");
            }
        }
        Object id = id(row);
        double time = time(row);
        out.add(id, time, format == TimeFormat.TEXT ? text(row) : null, x, y);
    }

    private Object id(Row row) {
        if (row.isNullAt(0)) {
            throw new DataFormatError(source, "a row has no series key (column '" + idColumn + "' is null)");
        }
        return row.get(0);
    }

    private double time(Row row) {
        if (row.isNullAt(1)) {
            throw new DataFormatError(source, "series " + row.get(0) + ": time '"
                    + (format == TimeFormat.TEXT ? row.get(2) : null) + "' " + (timeFormat != null
                    ? "does not match --time-format '" + timeFormat + "'" : "is not a number, date or timestamp"));
        }
        return row.getDouble(1);
    }

    private String text(Row row) {
        return row.isNullAt(2) ? "row " + (long) row.getDouble(1) : row.getString(2);
    }

    private double value(Row row, int index, String column) {
        if (row.isNullAt(index)) {
            return Double.NaN;
        }
        Object value = row.get(index);
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        String text = value.toString().trim();
        if (text.isEmpty()) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            String time = format == TimeFormat.TEXT ? text(row) : format.text(time(row));
            throw new DataFormatError(source, "series " + row.get(0) + " at time " + time + ": column '" + column
                    + "' value '" + text + "' is not a number");
        }
    }
}
