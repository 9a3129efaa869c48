package org.sparkrnn.driver.data.table;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampType;
import org.sparkrnn.driver.config.CalendarFeature;
import org.sparkrnn.driver.config.SettingError;
import org.sparkrnn.driver.config.TableLayout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.cos;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.dayofmonth;
import static org.apache.spark.sql.functions.dayofweek;
import static org.apache.spark.sql.functions.dayofyear;
import static org.apache.spark.sql.functions.hour;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.minute;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.month;
import static org.apache.spark.sql.functions.sin;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.apache.spark.sql.functions.weekofyear;
import static org.apache.spark.sql.functions.when;

/**
 * A long table checked and projected to what its rows are read from, with the reader of those rows: the one place a
 * table's rows are shaped for reading, by the batch source and by streams alike. Times
 * become keys that order as the times do (numbers as they are, dates as days, timestamps as seconds since 1970, text
 * as a number if it is one, else as a date or timestamp; without a time column, input order).
 * The projection is planned when its rows are first asked for ({@link #rows}): a table read without Spark SQL
 * ({@link SmallCsvTable}) needs only the checks and the reader.
 */
public final class TableProjection {

    /** The projected series key. */
    static final String ID = "__sparkrnn_id";
    /** The projected time key. */
    static final String TIME = "__sparkrnn_time";
    private static final String TIME_TEXT = "__sparkrnn_time_text";

    private final java.util.function.Supplier<Dataset<Row>> table;
    private final Column[] selected;
    private final TableRowReader reader;
    private Dataset<Row> rows;

    private TableProjection(java.util.function.Supplier<Dataset<Row>> table, Column[] selected,
                            TableRowReader reader) {
        this.table = table;
        this.selected = selected;
        this.reader = reader;
    }

    /**
     * The projected rows: series key, time key, the time's text when kept, each value column once, then any
     * trailing columns asked for (planned at the first call).
     */
    public Dataset<Row> rows() {
        if (rows == null) {
            rows = table.get().select(selected);
        }
        return rows;
    }

    /** How the projected rows are read into {@link TableRows}. */
    public TableRowReader reader() {
        return reader;
    }

    /**
     * The table's columns checked (each named column there, with a type it can be read as) and projected: series
     * key, time key, the time's text (when {@code texts}, or for a text time column), each value column once. The one
     * place a table's rows are shaped for reading, in batch and in a stream.
     */
    public static TableProjection of(Dataset<Row> table, String source, TableLayout layout, boolean texts,
                                     Column... trailing) {
        return of(table.schema(), () -> table, source, layout, texts, trailing);
    }

    /** {@link #of(Dataset, String, TableLayout, boolean, Column...)} of a table made only if its rows are asked for. */
    static TableProjection of(StructType schema, java.util.function.Supplier<Dataset<Row>> table, String source,
                              TableLayout layout, boolean texts, Column... trailing) {
        List<String> names = Arrays.asList(schema.fieldNames());
        for (String column : layout.columnsRead()) {
            if (!names.contains(column)) {
                throw new SettingError(source + ": no column '" + column + "' (" + optionOf(layout, column)
                        + "); the columns are " + names);
            }
        }
        if (layout.timeColumn() != null) {
            DataType type = schema.apply(layout.timeColumn()).dataType();
            if (!(type instanceof NumericType || type instanceof DateType || type instanceof TimestampType
                    || type instanceof StringType || type.typeName().equals("timestamp_ntz"))) {
                throw new SettingError(source + ": column '" + layout.timeColumn() + "' ({--time-column}) is "
                        + type.simpleString() + ", expected numbers, dates or timestamps");
            }
            boolean readable = type instanceof NumericType || type instanceof StringType;
            if (layout.timeFormat() != null && !readable) {
                throw new SettingError(source + ": {--time-format} reads text or numbers; column '"
                        + layout.timeColumn() + "' ({--time-column}) is " + type.simpleString() + " already");
            }
            if (!layout.calendar().isEmpty() && type instanceof NumericType && layout.timeFormat() == null) {
                throw new SettingError(source + ": {--calendar} reads dates from column '" + layout.timeColumn()
                        + "' ({--time-column}), which holds numbers: give {--time-format}, e.g. yyyyMMdd");
            }
            for (CalendarFeature f : layout.calendar()) {
                if (f.withinDay() && type instanceof DateType) {
                    throw new SettingError(source + ": {--calendar} " + f.cliName() + " is finer than the dates of"
                            + " column '" + layout.timeColumn() + "' ({--time-column})");
                }
            }
        }
        for (String column : layout.featureColumns()) {
            checkValueType(schema, column, source, "{--feature-columns}");
        }
        for (String column : layout.targetColumns()) {
            checkValueType(schema, column, source, "{--target-column}");
        }
        for (String column : layout.knownColumns()) {
            checkValueType(schema, column, source, "{--known-columns}");
        }
        for (String column : layout.staticColumns()) {
            checkValueType(schema, column, source, "{--static-columns}");
        }
        TimeFormat format = texts || layout.timeFormat() != null ? TimeFormat.TEXT
                : timeFormat(schema, layout.timeColumn());
        List<Column> selected = new ArrayList<>();
        selected.add((layout.idColumn() == null ? lit(0) : col(layout.idColumn())).as(ID));
        selected.add(timeKey(schema, layout.timeColumn(), layout.timeFormat()).as(TIME));
        if (format == TimeFormat.TEXT) {
            selected.add((layout.timeColumn() == null ? lit(null).cast(DataTypes.StringType)
                    : col(layout.timeColumn()).cast(DataTypes.StringType)).as(TIME_TEXT));
        }
        java.util.Map<String, Column> derived = calendarInputs(schema, layout);
        derived.putAll(StaticCategories.inputs(layout));
        for (String column : TableRowReader.valueColumns(layout)) {
            selected.add(derived.containsKey(column) ? derived.get(column) : col(column));
        }
        selected.addAll(Arrays.asList(trailing)); // after what the reader reads: it never looks at them
        return new TableProjection(table, selected.toArray(new Column[0]), new TableRowReader(source, layout, format));
    }

