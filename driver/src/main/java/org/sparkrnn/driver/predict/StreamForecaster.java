package org.sparkrnn.driver.predict;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.config.Defaults;
import org.sparkrnn.driver.config.InvalidRows;
import org.sparkrnn.driver.config.Frequency;
import org.sparkrnn.driver.config.KernelSettings;
import org.sparkrnn.driver.config.TableLayout;
import org.sparkrnn.driver.data.frame.FrameColumns;
import org.sparkrnn.driver.data.records.RecordShape;
import org.sparkrnn.driver.data.stream.SeriesStream;
import org.sparkrnn.driver.data.stream.StreamingWindows;
import org.sparkrnn.driver.exec.ModelBroadcasts;
import org.sparkrnn.driver.model.SavedModel;
import org.sparkrnn.model.ModelWeights;

import java.time.Duration;

/**
 * Forecasts on a stream of long-table rows, per series, with the series' state in Spark's state store, in one of two
 * modes chosen by how the model was trained:
 * <ul>
 *   <li><b>window models</b> (one label per window): each row that completes a window of its series gives one row
 *   of the series key, {@code time} (of the window's last step) and {@code prediction}, as {@code predict} writes
 *   them for the same window of the whole table; a series' windows of a micro-batch are predicted together in its
 *   state function ({@link WindowForecasts}; a forecast decoder's windows, which wait for their future rows, as rows
 *   through {@link StreamingWindows} and {@link FramePredictor}); the model is broadcast once per query;</li>
 *   <li><b>per-step models</b> (a label per step, trained on whole series): each row advances its series' recurrent
 *   state by one step ({@link RecurrentSteps}) and gives the model's output at that step, as per-step prediction over
 *   the series' whole prefix gives it.</li>
 * </ul>
 * What {@code lstm-spark stream} runs, and the API for a user's own streaming query.
 */
public final class StreamForecaster {

    private StreamForecaster() {
    }

    /**
     * The forecasts of {@code rows} (streaming or batch) with the table's columns in {@code layout} (a window
     * model's own; for a per-step model its id, time and feature columns are read); {@code counters} count late rows,
     * forecasts and rejected rows (a bad row stops the query unless they reject it), series quiet for
     * {@code timeout} are forgotten (null: never). The model is broadcast once and lives as long as the returned
     * plan (Spark's ContextCleaner removes it once the plan is garbage).
     */
    public static Dataset<Row> forecasts(Dataset<Row> rows, SavedModel saved, TableLayout layout, String source,
                                         KernelSettings kernel, Duration timeout, SeriesStream.Counters counters) {
        return forecasts(ModelBroadcasts.withThePlans(JavaSparkContext.fromSparkContext(rows.sparkSession()
                .sparkContext())), rows, saved, layout, source, kernel, timeout, counters,
                org.sparkrnn.driver.model.ForecastLevels.of(saved, null));
    }

    /**
     * As {@link #forecasts(Dataset, SavedModel, TableLayout, String, KernelSettings, Duration, SeriesStream.Counters)},
     * the model's broadcast destroyed when the result is closed: once the query that writes it has ended (what
     * {@code lstm-spark stream} does).
     */
    public static ScopedPredictions open(Dataset<Row> rows, SavedModel saved, TableLayout layout, String source,
                                         KernelSettings kernel, Duration timeout, SeriesStream.Counters counters) {
        return open(rows, saved, layout, source, kernel, timeout, counters,
                org.sparkrnn.driver.model.ForecastLevels.of(saved, null));
    }

    /** As above, a probabilistic model's forecasts with their quantiles at {@code levels} (one column each). */
    public static ScopedPredictions open(Dataset<Row> rows, SavedModel saved, TableLayout layout, String source,
                                         KernelSettings kernel, Duration timeout, SeriesStream.Counters counters,
                                         double[] levels) {
        ModelBroadcasts models = ModelBroadcasts.scoped(JavaSparkContext.fromSparkContext(rows.sparkSession()
                .sparkContext()));
        try {
            return new ScopedPredictions(forecasts(models, rows, saved, layout, source, kernel, timeout, counters,
                    levels), models);
        } catch (RuntimeException e) {
            models.close();
            throw e;
        }
    }

