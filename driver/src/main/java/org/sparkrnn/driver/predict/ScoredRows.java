package org.sparkrnn.driver.predict;

import org.sparkrnn.driver.DataFormatError;

import java.io.Serializable;
import java.util.List;

/**
 * How {@link ChunkedPredictor} reads a DataFrame row of type {@code R} and appends its predictions: external
 * {@code Row}s ({@link ExternalRows}: a streaming micro-batch, any session) or Spark's internal binary rows
 * ({@link BinaryRows}: a batch DataFrame, read and written without boxing). Both give the same records, keys,
 * messages and values.
 *
 * @param <R> the row type
 */
interface ScoredRows<R> extends Serializable {

    /** The steps of column {@code index}, checked; a {@link DataFormatError} names the row by {@code number}. */
    List<double[]> steps(R row, int index, boolean future, String source, long number);

    /** The value of column {@code index} as an external value (a series key: String, Long, ...). */
    Object key(R row, int index);

    /** {@code row} as it may be kept while the next rows are read. */
    R keep(R row);

    /** Where the row is, for an error: its position and its other columns' values. */
    String describe(R row, int featuresIndex, int partition, long number);

    /** {@code row} with {@code appended} (external values: Double, Integer, double[] or Object[]; nulls) after it. */
    R append(R row, Object[] appended);
}
