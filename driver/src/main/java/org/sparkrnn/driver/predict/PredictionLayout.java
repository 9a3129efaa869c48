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
 * A probabilistic model's quantiles follow, one column per level ({@code p10}, {@code p50}, ...; {@link
 * org.sparkrnn.model.Quantiles#columnName}), each typed as {@code prediction}: its point forecast is the
 * distribution's mean (a quantile model's median).
 *
 * <p>The outputs a chunk computes are rows of {@link #rowWidth()}: the point forecast's V values, then each level's.
 *
 * @param vectors probabilities as {@code ml.linalg} vectors (true) or arrays of doubles (false)
 * @param levels  the quantile levels predicted, ascending (empty: the point forecast only)
 */
public record PredictionLayout(RecordShape shape, int outputs, boolean classes, String predictionCol,
                               String probabilityCol, boolean vectors, double[] levels) implements Serializable {

    /** A point forecast (no quantiles). */
    public PredictionLayout(RecordShape shape, int outputs, boolean classes, String predictionCol,
                            String probabilityCol, boolean vectors) {
        this(shape, outputs, classes, predictionCol, probabilityCol, vectors, new double[0]);
    }

    public PredictionLayout {
        levels = levels == null ? new double[0] : levels.clone();
        if (classes && levels.length > 0) {
            throw new IllegalArgumentException("a classifier gives probabilities, not quantiles");
        }
    }

    /**
     * The columns {@code saved}'s forecasts take in files and streams: {@code prediction} (and {@code probability}
     * as arrays, for a classifier), then the quantiles at {@code levels}.
     */
    public static PredictionLayout forModel(org.sparkrnn.driver.model.SavedModel saved, double[] levels) {
        return new PredictionLayout(saved.shape(), saved.spec().outputSize(), saved.spec().loss().isClassification(),
                "prediction", "probability", false, levels);
    }

    /** This layout with the quantiles at {@code levels} after the point forecast. */
    public PredictionLayout withLevels(double[] levels) {
        return new PredictionLayout(shape, outputs, classes, predictionCol, probabilityCol, vectors, levels);
    }

    /** The numbers of one output row: V for the point forecast, and V per quantile level. */
    public int rowWidth() {
        return outputs * (1 + levels.length);
    }

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
        for (double level : levels) {
            fields.add(DataTypes.createStructField(org.sparkrnn.model.Quantiles.columnName(level), perStep()
                    ? DataTypes.createArrayType(prediction, false) : prediction, nullable));
        }
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
            if (classes) {
                return new Object[] {argmax(out, row), probabilities(out, row)};
            }
            Object[] values = new Object[1 + levels.length];
            for (int block = 0; block < values.length; block++) {
                values[block] = value(out, row, block);
            }
            return values;
        }
        Object[] predictions = new Object[steps];
        Object[] probabilities = classes ? new Object[steps] : null;
        Object[][] quantiles = new Object[levels.length][steps];
        for (int t = 0; t < steps; t++) {
            if (classes) {
                predictions[t] = argmax(out, row + t);
                probabilities[t] = probabilities(out, row + t);
            } else {
                predictions[t] = value(out, row + t, 0);
                for (int k = 0; k < levels.length; k++) {
                    quantiles[k][t] = value(out, row + t, 1 + k);
                }
            }
        }
        if (classes) {
            return new Object[] {predictions, probabilities};
        }
        Object[] values = new Object[1 + levels.length];
        values[0] = predictions;
        System.arraycopy(quantiles, 0, values, 1, levels.length);
        return values;
    }

    /** Block {@code block} (0: the point forecast, 1 + k: level k) of output row {@code row}. */
    private Object value(double[] out, int row, int block) {
        int from = row * rowWidth() + block * outputs;
        if (outputs == 1) {
            return out[from];
        }
        return java.util.Arrays.copyOfRange(out, from, from + outputs);
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