    private static Dataset<Row> forecasts(ModelBroadcasts models, Dataset<Row> rows, SavedModel saved,
                                          TableLayout layout, String source, KernelSettings kernel, Duration timeout,
                                          SeriesStream.Counters counters, double[] levels) {
        if (saved.shape().oneHot()) {
            throw new UserError("stream forecasts the rows of a long table; this is a character model (sample)");
        }
        if (saved.shape().inputSize() != layout.inputColumns().size()) {
            throw new UserError(source + ": the model reads " + saved.shape().inputSize() + " feature(s) per step;"
                    + " --feature-columns and --calendar give " + layout.inputColumns().size());
        }
        boolean classes = saved.spec().loss().isClassification();
        if (saved.shape().labelShape() == LabelShape.PER_STEP) {
            if (saved.spec().bidirectional()) {
                throw new UserError("a bidirectional model reads each series backwards from its end too: it cannot"
                        + " forecast rows as they arrive (train a unidirectional model to stream it)");
            }
            RecordShape step = new RecordShape(saved.shape().inputSize(), false, LabelShape.PER_SEQUENCE,
                    saved.shape().labelKind(), saved.shape().labelWidth(), saved.shape().classes());
            PredictionLayout out = new PredictionLayout(step, saved.spec().outputSize(), classes, "prediction",
                    "probability", false, levels);
            ChunkedPredictor predictor = new ChunkedPredictor(out, saved, kernel, 1);
            return SeriesStream.stream(rows, source, layout.absolute(), timeout, counters,
                    new RecurrentSteps(predictor, out, layout.inputColumns().size()), out.fields(), models,
                    new ModelWeights(saved.spec(), saved.params()), null);
        }
        // the time step given, else the model's: each series checked against it, each forecast keyed by the times
        // it predicts
        Frequency step = layout.frequency() != null ? layout.frequency() : saved.frequency();
        SeriesStream.Timing timing = step == null || layout.timeColumn() == null ? null
                : new SeriesStream.Timing(step, layout.frequency() != null, layout.horizons());
        PredictionLayout out = PredictionLayout.forModel(saved, levels);
        StreamingWindows.checkStreamable(layout);
        if (!layout.futureRows()) {
            // each series' completed windows predicted in its state function, one batch per series and micro-batch
            String keyColumn = saved.seriesScaling() == null ? null : saved.seriesScaling().keyColumn();
            if (keyColumn != null && !keyColumn.equals(layout.idColumn())) {
                throw new UserError(source + ": the model scales each series by its own scale (--normalize series):"
                        + " it needs the series key column '" + keyColumn + "'; the stream's series key is "
                        + (layout.idColumn() == null ? "not given (--id-column)" : "'" + layout.idColumn() + "'"));
            }
            ChunkedPredictor predictor = new ChunkedPredictor(out, saved, kernel, Defaults.Values.CHUNK_SIZE);
            return SeriesStream.stream(rows, source, layout.absolute(), timeout, counters,
                    new WindowForecasts(predictor, layout.inputColumns().size(), layout.window(), layout.stride(),
                            keyColumn != null, source), out.fields(), models,
                    new ModelWeights(saved.spec(), saved.params()), timing);
        }
        Dataset<Row> windows = StreamingWindows.windows(rows, source, layout.absolute(), timeout, counters, timing);
        Dataset<Row> forecasts = FramePredictor.transform(models, windows, saved, out, FrameColumns.FEATURES, source,
                InvalidRows.ERROR, kernel, Defaults.Values.CHUNK_SIZE).drop(FrameColumns.FEATURES);
        return saved.spec().hasDecoder() ? forecasts.drop(org.sparkrnn.driver.data.table.LongTableSource.FUTURE)
                : forecasts;
    }
}
