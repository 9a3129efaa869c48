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

import java.time.Duration;
import java.util.List;

/**
 * A stream of long-table rows to the windows a model with a forecast decoder forecasts, as rows of the columns batch
 * prediction reads (the series key, {@code time} of the window's last step, {@code forecast_time}, {@code features}
 * and the window's future rows): each window once the rows of the steps it predicts have come
 * ({@link ForecastWindows}), the same window a batch {@code predict} over the whole table gives. A window model
 * without a decoder predicts its windows in the series' state function instead ({@code predict.WindowForecasts}).
 */
public final class StreamingWindows {

    private StreamingWindows() {
    }

    /**
     * Refuses a layout a stream cannot follow: one that fills gaps ({@code --missing interpolate}) from values that
     * have not arrived yet.
     */
    public static void checkStreamable(TableLayout layout) {
        if (layout.missing() == MissingValues.INTERPOLATE) {
            throw new UserError("a stream cannot fill a gap from values that have not arrived yet: --missing"
                    + " interpolate works on a whole table (predict); stream a model trained with --missing skip");
        }
    }

    /**
     * The decoder's windows completed by {@code rows} (a streaming or batch DataFrame of the table's columns), in
     * append mode.
     *
     * @param layout   the table options the model was trained with (its window, stride, columns, future rows)
     * @param counters what is counted, and whether a bad row is rejected (counted with its problem) or stops the query
     * @param timing   how the series step through time (the windows then carry {@code forecast_time}), or null
     */
    public static Dataset<Row> windows(Dataset<Row> rows, String source, TableLayout layout, Duration timeout,
                                       SeriesStream.Counters counters, SeriesStream.Timing timing) {
        checkStreamable(layout);
        if (!layout.futureRows()) {
            throw new IllegalArgumentException("windows as rows are a forecast decoder's; a window model predicts"
                    + " its windows in the series' state (predict.WindowForecasts)");
        }
        StructField features = DataTypes.createStructField(FrameColumns.FEATURES,
                DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType, false), false), false);
        StructField future = DataTypes.createStructField(LongTableSource.FUTURE,
                DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType, false), false), false);
        ModelBroadcasts none = ModelBroadcasts.withThePlans(JavaSparkContext.fromSparkContext(
                rows.sparkSession().sparkContext())); // no model: nothing is broadcast
        return SeriesStream.stream(rows, source, layout, timeout, counters, new ForecastWindows(layout),
                List.of(features, future), none, null, timing);
    }
}
