package org.sparkrnn.driver.ml;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.sparkrnn.driver.Printed;
import org.sparkrnn.driver.SharedSpark;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Spark ML's forecast evaluator: each metric by hand on two rows; and in a user's plain session (Java serialization,
 * Spark's defaults), CrossValidator choosing a quantile model's learning rate by the weighted quantile loss, over
 * windows SequenceWindows cuts from the bundled unemployment panel.
 */
class ForecastEvaluatorTest {

    private static final StructType SCORED = new StructType().add("label", DataTypes.DoubleType)
            .add("prediction", DataTypes.DoubleType).add("p10", DataTypes.DoubleType)
            .add("p50", DataTypes.DoubleType).add("p90", DataTypes.DoubleType);

    @Test
    void eachMetricByHand() {
        SparkSession spark = SparkSession.builder().config(SharedSpark.get().getConf()).getOrCreate();
        Dataset<Row> rows = spark.createDataFrame(List.of(RowFactory.create(10.0, 12.0, 8.0, 12.0, 15.0),
                RowFactory.create(20.0, 15.0, 11.0, 15.0, 18.0), RowFactory.create(null, 1.0, 0.0, 1.0, 2.0)), SCORED);
        ForecastEvaluator evaluator = new ForecastEvaluator().setQuantiles("0.1,0.5,0.9");
        assertEquals(Math.sqrt((4 + 25) / 2.0), evaluator.setMetricName("rmse").evaluate(rows), 1e-15);
        assertEquals(3.5, evaluator.setMetricName("mae").evaluate(rows), 1e-15);
        assertEquals((200.0 * 2 / 22 + 200.0 * 5 / 35) / 2, evaluator.setMetricName("smape").evaluate(rows), 1e-12);
        // pinball by level: 0.1: 0.2 + 0.9; 0.5: 1.0 + 2.5; 0.9: 0.5 + 1.8; Σ |y| = 30
        assertEquals((2 * 1.1 + 2 * 3.5 + 2 * 2.3) / 30 / 3, evaluator.setMetricName("wql").evaluate(rows), 1e-15);
        assertEquals(Math.abs(0.5 - 0.8), evaluator.setMetricName("coverageError").evaluate(rows), 1e-15);
        assertFalse(evaluator.isLargerBetter());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> evaluator.setQuantiles("0.25,0.75").setMetricName("wql").evaluate(rows));
        assertTrue(missing.getMessage().endsWith("the quantile 0.25 reads column 'p25', which is not in [label,"
                + " prediction, p10, p50, p90]"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> evaluator.setMetricName("mape"));
    }

    @Test
    void crossValidatorChoosesByTheWeightedQuantileLossInADefaultSession() {
        SharedSpark.stop();
        SparkSession spark = SparkSession.builder().master("local[2]").appName("a user's default session")
                .getOrCreate();
        try {
            Dataset<Row> table = spark.read().option("header", true).option("inferSchema", true)
                    .csv("../data/unemployment-by-industry.csv");
            SequenceWindows windows = new SequenceWindows().setIdColumn("industry").setTimeColumn("month")
                    .setFeatureColumns("unemployed").setTargetColumn("unemployed").setWindow(12);
            LstmRegressor regressor = new LstmRegressor().setHidden(6).setIterations(8).setBatchSize(64)
                    .setPrecision("float64").setNormalize("window").setLoss("quantile:0.1,0.5,0.9")
                    .setLogEvery(1000);
            assertTrue(Arrays.asList(regressor.transformSchema(windows.transform(table).schema()).fieldNames())
                    .containsAll(List.of("prediction", "p10", "p50", "p90")), "the fitted model's columns, said"
                    + " before fitting");
            ParamMap[] grid = new ParamGridBuilder().addGrid(regressor.lr(), new double[] {0.001, 0.05}).build();
            ForecastEvaluator wql = new ForecastEvaluator().setMetricName("wql").setQuantiles("0.1,0.5,0.9");
            CrossValidatorModel cv = Printed.quietly(() -> new CrossValidator()
                    .setEstimator(new Pipeline().setStages(new PipelineStage[] {windows, regressor}))
                    .setEstimatorParamMaps(grid).setEvaluator(wql).setNumFolds(2).setSeed(3).fit(table));
            double[] metrics = cv.avgMetrics();
            assertEquals(2, metrics.length);
            assertTrue(metrics[1] < metrics[0], "lr 0.05 learns more in 8 iterations: " + Arrays.toString(metrics));
            Dataset<Row> forecasts = cv.transform(table);
            assertEquals(wql.evaluate(forecasts), wql.evaluate(forecasts), 0.0, "the same bits on every run");
            assertTrue(wql.evaluate(forecasts) < metrics[0]);
        } finally {
            spark.stop();
        }
    }
}
