package org.sparkrnn.driver.data.stream;

import org.sparkrnn.model.ModelWeights;

import java.io.Serializable;

/**
 * What a stream does with a series' new rows ({@link SeriesStream}): the rows come in time order, none late, with
 * the series' state ({@code S}) as the earlier micro-batches left it; each row that gives an output emits the values
 * of its output columns after the series key and time. Runs on the executors, inside Spark's per-group state
 * function.
 *
 * @param <S> the series' state
 */
public interface SeriesSteps<S extends StreamedSeries> extends Serializable {

    /** The state of a series before its first row. */
    S start();

    /** Whether a row with a missing input (NaN) can be taken; if not, it is a bad row. */
    boolean takesGaps();

    /**
     * Takes {@code count} rows, {@code inputs} row-major (count × I), after {@code series.rows()} earlier rows;
     * updates the state (the row count and newest time are the caller's) and emits the outputs.
     *
     * @param model the model broadcast with the query, or null when the steps need none
     */
    void take(ModelWeights model, S series, double[] inputs, int count, Emitter out);

    /** Receives the outputs of rows. */
    interface Emitter {
        /** The output columns' values for row {@code row} (0-based among the rows taken). */
        void emit(int row, Object... values);
    }
}
