package org.sparkrnn.driver.ml;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.sparkrnn.data.WindowTransform;
import org.sparkrnn.driver.Reporter;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.config.CalendarFeature;
import org.sparkrnn.driver.config.Choices;
import org.sparkrnn.driver.config.Defaults;
import org.sparkrnn.driver.config.Frequency;
import org.sparkrnn.driver.config.MissingValues;
import org.sparkrnn.driver.config.SettingError;
import org.sparkrnn.driver.config.TableLayout;
import org.sparkrnn.driver.data.frame.FrameSource;
import org.sparkrnn.driver.data.table.LongTableSource;
import org.sparkrnn.driver.data.DatasetLoader;

import java.util.Arrays;
import java.util.List;

/**
 * A long table (one row per series and time) turned into the windows the estimators read, as a Pipeline stage:
 * one row per window with the series key ({@code idColumn}, when given), {@code time} (of the window's last step, as
 * text), {@code forecast_time} (the time each horizon predicts, by the time step), {@code featuresCol} (steps ×
 * features) and {@code labelCol} (a number, or H × targets values, horizon-major). The params are the command line's table options in camelCase: {@code idColumn},
 * {@code timeColumn}, {@code featureColumns} (default: the targets), {@code targetColumn}, {@code window},
 * {@code stride}, {@code horizon} ({@code "3"} or {@code "1..6"}), {@code missing}, {@code calendar} (calendar inputs
 * after the features), {@code timeFormat}, {@code frequency} (unset: the table's most common step). The windows are
 * cut on the
 * executors as the command line cuts them (sorted by series and time; a series may span partitions). With
 * {@code keepUnlabelled} windows whose targets are not all there are kept with a null label: each series' last
 * window, to forecast from. Batch DataFrames only (windowing sorts the whole table).
 */
public final class SequenceWindows extends Transformer implements DefaultParamsWritable {

    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> idColumn;
    private final Param<String> timeColumn;
    private final StringArrayParam featureColumns;
    private final StringArrayParam targetColumn;
    private final IntParam window;
    private final IntParam stride;
    private final Param<String> horizon;
    private final Param<String> missing;
    private final StringArrayParam calendar;
    private final Param<String> timeFormat;
    private final Param<String> frequency;
    private final Param<String> featuresCol;
    private final Param<String> labelCol;
    private final BooleanParam keepUnlabelled;
    private final StringArrayParam knownColumns;
    private final StringArrayParam staticColumns;
    private final Param<String> futureCol;

    public SequenceWindows(String uid) {
        this.uid = uid;
        idColumn = new Param<>(this, "idColumn", "the series key column (unset: the whole table is one series)");
        timeColumn = new Param<>(this, "timeColumn", "the column ordering each series: numbers, dates or timestamps"
                + " (unset: the DataFrame's order)");
        featureColumns = new StringArrayParam(this, "featureColumns", "each step's inputs, in order (empty: the"
                + " target columns)");
        setDefault(featureColumns, new String[0]);
        targetColumn = new StringArrayParam(this, "targetColumn", "what is predicted, one or more columns");
        window = new IntParam(this, "window", "steps per window; at least 1", ParamChecks.bound(this, "window"));
        setDefault(window, Defaults.Values.WINDOW);
        stride = new IntParam(this, "stride", "a window starts every stride rows of its series; at least 1",
                ParamChecks.bound(this, "stride"));
        setDefault(stride, Defaults.Values.STRIDE);
        horizon = new Param<>(this, "horizon", "the step after the window predicted (\"3\"), or every step of a range"
                + " (\"1..6\"), together", (ParamChecks.Check<String>) value -> {
                    try {
                        TableLayout.parseHorizon(value);
                        return true;
                    } catch (SettingError e) {
                        throw new IllegalArgumentException(uid + ": " + e.renderKeys(MlParams::paramName), e);
                    }
                });
        setDefault(horizon, Defaults.HORIZON);
        missing = new Param<>(this, "missing", "missing values: skip (drop the windows that read one) or"
                + " interpolate (fill inputs linearly)", ParamChecks.choice(this, "missing", MissingValues.class));
        setDefault(missing, Defaults.MISSING);
        calendar = new StringArrayParam(this, "calendar", "inputs derived from each row's time, two per feature"
                + " (sine and cosine of its phase), after the feature columns: month-of-year, week-of-year,"
                + " day-of-year, day-of-month, day-of-week, hour-of-day, minute-of-hour");
        setDefault(calendar, new String[0]);
        timeFormat = new Param<>(this, "timeFormat", "a java.time pattern the time column's text (or numbers, as"
                + " text) is read with, e.g. yyyyMM (unset: numbers as numbers, text as a number or an ISO date or"
                + " timestamp)");
        frequency = new Param<>(this, "frequency", "the step between a series' rows: 15min, 1h, 1d, 1w, 1M, 1q, 1y,"
                + " or a number for a time of numbers; a series that skips one is an error (unset: the table's most"
                + " common step, and a window across a skipped step is left out)",
                (ParamChecks.Check<String>) value -> {
                    try {
                        Frequency.parse(value);
                        return true;
                    } catch (SettingError e) {
                        throw new IllegalArgumentException(uid + ": " + e.renderKeys(MlParams::paramName), e);
                    }
                });
        featuresCol = new Param<>(this, "featuresCol", "output: the windows' steps");
        setDefault(featuresCol, "features");
        labelCol = new Param<>(this, "labelCol", "output: the windows' labels");
        setDefault(labelCol, "label");
        keepUnlabelled = new BooleanParam(this, "keepUnlabelled", "also the windows whose targets are not all there,"
                + " with a null label (each series' last window: to forecast from)");
        setDefault(keepUnlabelled, false);
        knownColumns = new StringArrayParam(this, "knownColumns", "numeric inputs known in advance (prices,"
                + " promotions, holidays): read at every step, and at each predicted step from futureCol");
        setDefault(knownColumns, new String[0]);
        staticColumns = new StringArrayParam(this, "staticColumns", "numeric inputs that hold one value per series"
                + " (checked); text ones need categories kept between tables: index them into numbers first");
        setDefault(staticColumns, new String[0]);
        futureCol = new Param<>(this, "futureCol", "output: the rows of the steps each window predicts"
                + " (array<array<double>>, the known inputs filled: its metadata names them), for LstmRegressor's"
                + " decoderHidden; unset: none");
    }

