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

    /**
     * Whether a row at {@code time}, at or before the series' newest, fills in a row the series holds (a forecast
     * decoder's future row, its target now there) instead of being late. None does by default.
     */
    default boolean fills(S series, double time) {
        return false;
    }

    /** Fills in the held row at {@code time} with {@code inputs} (a row {@link #fills} said yes to). */
    default void fill(S series, double time, double[] inputs) {
        throw new UnsupportedOperationException("these steps hold no row to fill in");
    }

    /** Receives the outputs of rows. */
    interface Emitter {
        /** The output columns' values for row {@code row} (0-based among the rows taken). */
        void emit(int row, Object... values);

        /**
         * The output columns' values for an earlier row of the series, held by its state: its time as the table
         * writes it, and the times it predicts (null without a time step).
         */
        default void emitFor(String time, String[] forecastTimes, Object... values) {
            throw new UnsupportedOperationException("this stream keys outputs by the rows taken");
        }

        /** Row {@code row}'s series key (as the table holds it). */
        default Object key(int row) {
            throw new UnsupportedOperationException();
        }

        /** Row {@code row}'s time as the table writes it. */
        default String time(int row) {
            throw new UnsupportedOperationException();
        }

        /** Row {@code row}'s time as a number that orders. */
        default double timeKey(int row) {
            throw new UnsupportedOperationException();
        }

        /** The times row {@code row}'s output would predict (null without a time step). */
        default String[] forecastTimes(int row) {
            return null;
        }

        /**
         * What a forecast decoder reads of the steps after row {@code row}, made from their times (the calendar
         * inputs; the statics are the series' to fill in), or null when only the rows of those steps can give it
         * (the decoder reads {@code --known-columns}, or the calendar without a time step).
         */
        default double[][] stepsAfter(int row) {
            return null;
        }
    }
}
