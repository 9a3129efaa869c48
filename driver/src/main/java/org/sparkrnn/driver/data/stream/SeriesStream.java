package org.sparkrnn.driver.data.stream;

import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.streaming.GroupState;
import org.apache.spark.sql.streaming.GroupStateTimeout;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.sparkrnn.driver.DataFormatError;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.config.Frequency;
import org.sparkrnn.driver.config.TableLayout;
import org.sparkrnn.driver.data.table.LongTableSource;
import org.sparkrnn.driver.data.table.SeriesCovariates;
import org.sparkrnn.driver.data.table.TableProjection;
import org.sparkrnn.driver.data.table.TableRowReader;
import org.sparkrnn.driver.data.table.TableRows;
import org.sparkrnn.driver.data.table.TimeFormat;
import org.sparkrnn.driver.data.table.TimeSteps;
import org.sparkrnn.driver.exec.ModelBroadcasts;
import org.sparkrnn.model.ModelWeights;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * A stream of long-table rows (one per series and time, arriving in micro-batches) taken series by series, with each
 * series' state kept in Spark's state store between micro-batches ({@code flatMapGroupsWithState}): within a
 * micro-batch a series' rows are read by the same {@link TableRowReader} as a batch table, put in time order, rows at
 * or before the series' newest time are left out and counted (late), and the rest go in order to the
 * {@link SeriesSteps} of the model, whose outputs become rows of the series key, {@code time} (the row's, as text) and
 * the output columns. A bad row stops the query with one line naming the source, series, time, column and file, or
 * is counted with its problem ({@link Counters#rejected}). A series that sends nothing for {@code timeout}
 * (processing time) is forgotten; null: kept for ever. Works on a batch DataFrame too (every series from its start).
 */
public final class SeriesStream {

    private SeriesStream() {
    }

    /** What a series key is grouped by: its text (a column holds one type, so equal texts are equal keys). */
    private static final String NO_KEY = "";

    /**
     * A column a source may add to say where each row came from, for messages (e.g. a Kafka topic, partition and
     * offset); without it, the file a file source read the row from.
     */
    public static final String ORIGIN = "__sparkrnn_origin";

    /**
     * The column Spark's CSV and JSON readers (and {@code from_json}) put a row's raw text in when it cannot be read
     * as the schema says ({@code columnNameOfCorruptRecord}: a wrong number of columns, not JSON); a row with it set
     * is a bad row.
     */
    public static final String MALFORMED = "_corrupt_record";

    /**
     * What a stream counts, on the executors (each may be null): late rows, outputs made, and rows rejected as bad
     * with their problem; without {@code rejected}, a bad row stops the query (--on-bad-record fail).
     */
    public record Counters(LongAccumulator late, LongAccumulator made, CollectionAccumulator<String> rejected)
            implements Serializable {
        public static final Counters NONE = new Counters(null, null, null);
    }

    /**
     * How a stream's series step through time: each row one {@code frequency} after the one before it. A row that
     * skips a step is a bad row when the step was given ({@code strict}: the query stops, or it is counted with its
     * problem), and the rows held before it are forgotten (no output reads across the gap). With {@code horizons},
     * every output carries the times it predicts ({@code forecast_time}: the row's time plus h steps).
     */
    public record Timing(Frequency frequency, boolean strict, int[] horizons) implements Serializable {
    }

    /**
     * The outputs of {@code steps} for {@code rows} (a streaming or batch DataFrame with the table's columns), in
     * append mode: the series key (when {@code layout} has one), {@code time}, {@code forecast_time} (with a time step
     * and horizons), then {@code outputs}.
     *
     * @param models    what broadcasts the model, and how long it lives
     * @param model     the model the steps apply, broadcast once with the query; null when they apply none
     * @param timing    how the series step through time, or null (not checked)
     */
    public static <S extends StreamedSeries> Dataset<Row> stream(Dataset<Row> rows, String source,
                                                                 TableLayout layout, Duration timeout,
                                                                 Counters counters, SeriesSteps<S> steps,
                                                                 List<StructField> outputs, ModelBroadcasts models,
                                                                 ModelWeights model, Timing timing) {
        List<String> names = Arrays.asList(rows.schema().fieldNames());
        TableProjection projection = TableProjection.of(rows, source, layout, true,
                (names.contains(ORIGIN) ? functions.col(ORIGIN) : functions.input_file_name()).as(ORIGIN),
                (names.contains(MALFORMED) ? functions.col(MALFORMED) : functions.lit(null)
                        .cast(org.apache.spark.sql.types.DataTypes.StringType)).as(MALFORMED));
        TableRowReader reader = projection.reader();
        StructType schema = new StructType();
        if (layout.idColumn() != null) {
            schema = schema.add(layout.idColumn(), rows.schema().apply(layout.idColumn()).dataType());
        }
        schema = schema.add("time", org.apache.spark.sql.types.DataTypes.StringType);
        boolean forecastTimes = timing != null && timing.frequency() != null && timing.horizons() != null;
        if (forecastTimes) {
            schema = schema.add(LongTableSource.FORECAST_TIME, timing.horizons().length > 1
                    ? org.apache.spark.sql.types.DataTypes.createArrayType(
                    org.apache.spark.sql.types.DataTypes.StringType, true)
                    : org.apache.spark.sql.types.DataTypes.StringType, true);
        }
        for (StructField field : outputs) {
            schema = schema.add(field);
        }
        TimeSteps times = timing == null || timing.frequency() == null ? null
                : TableProjection.timeSteps(rows.schema(), layout.timeColumn(), layout.timeFormat(),
                rows.sparkSession().conf().get("spark.sql.session.timeZone"));
        PerSeries<S> perSeries = new PerSeries<>(reader, layout, steps, counters, source,
                timeout == null ? -1 : timeout.toMillis(), times, times == null ? null : timing,
                layout.futureRows() ? SeriesCovariates.of(layout) : null);
        @SuppressWarnings("unchecked")
        Encoder<S> state = (Encoder<S>) (Encoder<?>) Encoders.javaSerialization(StreamedSeries.class);
        MapFunction<Row, String> keyOf = row -> row.isNullAt(0) ? NO_KEY : String.valueOf(row.get(0));
        return models.groups(projection.rows().groupByKey(keyOf, Encoders.STRING()), model, perSeries::call, state,
                Encoders.row(schema), perSeries.timeoutMs > 0 ? GroupStateTimeout.ProcessingTimeTimeout()
                        : GroupStateTimeout.NoTimeout());
    }

    /**
     * One series' rows of a micro-batch: read, ordered, late ones out, the rest to the steps.
     *
     * @param covariates a forecast decoder's inputs, for the steps made from their times; null without a decoder
     */
    private record PerSeries<S extends StreamedSeries>(TableRowReader reader, TableLayout layout,
                                                       SeriesSteps<S> steps, Counters counters, String source,
                                                       long timeoutMs, TimeSteps times, Timing timing,
                                                       SeriesCovariates covariates)
            implements Serializable {

        Iterator<Row> call(ModelWeights model, String key, Iterator<Row> part, GroupState<S> state) {
            if (state.hasTimedOut()) {
                state.remove();
                return Collections.emptyIterator();
            }
            S series = state.exists() ? state.get() : steps.start();
            int inputs = layout.inputColumns().size();
            TableRows batch = new TableRows(inputs, layout.targetColumns().size(), TimeFormat.TEXT);
            List<String> origins = new ArrayList<>();
            while (part.hasNext()) {
                Row row = part.next();
                int at = row.length() - 2;
                String origin = row.isNullAt(at) || row.getString(at).isEmpty() ? "" : " (" + row.getString(at) + ")";
                if (!row.isNullAt(at + 1)) {
                    String text = row.getString(at + 1).strip();
                    reject(source + ": a row that cannot be read (a wrong number of columns, or not JSON): '"
                            + (text.length() > 80 ? text.substring(0, 77) + "..." : text) + "'" + origin, null);
                    continue;
                }
                try {
                    reader.addTo(batch, row);
                    origins.add(origin);
                } catch (DataFormatError e) {
                    reject(e.getMessage() + origin, e);
                }
            }
            Integer[] order = new Integer[batch.size()];
            for (int r = 0; r < order.length; r++) {
                order[r] = r;
            }
            Arrays.sort(order, (a, b) -> Double.compare(batch.time(a), batch.time(b))); // stable
            double[] x = batch.inputs();
            int[] taken = new int[order.length];
            double[] takenX = new double[order.length * inputs];
            int count = 0;
            boolean filled = false;
            List<Row> out = new ArrayList<>();
            for (int r : order) {
                if (series.isLate(batch.time(r)) && count == 0 && steps.fills(series, batch.time(r))) {
                    // a row the series holds without its target (a decoder's future row), now with it
                    steps.fill(series, batch.time(r), Arrays.copyOfRange(x, r * inputs, (r + 1) * inputs));
                    filled = true;
                    continue;
                }
                if (series.isLate(batch.time(r)) || (count > 0 && !(batch.time(r) > batch.time(taken[count - 1])))) {
                    series.countLate();
                    if (counters.late() != null) {
                        counters.late().add(1);
                    }
                    continue;
                }
                if (!steps.takesGaps()) {
                    String gap = gapIn(x, r * inputs);
                    if (gap != null) {
                        reject(source + ": series " + batch.id(r) + " at time " + batch.text(r) + ": column '" + gap
                                + "' is empty; a per-step model's state cannot step over a missing input"
                                + origins.get(r), null);
                        continue;
                    }
                }
                if (timing != null) {
                    double previous = count > 0 ? batch.time(taken[count - 1]) : series.newest();
                    TimeSteps.Kind kind = times.kind(batch, r);
                    double next = Double.isNaN(previous) ? batch.time(r)
                            : times.plus(previous, kind, timing.frequency(), 1);
                    if (next != batch.time(r)) {
                        if (timing.strict()) { // stops the query, or is counted and the row taken after the gap
                            reject(source + ": series " + batch.id(r) + " skips a step of --frequency "
                                    + timing.frequency().text() + ": after " + times.text(previous, kind,
                                    batch.text(r)) + " comes " + batch.text(r) + (Double.isNaN(next) ? ""
                                    : ", not " + times.text(next, kind, batch.text(r))) + origins.get(r), null);
                        }
                        // no window reads across the gap: what came before it is given its outputs, then let go
                        emit(model, series, batch, taken, takenX, count, out, filled);
                        count = 0;
                        filled = false;
                        series.restart();
                    }
                }
                System.arraycopy(x, r * inputs, takenX, count * inputs, inputs);
                taken[count++] = r;
            }
            emit(model, series, batch, taken, takenX, count, out, filled);
            if (counters.made() != null) {
                counters.made().add(out.size());
            }
            state.update(series);
            if (timeoutMs > 0) {
                state.setTimeoutDuration(timeoutMs);
            }
            return out.iterator();
        }

        /**
         * The steps' outputs for the {@code count} rows taken ({@code taken}, their inputs {@code takenX}), as rows
         * of the key, the time, the times predicted and the outputs; the series advanced past them. With no row
         * taken, the steps still run when a held row was {@code filled} in.
         */
        private void emit(ModelWeights model, S series, TableRows batch, int[] taken, double[] takenX, int count,
                          List<Row> out, boolean filled) {
            if (count == 0 && !filled) {
                return;
            }
            boolean keyed = layout.idColumn() != null;
            boolean withTimes = timing != null && timing.horizons() != null;
            Object key = !keyed ? null : count > 0 ? batch.id(taken[0]) : series.key();
            if (keyed && count > 0) {
                series.keep(key); // an output keyed by a held row may come in a batch that takes none
            }
            steps.take(model, series, takenX, count, new SeriesSteps.Emitter() {
                @Override
                public void emit(int row, Object... values) {
                    int r = taken[row];
                    add(batch.id(r), batch.text(r), withTimes ? PerSeries.this.forecastTimes(batch, r) : null, values);
                }

                @Override
                public void emitFor(String time, String[] predicted, Object... values) {
                    add(key, time, predicted, values);
                }

                @Override
                public Object key(int row) {
                    return batch.id(taken[row]);
                }

                @Override
                public String time(int row) {
                    return batch.text(taken[row]);
                }

                @Override
                public double timeKey(int row) {
                    return batch.time(taken[row]);
                }

                @Override
                public String[] forecastTimes(int row) {
                    return withTimes ? PerSeries.this.forecastTimes(batch, taken[row]) : null;
                }

                @Override
                public double[][] stepsAfter(int row) {
                    return covariates == null ? null : covariates.calendarSteps(batch, taken[row], layout.horizons(),
                            times, timing == null ? null : timing.frequency());
                }

                private void add(Object id, String time, String[] predicted, Object[] values) {
                    Object[] columns = new Object[(keyed ? 2 : 1) + (withTimes ? 1 : 0) + values.length];
                    int at = 0;
                    if (keyed) {
                        columns[at++] = id;
                    }
                    columns[at++] = time;
                    if (withTimes) {
                        columns[at++] = predicted == null ? null : predicted.length == 1 ? predicted[0]
                                : scala.Predef$.MODULE$.wrapRefArray(predicted);
                    }
                    System.arraycopy(values, 0, columns, at, values.length);
                    out.add(RowFactory.create(columns));
                }
            });
            if (count > 0) {
                series.advance(count, batch.time(taken[count - 1]));
            }
        }

        /** The times row r's output predicts: its time plus each horizon's steps, as the table writes its times. */
        private String[] forecastTimes(TableRows batch, int r) {
            int[] horizons = timing.horizons();
            TimeSteps.Kind kind = times.kind(batch, r);
            String[] texts = new String[horizons.length];
            for (int h = 0; h < horizons.length; h++) {
                double key = times.plus(batch.time(r), kind, timing.frequency(), horizons[h]);
                texts[h] = Double.isNaN(key) ? null : times.text(key, kind, batch.text(r));
            }
            return texts;
        }

        /** The first feature column whose value in the row at {@code from} is missing, or null. */
        private String gapIn(double[] x, int from) {
            for (int j = 0; j < layout.inputColumns().size(); j++) {
                if (Double.isNaN(x[from + j])) {
                    return layout.inputColumns().get(j);
                }
            }
            return null;
        }

        /** A bad row: counted with its problem, or the query stops with it. */
        private void reject(String problem, Exception cause) {
            if (counters.rejected() == null) {
                throw new UserError(problem, cause);
            }
            counters.rejected().add(problem);
        }
    }
}