    /**
     * Each calendar input by its name ({@link CalendarFeature#inputNames}): the sine or cosine of the feature's
     * phase, from the time read as a timestamp (null where it does not read as one: the reader says so).
     */
    private static java.util.Map<String, Column> calendarInputs(StructType schema, TableLayout layout) {
        java.util.Map<String, Column> inputs = new java.util.HashMap<>();
        if (layout.calendar().isEmpty()) {
            return inputs;
        }
        Column time = timestamp(schema, layout.timeColumn(), layout.timeFormat());
        for (CalendarFeature f : layout.calendar()) {
            Column value = switch (f) {
                case MONTH_OF_YEAR -> month(time);
                case WEEK_OF_YEAR -> weekofyear(time);
                case DAY_OF_YEAR -> dayofyear(time);
                case DAY_OF_MONTH -> dayofmonth(time);
                case DAY_OF_WEEK -> dayofweek(time);
                case HOUR_OF_DAY -> hour(time);
                case MINUTE_OF_HOUR -> minute(time);
            };
            Column phase = value.minus(f.first()).cast(DataTypes.DoubleType).multiply(f.radiansPerUnit());
            inputs.put(f.inputNames().get(0), sin(phase).as(CALENDAR + f.name() + "_SIN"));
            inputs.put(f.inputNames().get(1), cos(phase).as(CALENDAR + f.name() + "_COS"));
        }
        return inputs;
    }

    private static final String CALENDAR = "__sparkrnn_calendar_";

    /** The time column as a timestamp (dates and timestamps as they are; text or numbers read with the pattern). */
    private static Column timestamp(StructType schema, String timeColumn, String pattern) {
        DataType type = schema.apply(timeColumn).dataType();
        Column t = col(timeColumn);
        if (pattern != null) {
            return try_to_timestamp(t.cast(DataTypes.StringType), lit(pattern));
        }
        return type instanceof StringType ? try_to_timestamp(t) : t;
    }

    /**
     * How a table's time keys step ({@code --frequency}): what they count, from the time column's type and the
     * pattern; timestamps and text times are local times in {@code zone} (the session's). Null without a time column.
     */
    public static TimeSteps timeSteps(StructType schema, String timeColumn, String pattern, String zone) {
        if (timeColumn == null) {
            return null;
        }
        DataType type = schema.apply(timeColumn).dataType();
        TimeSteps.Kind kind = type instanceof NumericType ? TimeSteps.Kind.NUMBER
                : type instanceof DateType ? TimeSteps.Kind.DAYS
                : type instanceof StringType ? null : TimeSteps.Kind.SECONDS;
        return new TimeSteps(kind, type instanceof StringType, pattern, zone);
    }

    /** How the time column's values are written back from their keys; text columns keep their text. */
    private static TimeFormat timeFormat(StructType schema, String timeColumn) {
        if (timeColumn == null) {
            return TimeFormat.ROW;
        }
        DataType type = schema.apply(timeColumn).dataType();
        return type instanceof NumericType ? TimeFormat.NUMBER : type instanceof DateType ? TimeFormat.DATE
                : type instanceof StringType ? TimeFormat.TEXT : TimeFormat.TIMESTAMP;
    }

