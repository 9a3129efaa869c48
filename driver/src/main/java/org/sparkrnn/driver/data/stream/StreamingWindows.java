package org.sparkrnn.driver.data.stream;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.config.MissingValues;
import org.sparkrnn.driver.config.TableLayout;
import org.sparkrnn.driver.data.frame.FrameColumns;
import org.sparkrnn.driver.data.table.LongTableSource;
import org.sparkrnn.driver.exec.ModelBroadcasts;
import org.sparkrnn.model.ModelWeights;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * A stream of long-table rows to the windows they complete, for models trained on windows ({@link SeriesStream}
 * with each series' last rows as its state, {@link WindowedSeries}): every row that completes a window gives one row
 * of the columns batch prediction reads (the series key, {@code time} of the window's last step, {@code features}),
 * the same window a batch {@code predict} over the whole table gives for it.
 */
public final class StreamingWindows implements SeriesSteps<WindowedSeries> {
    private static final long serialVersionUID = 1L;

    private final int inputs;
    private final int window;
    private final int stride;

    private StreamingWindows(TableLayout layout) {
        this.inputs = layout.inputColumns().size();
        this.window = layout.window();
        this.stride = layout.stride();
    }

    /**
     * The windows completed by {@code rows} (a streaming or batch DataFrame of the table's columns), in append mode.
     *
     * @param layout   the table options the model was trained with (its window, stride, columns)
     * @param counters what is counted, and whether a bad row is rejected (counted with its problem) or stops the query
     * @param timing   how the series step through time (the windows then carry {@code forecast_time}), or null
     */
    public static Dataset<Row> windows(Dataset<Row> rows, String source, TableLayout layout, Duration timeout,
                                       SeriesStream.Counters counters, SeriesStream.Timing timing) {
        if (layout.missing() == MissingValues.INTERPOLATE) {
            throw new UserError("a stream cannot fill a gap from values that have not arrived yet: --missing"
                    + " interpolate works on a whole table (predict); stream a model trained with --missing skip");
        }
        StructField features = DataTypes.createStructField(FrameColumns.FEATURES,
                DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType, false), false), false);
        ModelBroadcasts none = ModelBroadcasts.withThePlans(JavaSparkContext.fromSparkContext(
                rows.sparkSession().sparkContext())); // no model: nothing is broadcast
        if (layout.futureRows()) {
            // a forecast decoder's windows, each once the rows of the steps it predicts have come
            StructField future = DataTypes.createStructField(LongTableSource.FUTURE,
                    DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType, false), false), false);
            return SeriesStream.stream(rows, source, layout, timeout, counters, new ForecastWindows(layout),
                    List.of(features, future), none, null, timing);
        }
        return SeriesStream.stream(rows, source, layout, timeout, counters, new StreamingWindows(layout),
                List.of(features), none, null, timing);
    }

    @Override
    public WindowedSeries start() {
        return new WindowedSeries(inputs, window, stride);
    }

    @Override
    public boolean takesGaps() {
        return true; // a gap completes no window, as in a batch
    }

    @Override
    public void take(ModelWeights model, WindowedSeries series, double[] x, int count, Emitter out) {
        for (int r = 0; r < count; r++) {
            double[][] completed = series.take(series.rows() + r, Arrays.copyOfRange(x, r * inputs,
                    (r + 1) * inputs));
            if (completed != null) {
                // an array of arrays goes into an encoded row as Scala sequences, the outer and each step
                Object[] wrapped = new Object[completed.length];
                for (int t = 0; t < completed.length; t++) {
                    wrapped[t] = scala.Predef$.MODULE$.wrapDoubleArray(completed[t]);
                }
                out.emit(r, (Object) scala.Predef$.MODULE$.wrapRefArray(wrapped));
            }
        }
    }
}
