package org.sparkrnn.driver.data.stream;

import java.io.Serializable;

/**
 * What a stream keeps of every series between micro-batches, whatever the model: how many rows it has taken and the
 * time of its newest, so that a row at or before that time is known to be late (left out and counted, never taken
 * out of order), and how many were late. Subclasses add what the model needs ({@link WindowedSeries}: the last rows
 * of a window; a recurrent state for per-step models). Spark-free; Spark keeps it in its state store
 * (Java-serialized) and checkpoints it.
 */
public abstract class StreamedSeries implements Serializable {
    private static final long serialVersionUID = 1L;

    private long rows;
    private double newest = Double.NaN;
    private long late;
    private Object key;  // the series key, once a row was taken (null for a table without one)

    /** Whether a row at {@code time} comes too late: at or before the newest row taken. */
    public final boolean isLate(double time) {
        return rows > 0 && !(time > newest);
    }

    /** Counts a late row. */
    final void countLate() {
        late++;
    }

    /** Late rows of this series so far. */
    public final long late() {
        return late;
    }

    /** Rows taken so far (the series row number of the next one). */
    public final long rows() {
        return rows;
    }

    /** The time of the newest row taken, NaN before the first. */
    final double newest() {
        return newest;
    }

    /**
     * Forgets the rows held for the model (the series skipped a time step: nothing before the gap reaches past it);
     * the row count and the newest time stay. Nothing is held by default.
     */
    void restart() {
    }

    /** The series key its rows carry (null before its first row, or for a table of one series). */
    final Object key() {
        return key;
    }

    /** Keeps the series key its rows carry. */
    final void keep(Object seriesKey) {
        key = seriesKey;
    }

    /** Records that {@code count} more rows were taken, the newest at {@code time}. */
    final void advance(int count, double time) {
        if (isLate(time)) {
            throw new IllegalArgumentException("row at " + time + " is not after " + newest);
        }
        rows += count;
        newest = time;
    }
}
