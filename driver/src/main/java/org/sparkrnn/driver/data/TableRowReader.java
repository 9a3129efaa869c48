package org.sparkrnn.driver.data;

import org.apache.spark.sql.Row;
import org.sparkrnn.driver.DataFormatError;
import org.sparkrnn.driver.config.TableLayout;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;

/**
 * Rows of a long table as {@link LongTableSource} projects them (series key, time key, time text, features,
 * targets) read into values: a missing value is a gap (NaN), numeric text a number, other text an error naming the
 * series, time and column.
 */
final class TableRowReader implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final List<String> features;
    private final List<String> targets;
    private final String idColumn;

    TableRowReader(String source, TableLayout layout) {
        this.source = source;
        this.features = layout.featureColumns();
        this.targets = layout.targetColumns();
        this.idColumn = layout.idColumn();
    }

    int width() {
        return features.size() + targets.size();
    }

    SeriesCutter.Rows read(Iterator<Row> rows) {
        SeriesCutter.Rows out = new SeriesCutter.Rows(features.size(), targets.size());
        double[] x = new double[features.size()];
        double[] y = new double[targets.size()];
        while (rows.hasNext()) {
            Row row = rows.next();
            values(row, x, y);
            out.add(id(row), time(row), timeText(row), x, y);
        }
        return out;
    }

    Object id(Row row) {
        if (row.isNullAt(0)) {
            throw new DataFormatError(source, "a row has no series key (column '" + idColumn + "' is null)");
        }
        return row.get(0);
    }

    double time(Row row) {
        if (row.isNullAt(1)) {
            throw new DataFormatError(source, "series " + row.get(0) + ": time '" + row.get(2)
                    + "' is not a number, date or timestamp");
        }
        return row.getDouble(1);
    }

    String timeText(Row row) {
        return row.isNullAt(2) ? "row " + (long) row.getDouble(1) : row.getString(2);
    }

    /** Features into x, targets into y; a missing value is NaN (a gap), text that is no number an error. */
    void values(Row row, double[] x, double[] y) {
        for (int k = 0; k < x.length; k++) {
            x[k] = value(row, 3 + k, features.get(k));
        }
        for (int k = 0; k < y.length; k++) {
            y[k] = value(row, 3 + x.length + k, targets.get(k));
        }
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
            throw new DataFormatError(source, "series " + row.get(0) + " at time " + timeText(row) + ": column '"
                    + column + "' value '" + text + "' is not a number");
        }
    }
}