    public SequenceWindows() {
        this(Identifiable.randomUID("sequenceWindows"));
    }

    @Override
    public String uid() {
        return uid;
    }

    /** The params as the typed layout the command line builds; errors name the params. */
    TableLayout layout() {
        try {
            String[] targets = isDefined(targetColumn) ? getOrDefault(targetColumn) : new String[0];
            if (targets.length == 0) {
                throw new SettingError("{target-column} names what the windows predict; set it");
            }
            String[] features = getOrDefault(featureColumns);
            TableLayout layout = new TableLayout(isDefined(idColumn) ? getOrDefault(idColumn) : null,
                    isDefined(timeColumn) ? getOrDefault(timeColumn) : null,
                    features.length == 0 ? Arrays.asList(targets) : Arrays.asList(features), Arrays.asList(targets),
                    (Integer) getOrDefault(window), (Integer) getOrDefault(stride),
                    TableLayout.parseHorizon(getOrDefault(horizon)),
                    Choices.parse("missing", getOrDefault(missing), MissingValues.class), null,
                    WindowTransform.NONE, false, CalendarFeature.parseList(String.join(",",
                    getOrDefault(calendar))),
                    isDefined(timeFormat) ? getOrDefault(timeFormat) : null, null, Arrays.asList(
                    getOrDefault(knownColumns)), Arrays.asList(getOrDefault(staticColumns)), isDefined(futureCol))
                    .withFrequency(isDefined(frequency) ? Frequency.parse(getOrDefault(frequency)) : null);
            if (!isDefined(futureCol) && !layout.knownColumns().isEmpty()) {
                throw new SettingError("{known-columns} are read at each step a window predicts, from {future-col}:"
                        + " set it (and LstmRegressor's decoderHidden)");
            }
            return layout;
        } catch (SettingError e) {
            throw new IllegalArgumentException(uid + ": " + e.renderKeys(MlParams::paramName), e);
        }
    }

    @Override
    public StructType transformSchema(StructType schema) {
        TableLayout layout = layout();
        List<String> names = Arrays.asList(schema.fieldNames());
        for (String column : layout.columnsRead()) {
            if (!names.contains(column)) {
                throw new IllegalArgumentException(uid + ": no column '" + column + "'; the columns are " + names);
            }
        }
        for (String column : layout.staticColumns()) {
            if (schema.apply(column).dataType() instanceof org.apache.spark.sql.types.StringType) {
                throw new IllegalArgumentException(uid + ": static column '" + column + "' is text: a Transformer"
                        + " keeps no categories from one table to the next; index it into numbers first (e.g."
                        + " StringIndexer, then OneHotEncoder into numeric columns)");
            }
        }
        StructType windows = DatasetLoader.tableWindowsSchema(schema, layout, getOrDefault(featuresCol),
                getOrDefault(labelCol), (Boolean) getOrDefault(keepUnlabelled));
        if (!layout.futureRows()) {
            return windows;
        }
        StructType renamed = new StructType();
        for (org.apache.spark.sql.types.StructField field : windows.fields()) {
            renamed = renamed.add(field.name().equals(LongTableSource.FUTURE)
                    ? new org.apache.spark.sql.types.StructField(getOrDefault(futureCol), field.dataType(),
                    field.nullable(), knownInputs(layout)) : field);
        }
        return renamed;
    }

