package org.sparkrnn.driver.data;

import org.apache.spark.api.java.function.FlatMapGroupsWithStateFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.streaming.GroupState;
import org.apache.spark.sql.streaming.GroupStateTimeout;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.config.MissingValues;
import org.sparkrnn.driver.config.TableLayout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A stream of long-table rows (one per series and time, arriving in micro-batches) to the windows they complete,
 * with each series' last rows kept in Spark's state store between micro-batches ({@code flatMapGroupsWithState},
 * {@link SeriesStreamState}): every row that completes a window gives one row of the columns batch prediction reads
 * (the series key, {@code time} of the window's last step, {@code features}), the same window a batch
 * {@code predict} over the whole table gives for it. Within a micro-batch a series' rows are taken in time order;
 * a row at or before the series' newest time is late and is left out and counted ({@code late}). A series that
 * sends nothing for {@code timeout} (processing time) is forgotten; null: kept for ever. Works on a batch DataFrame
 * too (every series from an empty state).
 */
public final class StreamingWindows {

    private StreamingWindows() {
    }

    /** What a series key is grouped by: its text (a column holds one type, so equal texts are equal keys). */
    private static final String NO_KEY = "";

    /** Where a row came from, for messages: the file a file source read it from. */
    private static final String ORIGIN = "__sparkrnn_origin";

    /**
     * What a stream counts, on the executors (each may be null): late rows, windows made, and rows rejected as bad
     * with their problem; without {@code rejected}, a bad row stops the query (--on-bad-record fail).
     */
    public record Counters(LongAccumulator late, LongAccumulator made,
                           org.apache.spark.util.CollectionAccumulator<String> rejected)
            implements java.io.Serializable {
        public static final Counters NONE = new Counters(null, null, null);
    }

    /**
     * The windows completed by {@code rows} (a streaming or batch DataFrame of the table's columns), in append mode.
     *
     * @param layout  the table options the model was trained with (its window, stride, columns)
     * @param counters what is counted, and whether a bad row is rejected (counted with its problem) or stops the query
     */
    public static Dataset<Row> windows(Dataset<Row> rows, String source, TableLayout layout, Duration timeout,
                                       Counters counters) {
        if (layout.missing() == MissingValues.INTERPOLATE) {
            throw new UserError("a stream cannot fill a gap from values that have not arrived yet: --missing"
                    + " interpolate works on a whole table (predict); stream a model trained with --missing skip");
        }
        LongTableSource.Projection projection = LongTableSource.project(rows, source, layout, true,
                org.apache.spark.sql.functions.input_file_name().as(ORIGIN));
        TableRowReader reader = projection.reader();
        StructType schema = LongTableSource.windowSchema(rows.schema(), layout, KeyedFrames.FEATURES, null, false);
        boolean keyed = layout.idColumn() != null;
        int inputs = layout.featureColumns().size();
        int window = layout.window();
        int stride = layout.stride();
        long timeoutMs = timeout == null ? -1 : timeout.toMillis();
        FlatMapGroupsWithStateFunction<String, Row, SeriesStreamState, Row> perSeries = (key, part, state) -> {
            if (state.hasTimedOut()) {
                state.remove();
                return Collections.emptyIterator();
            }
            SeriesStreamState series = state.exists() ? state.get()
                    : new SeriesStreamState(inputs, window, stride);
            TableRows batch = new TableRows(inputs, layout.targetColumns().size(), TimeFormat.TEXT);
            while (part.hasNext()) {
                Row row = part.next();
                try {
                    reader.addTo(batch, row);
                } catch (org.sparkrnn.driver.DataFormatError e) {
                    String origin = row.isNullAt(row.length() - 1) || row.getString(row.length() - 1).isEmpty()
                            ? "" : " (" + row.getString(row.length() - 1) + ")";
                    if (counters.rejected() == null) {
                        throw new UserError(e.getMessage() + origin, e);
                    }
                    counters.rejected().add(e.getMessage() + origin);
                }
            }
            Integer[] order = new Integer[batch.size()];
            for (int r = 0; r < order.length; r++) {
                order[r] = r;
            }
            java.util.Arrays.sort(order, (a, b) -> Double.compare(batch.time(a), batch.time(b))); // stable
            List<Row> out = new ArrayList<>();
            double[] x = batch.inputs();
            for (int r : order) {
                if (series.isLate(batch.time(r))) {
                    series.countLate();
                    if (counters.late() != null) {
                        counters.late().add(1);
                    }
                    continue;
                }
                double[][] completed = series.take(batch.time(r), java.util.Arrays.copyOfRange(x, r * inputs,
                        (r + 1) * inputs));
                if (completed != null) {
                    // an array of arrays goes into an encoded row as Scala sequences, the outer and each step
                    Object[] wrapped = new Object[completed.length];
                    for (int t = 0; t < completed.length; t++) {
                        wrapped[t] = scala.Predef$.MODULE$.wrapDoubleArray(completed[t]);
                    }
                    scala.collection.Seq<Object> steps = scala.Predef$.MODULE$.wrapRefArray(wrapped);
                    out.add(keyed ? RowFactory.create(batch.id(r), batch.text(r), steps)
                            : RowFactory.create(batch.text(r), steps));
                }
            }
            if (counters.made() != null) {
                counters.made().add(out.size());
            }
            state.update(series);
            if (timeoutMs > 0) {
                state.setTimeoutDuration(timeoutMs);
            }
            return out.iterator();
        };
        MapFunction<Row, String> keyOf = row -> row.isNullAt(0) ? NO_KEY : String.valueOf(row.get(0));
        return projection.rows().groupByKey(keyOf, Encoders.STRING()).flatMapGroupsWithState(perSeries,
                OutputMode.Append(), Encoders.javaSerialization(SeriesStreamState.class), Encoders.row(schema),
                timeoutMs > 0 ? GroupStateTimeout.ProcessingTimeTimeout() : GroupStateTimeout.NoTimeout());
    }
}
