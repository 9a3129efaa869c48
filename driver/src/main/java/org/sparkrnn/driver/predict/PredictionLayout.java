package org.sparkrnn.driver.predict;

import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.driver.data.records.RecordShape;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The columns a model's predictions take, and their values for one sequence. Regression: {@code prediction} is a
 * double (one output) or an array of V doubles. Classification (Spark ML's convention): {@code prediction} is the
 * most probable class id as a double and {@code probability} the class probabilities, as an ML vector (for
 * DataFrames) or an array of doubles (for files). Per-step models have an array with one entry per step instead.
 *
 * @param vectors probabilities as {@code ml.linalg} vectors (true) or arrays of doubles (false)
 */
public record PredictionLayout(RecordShape shape, int outputs, boolean classes, String predictionCol,
                               String probabilityCol, boolean vectors) implements Serializable {

    /**
     * The layout of a model not fitted yet, for its output schema: the number of outputs V is not known before
     * fitting, but the columns only depend on whether it is one value or several ({@code severalValues}).
     */
    public static PredictionLayout beforeFitting(boolean classes, boolean perStep, boolean severalValues,
                                                 String predictionCol, String probabilityCol) {
        RecordShape shape = new RecordShape(0, false, perStep ? LabelShape.PER_STEP : LabelShape.PER_SEQUENCE,
                classes ? LabelKind.CLASSES : LabelKind.VALUES, 1, 0);
        return new PredictionLayout(shape, severalValues ? 2 : 1, classes, predictionCol, probabilityCol, true);
    }

    public boolean perStep() {
        return shape.labelShape() == LabelShape.PER_STEP;
    }

    /** The appended columns, never null. */
    public List<StructField> fields() {
        return fields(false);
    }

    /** The appended columns; {@code nullable}: a row may have no prediction (an invalid row kept). */
    public List<StructField> fields(boolean nullable) {
        List<StructField> fields = new ArrayList<>();
        DataType prediction = classes || outputs == 1 ? DataTypes.DoubleType
                : DataTypes.createArrayType(DataTypes.DoubleType, false);
        fields.add(DataTypes.createStructField(predictionCol, perStep()
                ? DataTypes.createArrayType(prediction, false) : prediction, nullable));
        if (classes) {
            DataType probability = vectors ? SQLDataTypes.VectorType()
                    : DataTypes.createArrayType(DataTypes.DoubleType, false);
            fields.add(DataTypes.createStructField(probabilityCol, perStep()
                    ? DataTypes.createArrayType(probability, false) : probability, nullable));
        }
        return fields;
    }

    /** {@code schema} with the prediction columns appended. */
    public StructType appendTo(StructType schema) {
        return appendTo(schema, false);
    }

    /** {@code schema} with the prediction columns appended, {@code nullable} or not. */
    public StructType appendTo(StructType schema, boolean nullable) {
        StructType out = schema;
        for (StructField field : fields(nullable)) {
            if (java.util.Arrays.asList(schema.fieldNames()).contains(field.name())) {
                throw new IllegalArgumentException("the output column '" + field.name() + "' already exists in "
                        + java.util.Arrays.toString(schema.fieldNames()) + "; choose another name");
            }
            out = out.add(field);
        }
        return out;
    }

    /**
     * The appended values for sequence {@code b} of a chunk whose outputs (original units, rows × V) are
     * {@code outputs}: rows are sequences (last step) or steps at {@code stepOffset} ({@code steps} of them).
     */
    public Object[] values(double[] out, int row, int steps) {
        if (!perStep()) {
            return classes ? new Object[] {argmax(out, row), probabilities(out, row)}
                    : new Object[] {value(out, row)};
        }
        Object[] predictions = new Object[steps];
        Object[] probabilities = classes ? new Object[steps] : null;
        for (int t = 0; t < steps; t++) {
            if (classes) {
                predictions[t] = argmax(out, row + t);
                probabilities[t] = probabilities(out, row + t);
            } else {
                predictions[t] = value(out, row + t);
            }
        }
        return classes ? new Object[] {predictions, probabilities} : new Object[] {predictions};
    }

    private Object value(double[] out, int row) {
        if (outputs == 1) {
            return out[row];
        }
        return java.util.Arrays.copyOfRange(out, row * outputs, (row + 1) * outputs);
    }

    private double argmax(double[] out, int row) {
        int best = 0;
        for (int j = 1; j < outputs; j++) {
            if (out[row * outputs + j] > out[row * outputs + best]) {
                best = j;
            }
        }
        return best;
    }

    private Object probabilities(double[] out, int row) {
        double[] p = java.util.Arrays.copyOfRange(out, row * outputs, (row + 1) * outputs);
        return vectors ? Vectors.dense(p) : p;
    }
}
