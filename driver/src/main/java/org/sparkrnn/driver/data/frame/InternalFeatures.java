package org.sparkrnn.driver.data.frame;

import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkrnn.driver.DataFormatError;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A sequence column ({@code array<array<number>>} or {@code array<vector>}, steps × features) read from Spark's
 * internal rows, as {@link FrameColumns#readFeatures} reads it from external {@code Row}s and with the same checks
 * and messages, but without boxing: a step of doubles is one copy out of Spark's binary array, a vector its values.
 * What batch scoring reads ({@code LstmModel.transform}, {@code predict} on a data source).
 */
public final class InternalFeatures implements Serializable {

    private static final long serialVersionUID = 1L;

    /** How a step is stored. */
    private enum Step { VECTOR, DOUBLES, FLOATS, INTS, LONGS, OTHER }

    private final String column;
    private final Step step;
    private final DataType element;
    private final boolean entriesMayBeNull;
    private final VectorUDT vectors = new VectorUDT();

    private InternalFeatures(String column, Step step, DataType element, boolean entriesMayBeNull) {
        this.column = column;
        this.step = step;
        this.element = element;
        this.entriesMayBeNull = entriesMayBeNull;
    }

    /**
     * The reader of column {@code column} of {@code schema} (checked by {@link FrameColumns#check} first), naming
     * {@code named} in messages.
     */
    public static InternalFeatures of(StructType schema, String column, String named) {
        DataType type = ((ArrayType) schema.apply(column).dataType()).elementType();
        if (type.equals(SQLDataTypes.VectorType())) {
            return new InternalFeatures(named, Step.VECTOR, type, false);
        }
        ArrayType numbers = (ArrayType) type;
        DataType e = numbers.elementType();
        Step step = e.equals(DataTypes.DoubleType) ? Step.DOUBLES : e.equals(DataTypes.FloatType) ? Step.FLOATS
                : e.equals(DataTypes.IntegerType) ? Step.INTS : e.equals(DataTypes.LongType) ? Step.LONGS
                : Step.OTHER;
        return new InternalFeatures(named, step, e, numbers.containsNull());
    }

    /** The steps of column {@code index} of {@code row} (row {@code number}, 1-based, for messages). */
    public List<double[]> steps(InternalRow row, int index, String source, long number) {
        if (row.isNullAt(index)) {
            throw FrameColumns.nullSequence(column, source, number);
        }
        ArrayData steps = row.getArray(index);
        int n = steps.numElements();
        if (n == 0) {
            throw FrameColumns.emptySequence(column, source, number);
        }
        List<double[]> out = new ArrayList<>(n);
        for (int t = 0; t < n; t++) {
            if (steps.isNullAt(t)) {
                throw FrameColumns.nullStep(t, source, number);
            }
            double[] x = step == Step.VECTOR ? vectors.deserialize(steps.getStruct(t, 4)).toArray()
                    : numbers(steps.getArray(t), source, number, t);
            FrameColumns.requireFinite(x, t, source, number);
            out.add(x);
        }
        return out;
    }

    private double[] numbers(ArrayData values, String source, long number, int t) {
        int n = values.numElements();
        if (entriesMayBeNull) {
            for (int i = 0; i < n; i++) {
                if (values.isNullAt(i)) {
                    throw new DataFormatError(source, "row", number, "step " + t + " entry " + i
                            + " is null, expected a number");
                }
            }
        }
        switch (step) {
            case DOUBLES:
                return values.toDoubleArray();
            case FLOATS: {
                double[] x = new double[n];
                for (int i = 0; i < n; i++) {
                    x[i] = values.getFloat(i);
                }
                return x;
            }
            case INTS: {
                double[] x = new double[n];
                for (int i = 0; i < n; i++) {
                    x[i] = values.getInt(i);
                }
                return x;
            }
            case LONGS: {
                double[] x = new double[n];
                for (int i = 0; i < n; i++) {
                    x[i] = values.getLong(i);
                }
                return x;
            }
            default: {
                double[] x = new double[n];
                for (int i = 0; i < n; i++) {
                    x[i] = ((Number) CatalystTypeConverters.convertToScala(values.get(i, element), element))
                            .doubleValue();
                }
                return x;
            }
        }
    }
}
