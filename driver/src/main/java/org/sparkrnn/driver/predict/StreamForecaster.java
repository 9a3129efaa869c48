package org.sparkrnn.driver.predict;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.config.InvalidRows;
import org.sparkrnn.driver.config.TableLayout;
import org.sparkrnn.driver.data.KeyedFrames;
import org.sparkrnn.driver.data.StreamingWindows;
import org.sparkrnn.driver.exec.DistributedSums;
import org.sparkrnn.driver.exec.KernelSettings;
import org.sparkrnn.driver.model.SavedModel;

import java.time.Duration;

/**
 * Forecasts on a stream of long-table rows: each row that completes a window of its series
 * ({@link StreamingWindows}, per-series state in Spark's state store) gives one row of the series key, {@code time}
 * (of the window's last step) and {@code prediction}, as {@code predict} writes them for the same window of the
 * whole table; the model is applied by {@link FramePredictor} (broadcast once per query). What
 * {@code lstm-spark stream} runs, and the API for a user's own streaming query.
 */
public final class StreamForecaster {

    private StreamForecaster() {
    }

    /**
     * The forecasts of {@code rows} (streaming or batch) by a model trained on windows of a long table with
     * {@code layout}; {@code counters} count late rows, forecasts and rejected rows (a bad row stops the query
     * unless they reject it), series quiet for {@code timeout} are forgotten (null: never).
     */
    public static Dataset<Row> forecasts(Dataset<Row> rows, SavedModel saved, TableLayout layout, String source,
                                         KernelSettings kernel, Duration timeout,
                                         StreamingWindows.Counters counters) {
        if (saved.shape().oneHot() || saved.shape().labelShape() != org.sparkrnn.data.LabelShape.PER_SEQUENCE) {
            throw new UserError("stream forecasts with a model trained on windows of a long table (--target-column);"
                    + " this model reads " + saved.shape().describeLabels());
        }
        if (saved.shape().inputSize() != layout.featureColumns().size()) {
            throw new UserError(source + ": the model reads " + saved.shape().inputSize() + " feature(s) per step;"
                    + " --feature-columns names " + layout.featureColumns().size());
        }
        Dataset<Row> windows = StreamingWindows.windows(rows, source, layout.absolute(), timeout,
                counters);
        PredictionLayout out = new PredictionLayout(saved.shape(), saved.spec().outputSize(),
                saved.spec().loss().isClassification(), "prediction", "probability", false);
        return FramePredictor.transform(windows, saved, out, KeyedFrames.FEATURES, source, InvalidRows.ERROR, kernel,
                DistributedSums.EVALUATION_CHUNK).drop(KeyedFrames.FEATURES);
    }
}
