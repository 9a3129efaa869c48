package org.sparkrnn.driver.predict;

import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.sparkrnn.driver.data.frame.InternalFeatures;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link ScoredRows} of Spark's internal rows (a batch DataFrame's executed plan): a sequence is copied out of the
 * row's binary arrays without boxing, and the predictions are joined to the row as it is, so the input columns are
 * never converted (Spark copies the joined row's bytes into its output).
 */
final class BinaryRows implements ScoredRows<InternalRow> {

    private static final long serialVersionUID = 1L;

    private final StructType schema;
    private final InternalFeatures features;
    private final InternalFeatures future;

    /** Rows of {@code schema}; sequences in {@code featuresCol}, a decoder's future rows in {@code futureCol}. */
    BinaryRows(StructType schema, String featuresCol, String futureCol) {
        this.schema = schema;
        this.features = InternalFeatures.of(schema, featuresCol, featuresCol);
        this.future = futureCol == null ? null : InternalFeatures.of(schema, futureCol, futureCol);
    }

    @Override
    public List<double[]> steps(InternalRow row, int index, boolean isFuture, String source, long number) {
        return (isFuture ? future : features).steps(row, index, source, number);
    }

    @Override
    public Object key(InternalRow row, int index) {
        DataType type = schema.fields()[index].dataType();
        return row.isNullAt(index) ? null : CatalystTypeConverters.convertToScala(row.get(index, type), type);
    }

    @Override
    public InternalRow keep(InternalRow row) {
        return row.copy();
    }

    @Override
    public String describe(InternalRow row, int featuresIndex, int partition, long number) {
        List<Object> values = new ArrayList<>(schema.size());
        for (int j = 0; j < schema.size(); j++) {
            values.add(j == featuresIndex ? null : key(row, j));
        }
        return ExternalRows.describe(schema.fieldNames(), values, featuresIndex, partition, number);
    }

    @Override
    public InternalRow append(InternalRow in, Object[] appended) {
        Object[] values = new Object[appended.length];
        for (int j = 0; j < appended.length; j++) {
            values[j] = internal(appended[j]);
        }
        return new JoinedRow(in, new GenericInternalRow(values));
    }

    private static final VectorUDT VECTORS = new VectorUDT();

    /** A prediction's value in Spark's internal form: numbers as they are, arrays as array data, vectors as rows. */
    private static Object internal(Object value) {
        if (value instanceof Vector vector) {
            return VECTORS.serialize(vector);
        }
        if (value instanceof double[] numbers) {
            return UnsafeArrayData.fromPrimitiveArray(numbers);
        }
        if (value instanceof Object[] entries) {
            Object[] converted = new Object[entries.length];
            for (int i = 0; i < entries.length; i++) {
                converted[i] = internal(entries[i]);
            }
            return new GenericArrayData(converted);
        }
        return value;
    }
}
