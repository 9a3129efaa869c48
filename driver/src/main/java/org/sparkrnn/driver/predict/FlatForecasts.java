package org.sparkrnn.driver.predict;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.sparkrnn.driver.config.TableLayout;
import org.sparkrnn.driver.data.table.LongTableSource;

import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.to_json;

/**
 * Predictions in rows a format without arrays holds (CSV): a long table's forecast of H steps and V targets, one
 * row per window with arrays, becomes H·V rows, each with the steps ahead it predicts ({@value #HORIZON}), its target
 * ({@value #TARGET}, for a model of several), the time it predicts, its point forecast and its quantiles, in the
 * window's columns' order; any other array column (a sequence model's per-step or per-class outputs) is written as
 * its JSON text. Formats that hold arrays (JSON Lines, Parquet, ...) take the predictions as they are.
 */
public final class FlatForecasts {

    /** The column of the steps ahead a flat forecast row predicts. */
    public static final String HORIZON = "horizon";
    /** The column of the target a flat forecast row predicts (a model of several targets). */
    public static final String TARGET = "target";
    private static final String INDEX = "__sparkrnn_step";
    private static final String PREDICTION = "prediction";

    private FlatForecasts() {
    }

    /** Whether Spark's data source {@code format} holds no array columns. */
    public static boolean flat(String format) {
        return format.equalsIgnoreCase("csv") || format.equalsIgnoreCase("text");
    }

    /**
     * {@code predictions} as {@code format} can hold them: as they are, or flat ({@link #flat}).
     *
     * @param layout the long table the forecasts are of (its horizons and targets), or null: not a table's
     */
    public static Dataset<Row> forFormat(Dataset<Row> predictions, String format, TableLayout layout) {
        if (!flat(format)) {
            return predictions;
        }
        boolean steps = layout != null && predictions.schema().getFieldIndex(PREDICTION).isDefined()
                && predictions.schema().apply(PREDICTION).dataType() instanceof ArrayType;
        if (!steps) {
            List<Column> columns = new ArrayList<>();
            for (StructField field : predictions.schema().fields()) {
                columns.add(field.dataType() instanceof ArrayType ? to_json(col(field.name())).as(field.name())
                        : col(field.name()));
            }
            return predictions.select(columns.toArray(new Column[0]));
        }
        int targets = layout.targetColumns().size();
        Column[] horizons = new Column[layout.horizons().length];
        for (int h = 0; h < horizons.length; h++) {
            horizons[h] = lit(layout.horizons()[h]);
        }
        Column[] names = layout.targetColumns().stream().map(t -> lit(t)).toArray(Column[]::new);
        Column index = col(INDEX);
        Column step = index.divide(targets).cast(DataTypes.IntegerType).plus(1); // the horizon's place, from 1
        Dataset<Row> exploded = predictions.withColumn(INDEX, explode(sequence(lit(0),
                size(col(PREDICTION)).minus(1))));
        List<Column> columns = new ArrayList<>();
        boolean stepsPlaced = false;
        for (StructField field : predictions.schema().fields()) {
            String name = field.name();
            boolean forecastTime = name.equals(LongTableSource.FORECAST_TIME);
            if (!stepsPlaced && (forecastTime || name.equals(PREDICTION))) {
                columns.add(element_at(array(horizons), step).as(HORIZON));
                if (targets > 1) {
                    columns.add(element_at(array(names), index.mod(targets).plus(1)).as(TARGET));
                }
                stepsPlaced = true;
            }
            if (!(field.dataType() instanceof ArrayType)) {
                columns.add(col(name));
            } else if (forecastTime) {
                columns.add(element_at(col(name), step).as(name));
            } else if (((ArrayType) field.dataType()).elementType().equals(DataTypes.DoubleType)) {
                columns.add(element_at(col(name), index.plus(1)).as(name)); // the point forecast, a quantile
            } else {
                columns.add(to_json(col(name)).as(name));
            }
        }
        return exploded.select(columns.toArray(new Column[0]));
    }
}
