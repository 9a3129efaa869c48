package org.sparkrnn.driver.predict;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sparkrnn.data.WindowTransform;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.config.MissingValues;
import org.sparkrnn.driver.config.TableLayout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * Forecasts as CSV holds them: a window of two steps and two targets (prediction and a quantile horizon-major, four
 * values each) becomes four rows of horizon, target, forecast time and the values, in the window's columns' order;
 * another array column is its JSON text; formats that hold arrays take the frame as it is.
 */
@Tag("every-spark-line")
@Tag("no-numerics")
class FlatForecastsTest {

    @Test
    void aWindowsStepsAndTargetsBecomeRows() {
        SparkSession spark = SparkSession.builder().sparkContext(SharedSpark.get().sc()).getOrCreate();
        StructType schema = new StructType().add("store", DataTypes.StringType).add("time", DataTypes.StringType)
                .add("forecast_time", DataTypes.createArrayType(DataTypes.StringType))
                .add("prediction", DataTypes.createArrayType(DataTypes.DoubleType))
                .add("p90", DataTypes.createArrayType(DataTypes.DoubleType))
                .add("note", DataTypes.createArrayType(DataTypes.StringType));
        Dataset<Row> windows = spark.createDataFrame(List.of(RowFactory.create("a", "2020-01",
                List.of("2020-02", "2020-04").toArray(), new Double[] {1.5, 10.0, 2.5, 20.0},
                new Double[] {1.9, 10.9, 2.9, 20.9}, new String[] {"x", "y"})), schema);
        TableLayout layout = new TableLayout("store", "month", List.of("sales", "visits"), List.of("sales", "visits"),
                3, 1, new int[] {1, 3}, MissingValues.SKIP, null, WindowTransform.NONE, false, List.of(), null, null);
        Dataset<Row> flat = FlatForecasts.forFormat(windows, "csv", layout);
        assertEquals(List.of("store", "time", "horizon", "target", "forecast_time", "prediction", "p90", "note"),
                List.of(flat.columns()));
        assertEquals(List.of("[a,2020-01,1,sales,2020-02,1.5,1.9,[\"x\",\"y\"]]",
                        "[a,2020-01,1,visits,2020-02,10.0,10.9,[\"x\",\"y\"]]",
                        "[a,2020-01,3,sales,2020-04,2.5,2.9,[\"x\",\"y\"]]",
                        "[a,2020-01,3,visits,2020-04,20.0,20.9,[\"x\",\"y\"]]"),
                flat.collectAsList().stream().map(Row::toString).toList());
        // not a table's forecasts: arrays as JSON text; a format of arrays: the frame itself
        assertEquals("[a,2020-01,[\"2020-02\",\"2020-04\"],[1.5,10.0,2.5,20.0],[1.9,10.9,2.9,20.9],[\"x\",\"y\"]]",
                FlatForecasts.forFormat(windows, "csv", null).first().toString());
        assertSame(windows, FlatForecasts.forFormat(windows, "parquet", layout));
    }
}