    /** The option that names {@code column}, for messages. */
    private static String optionOf(TableLayout layout, String column) {
        if (column.equals(layout.idColumn())) {
            return "{--id-column}";
        }
        if (column.equals(layout.timeColumn())) {
            return "{--time-column}";
        }
        return layout.targetColumns().contains(column) ? "{--target-column}"
                : layout.knownColumns().contains(column) ? "{--known-columns}"
                : layout.staticColumns().contains(column) ? "{--static-columns}" : "{--feature-columns}";
    }

    private static void checkValueType(StructType schema, String column, String source, String option) {
        DataType type = schema.apply(column).dataType();
        if (!(type instanceof NumericType || type instanceof StringType)) {
            throw new SettingError(source + ": column '" + column + "' (" + option + ") is " + type.simpleString()
                    + ", expected numbers");
        }
    }

    /**
     * The time as a number that orders as the time does: numbers as they are, dates as days, timestamps as seconds
     * since 1970, text as a number if it is one, else as a date or timestamp; without a time column, input order.
     */
    static Column timeKey(StructType schema, String timeColumn, String pattern) {
        if (timeColumn == null) {
            return monotonically_increasing_id().cast(DataTypes.DoubleType);
        }
        if (pattern != null) {
            return timestamp(schema, timeColumn, pattern).cast(DataTypes.DoubleType);
        }
        DataType type = schema.apply(timeColumn).dataType();
        Column t = col(timeColumn);
        if (type instanceof NumericType) {
            return t.cast(DataTypes.DoubleType);
        }
        if (type instanceof DateType) {
            return datediff(t, lit("1970-01-01")).cast(DataTypes.DoubleType);
        }
        if (type instanceof StringType) {
            return coalesce(numberOrNull(t), try_to_timestamp(t).cast(DataTypes.DoubleType));
        }
        return t.cast(DataTypes.DoubleType); // timestamps: seconds since 1970
    }

    /**
     * Text as a number when it is one, else null (the next reading is tried): Spark's cast alone fails the query on
     * other text under ANSI mode (Spark 4's default), so only text that is a number is cast.
     */
    private static Column numberOrNull(Column text) {
        return when(text.rlike(TextTimes.NUMBER_TEXT), text.cast(DataTypes.DoubleType));
    }

    /** {@code --validate-from} as a time key of the time column's kind. */
    static Double timeKeyOf(String text, StructType schema, String timeColumn, String pattern, String source,
                            SparkSession spark) {
        if (timeColumn == null) {
            throw new SettingError(source + ": {--validate-from} compares times; give {--time-column}");
        }
        if (pattern != null) {
            Row row = spark.range(1).select(try_to_timestamp(lit(text), lit(pattern)).cast(DataTypes.DoubleType))
                    .first();
            if (row.isNullAt(0)) {
                throw new SettingError("{--validate-from} '" + text + "' does not match {--time-format} '" + pattern
                        + "'");
            }
            return row.getDouble(0);
        }
        DataType type = schema.apply(timeColumn).dataType();
        if ((type instanceof NumericType || type instanceof StringType) && TextTimes.isNumber(text)) {
            // a number (19950101, 1995, 2.5): the key Spark's cast gives, without a job to ask it
            return Double.parseDouble(text.strip());
        }
        if (type instanceof StringType && "TIMESTAMP_LTZ".equalsIgnoreCase(spark.conf().get(
                "spark.sql.timestampType", "TIMESTAMP_LTZ"))) {
            // a date or timestamp as Spark's cast reads text (try_to_timestamp), without a query to ask it
            Long micros = TextTimes.micros(text, TextTimes.zone(spark.conf().get("spark.sql.session.timeZone")));
            if (micros == null) {
                throw new SettingError("{--validate-from} '" + text + "' is not a time of column '" + timeColumn
                        + "' (" + type.simpleString() + ")");
            }
            return micros / 1e6;
        }
        Column value = lit(text);
        Column key = type instanceof NumericType ? value.cast(DataTypes.DoubleType)
                : type instanceof DateType ? datediff(value.cast(DataTypes.DateType), lit("1970-01-01"))
                .cast(DataTypes.DoubleType)
                : type instanceof StringType ? coalesce(numberOrNull(value),
                try_to_timestamp(value).cast(DataTypes.DoubleType))
                : value.cast(DataTypes.TimestampType).cast(DataTypes.DoubleType);
        Row row = spark.range(1).select(key).first();
        if (row.isNullAt(0)) {
            throw new SettingError("{--validate-from} '" + text + "' is not a time of column '" + timeColumn + "' ("
                    + type.simpleString() + ")");
        }
        return row.getDouble(0);
    }}
