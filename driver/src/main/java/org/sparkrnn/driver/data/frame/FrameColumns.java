package org.sparkrnn.driver.data.frame;

import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import org.sparkrnn.driver.DataFormatError;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.data.records.SequenceRecord;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where the sequences are in a DataFrame, and how a row becomes a {@link SequenceRecord}. Features: one column of
 * {@code array<array<number>>} or {@code array<vector>} (steps × features). Label (optional): a number (a value or a
 * class id), an array of numbers (V values), or with {@code perStep} one entry per step ({@code array<number>} or
 * {@code array<array<number>>}; null = an unlabelled step). The same shapes as a JSON Lines record's "features",
 * "label" and "labels".
 *
 * @param label   the label column, or null (prediction)
 * @param perStep the label column holds one label per step (many-to-many)
 * @param future  the column of each window's future rows ({@code array<array<number>>}, one array of inputs per
 *                predicted step: a forecast decoder's), or null
 */
public record FrameColumns(String features, String label, boolean perStep, String future) implements Serializable {

    /** Without future rows. */
    public FrameColumns(String features, String label, boolean perStep) {
        this(features, label, perStep, null);
    }

    /**
     * The column holding each row's sequence (steps × features) in the rows the loader gives for prediction (CSV
     * windows, JSON Lines records, a long table's windows, a stream's windows), as in JSON Lines.
     */
    public static final String FEATURES = "features";

    /** The columns the CLI reads from Parquet and other Spark sources: as JSON Lines' field names. */
    public static FrameColumns cliDefaults(StructType schema, boolean requireLabels) {
        if (!requireLabels) {
            return new FrameColumns(FEATURES, null, false);
        }
        boolean hasLabels = Arrays.asList(schema.fieldNames()).contains("labels");
        boolean hasLabel = Arrays.asList(schema.fieldNames()).contains("label");
        return hasLabels && !hasLabel ? new FrameColumns(FEATURES, "labels", true)
                : new FrameColumns(FEATURES, "label", false);
    }

    /** The column names to select, features first. */
    public String[] selected() {
        List<String> names = new ArrayList<>(List.of(features));
        if (label != null) {
            names.add(label);
        }
        if (future != null) {
            names.add(future);
        }
        return names.toArray(new String[0]);
    }

    /** A short description for messages, e.g. {@code DataFrame[features, label]}. */
    public String describe() {
        return "DataFrame[" + String.join(", ", selected()) + "]";
    }

    /** Checks that the columns exist with usable types, before any job runs. */
    public void check(StructType schema, String source) {
        List<String> names = Arrays.asList(schema.fieldNames());
        for (String column : selected()) {
            if (!names.contains(column)) {
                throw new UserError(source + ": no column '" + column + "'; the columns are " + names);
            }
        }
        DataType f = schema.apply(features).dataType();
        if (!(f instanceof ArrayType a && (isNumberArray(a.elementType()) || isVector(a.elementType())))) {
            throw new UserError(source + ": column '" + features + "' is " + f.simpleString()
                    + ", expected array<array<double>> or array<vector> (steps x features)");
        }
        if (future != null) {
            DataType r = schema.apply(future).dataType();
            if (!(r instanceof ArrayType rows && isNumberArray(rows.elementType()))) {
                throw new UserError(source + ": column '" + future + "' is " + r.simpleString()
                        + ", expected array<array<double>> (the rows of the steps a window predicts)");
            }
        }
        if (label != null) {
            DataType l = schema.apply(label).dataType();
            boolean ok = perStep ? l instanceof ArrayType steps && (steps.elementType() instanceof NumericType
                    || isNumberArray(steps.elementType()))
                    : l instanceof NumericType || isNumberArray(l);
            if (!ok) {
                throw new UserError(source + ": column '" + label + "' is " + l.simpleString() + ", expected "
                        + (perStep ? "array<double> or array<array<double>> (one label per step)"
                        : "a number or array<double>"));
            }
        }
    }

    private static boolean isNumberArray(DataType type) {
        return type instanceof ArrayType a && a.elementType() instanceof NumericType;
    }

    private static boolean isVector(DataType type) {
        return type.equals(SQLDataTypes.VectorType());
    }

    /** Row {@code number} (1-based, for messages) of a frame selected as {@link #selected()}. */
    public SequenceRecord read(Row row, String source, long number) {
        SequenceRecord record = readFeatures(row, 0, source, number);
        if (label != null && !row.isNullAt(1)) {
            Object value = row.get(1);
            if (perStep) {
                List<Object> labels = new ArrayList<>();
                for (int t = 0; t < RowArrays.size(value); t++) {
                    Object entry = RowArrays.get(value, t);
                    labels.add(entry == null ? null : label(entry, source, number, "step " + t + " label"));
                }
                record.setLabels(labels);
            } else {
                record.setLabel(label(value, source, number, "label"));
            }
        }
        if (future != null) {
            int index = label == null ? 1 : 2;
            if (row.isNullAt(index)) {
                throw new DataFormatError(source, "row", number, "'" + future + "' is null: a forecast needs the rows"
                        + " of the steps it predicts");
            }
            record.future = readFeatures(row, index, source, number).steps;
        }
        return record;
    }

    /** Only the features (column {@code index} of {@code row}), as a record without labels. */
    public SequenceRecord readFeatures(Row row, int index, String source, long number) {
        SequenceRecord record = new SequenceRecord();
        if (row.isNullAt(index)) {
            throw nullSequence(features, source, number);
        }
        Object steps = row.get(index);
        int n = RowArrays.size(steps);
        if (n == 0) {
            throw emptySequence(features, source, number);
        }
        for (int t = 0; t < n; t++) {
            Object step = RowArrays.get(steps, t);
            if (step == null) {
                throw nullStep(t, source, number);
            }
            double[] x = step instanceof Vector v ? v.toArray() : numbers(step, source, number, "step " + t);
            requireFinite(x, t, source, number);
            record.steps.add(x);
        }
        return record;
    }

    /*
     * A sequence's checks and their messages, the same whether it is read from external rows (here) or Spark's
     * internal ones (InternalFeatures).
     */

    static DataFormatError nullSequence(String column, String source, long number) {
        return new DataFormatError(source, "row", number, "'" + column + "' is null");
    }

    static DataFormatError emptySequence(String column, String source, long number) {
        return new DataFormatError(source, "row", number, "the sequence is empty ('" + column + "' has no step)");
    }

    static DataFormatError nullStep(int t, String source, long number) {
        return new DataFormatError(source, "row", number, "step " + t + " is null");
    }

    /** Step {@code t}'s features {@code x}, each finite. */
    public static void requireFinite(double[] x, int t, String source, long number) {
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i])) {
                throw new DataFormatError(source, "row", number, "step " + t + " feature " + i + " is " + x[i]
                        + ", expected a finite number");
            }
        }
    }

    private static Object label(Object value, String source, long number, String what) {
        Object label = value instanceof Number x ? (Object) x.doubleValue() : numbers(value, source, number, what);
        double[] check = label instanceof Double d ? new double[] {d} : (double[]) label;
        for (double v : check) {
            if (!Double.isFinite(v)) {
                throw new DataFormatError(source, "row", number, what + " is " + v + ", expected a finite number");
            }
        }
        return label;
    }

    private static double[] numbers(Object seq, String source, long number, String what) {
        int n = RowArrays.size(seq);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            Object e = RowArrays.get(seq, i);
            if (!(e instanceof Number v)) {
                throw new DataFormatError(source, "row", number, what + " entry " + i + " is " + e
                        + ", expected a number");
            }
            x[i] = v.doubleValue();
        }
        return x;
    }
}
