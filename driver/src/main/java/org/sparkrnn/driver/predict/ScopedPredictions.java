package org.sparkrnn.driver.predict;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;
import org.sparkrnn.driver.exec.ModelBroadcasts;

/**
 * Predictions as a lazy DataFrame (batch or streaming) whose model broadcast lives until {@link #close}: closed after
 * the DataFrame is written, or once the streaming query that writes it has ended, it destroys the broadcast on the
 * driver and every executor then, rather than whenever the plan happens to be garbage.
 */
public final class ScopedPredictions implements AutoCloseable {

    private final Dataset<Row> rows;
    private final ModelBroadcasts models;
    private final LongAccumulator unscaledSeries;

    ScopedPredictions(Dataset<Row> rows, ModelBroadcasts models) {
        this(rows, models, null);
    }

    /** @param unscaledSeries counts the windows of series the model has no scale for, or null */
    ScopedPredictions(Dataset<Row> rows, ModelBroadcasts models, LongAccumulator unscaledSeries) {
        this.rows = rows;
        this.models = models;
        this.unscaledSeries = unscaledSeries;
    }

    /**
     * Of the windows predicted so far, those of a series the model has no scale for ({@code --normalize series}):
     * each was scaled by its own values. 0 for other models.
     */
    public long windowsOfUnknownSeries() {
        return unscaledSeries == null ? 0 : unscaledSeries.value();
    }

    /** The predictions: may be evaluated any number of times until {@link #close}. */
    public Dataset<Row> rows() {
        return rows;
    }

    /** Destroys the model's broadcast; the rows cannot be evaluated after. */
    @Override
    public void close() {
        models.close();
    }
}