    /** The future rows' metadata: which of a row's inputs are known in advance (what a decoder reads). */
    private static org.apache.spark.sql.types.Metadata knownInputs(TableLayout layout) {
        return new org.apache.spark.sql.types.MetadataBuilder().putLongArray(FrameSource.KNOWN_INPUTS,
                layout.knownInputs().stream().mapToLong(Integer::longValue).toArray()).build();
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        if (dataset.isStreaming()) {
            throw new IllegalArgumentException(uid + ": windows are cut from a whole table, sorted by series and"
                    + " time; a streaming DataFrame has no whole (window it per series with a stateful query)");
        }
        transformSchema(dataset.schema());
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
        DatasetLoader loader = new DatasetLoader(sc, Reporter.to(System.out));
        try {
            TableLayout layout = layout();
            Dataset<Row> windows = loader.tableWindows(dataset.toDF(), uid, layout, getOrDefault(featuresCol),
                    getOrDefault(labelCol), (Boolean) getOrDefault(keepUnlabelled));
            if (!layout.futureRows()) {
                return windows;
            }
            String future = getOrDefault(futureCol);
            Dataset<Row> named = future.equals(LongTableSource.FUTURE) ? windows
                    : windows.withColumnRenamed(LongTableSource.FUTURE, future);
            return named.withColumn(future, named.col(future).as(future, knownInputs(layout)));
        } catch (SettingError e) { // a column that is not there, of the wrong type: named as this stage's param
            throw new IllegalArgumentException(uid + ": " + e.renderKeys(MlParams::paramName), e);
        } catch (UserError e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** As Spark's, with the column lists written as names rather than an array's identity. */
    @Override
    public String explainParam(Param<?> param) {
        if (param != featureColumns && param != targetColumn) {
            return super.explainParam(param);
        }
        StringArrayParam list = (StringArrayParam) param;
        List<String> values = new java.util.ArrayList<>();
        if (hasDefault(list)) {
            values.add("default: " + Arrays.toString(getDefault(list).get()));
        }
        if (isSet(list)) {
            values.add("current: " + Arrays.toString(getOrDefault(list)));
        }
        return list.name() + ": " + list.doc() + (values.isEmpty() ? " (undefined)" : " (" + String.join(", ", values)
                + ")");
    }

    @Override
    public SequenceWindows copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    public static MLReader<SequenceWindows> read() {
        return new DefaultParamsReader<>();
    }

    public static SequenceWindows load(String path) {
        return read().load(path);
    }

    public Param<String> idColumn() { return idColumn; }
    public Param<String> timeColumn() { return timeColumn; }
    public StringArrayParam featureColumns() { return featureColumns; }
    public StringArrayParam targetColumn() { return targetColumn; }
    public IntParam window() { return window; }
    public IntParam stride() { return stride; }
    public Param<String> horizon() { return horizon; }
    public Param<String> missing() { return missing; }
    public StringArrayParam calendar() { return calendar; }
    public Param<String> timeFormat() { return timeFormat; }
    public Param<String> frequency() { return frequency; }
    public Param<String> featuresCol() { return featuresCol; }
    public Param<String> labelCol() { return labelCol; }
    public BooleanParam keepUnlabelled() { return keepUnlabelled; }
    public StringArrayParam knownColumns() { return knownColumns; }
    public StringArrayParam staticColumns() { return staticColumns; }
    public Param<String> futureCol() { return futureCol; }
    public SequenceWindows setKnownColumns(String... value) { set(knownColumns, value); return this; }
    public SequenceWindows setStaticColumns(String... value) { set(staticColumns, value); return this; }
    public SequenceWindows setFutureCol(String value) { set(futureCol, value); return this; }
    public SequenceWindows setIdColumn(String value) { set(idColumn, value); return this; }
    public SequenceWindows setTimeColumn(String value) { set(timeColumn, value); return this; }
    public SequenceWindows setFeatureColumns(String... value) { set(featureColumns, value); return this; }
    public SequenceWindows setTargetColumn(String... value) { set(targetColumn, value); return this; }
    public SequenceWindows setWindow(int value) { set(window, value); return this; }
    public SequenceWindows setStride(int value) { set(stride, value); return this; }
    public SequenceWindows setHorizon(String value) { set(horizon, value); return this; }
    public SequenceWindows setMissing(String value) { set(missing, value); return this; }
    public SequenceWindows setCalendar(String... value) { set(calendar, value); return this; }
    public SequenceWindows setTimeFormat(String value) { set(timeFormat, value); return this; }
    public SequenceWindows setFrequency(String value) { set(frequency, value); return this; }
    public SequenceWindows setFeaturesCol(String value) { set(featuresCol, value); return this; }
    public SequenceWindows setLabelCol(String value) { set(labelCol, value); return this; }
    public SequenceWindows setKeepUnlabelled(boolean value) { set(keepUnlabelled, value); return this; }
}
