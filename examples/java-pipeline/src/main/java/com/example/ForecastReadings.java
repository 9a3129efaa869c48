package com.example;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.sparkrnn.driver.ml.LstmModel;
import org.sparkrnn.driver.ml.LstmRegressor;

import java.nio.file.Files;
import java.util.Arrays;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;

/**
 * Forecasts the next reading of each sensor from its last twelve, with an LSTM in a Spark ML Pipeline: a table of
 * readings made into sequences with Spark SQL, fit, evaluate against the naive forecast, save and load, tune with
 * {@code CrossValidator}, and score a stream of new sequences with the fitted model.
 *
 * <pre>
 *   java [Spark's JVM flags] -cp ... com.example.ForecastReadings [DIR] [--kryo]
 * </pre>
 * A plain {@code SparkSession} with Spark's defaults; {@code --kryo}: Kryo with registration required.
 */
public final class ForecastReadings {

    /** What a run measured. */
    public record Result(double rmse, double naiveRmse, double bestLr, long streamed, double streamedVsBatch) {
    }

    private ForecastReadings() {
    }

    public static void main(String[] args) throws Exception {
        boolean kryo = Arrays.asList(args).contains("--kryo");
        String dir = args.length > 0 && !args[0].startsWith("--") ? args[0]
                : Files.createTempDirectory("forecast-readings").toString();
        SparkSession spark = session(kryo);
        try {
            System.out.println(run(spark, dir));
        } finally {
            spark.stop();
        }
    }

    /** A session as any Spark program builds one; with Kryo, registration required and sparkrnn's registrator. */
    public static SparkSession session(boolean kryo) {
        SparkSession.Builder builder = SparkSession.builder().master("local[2]").appName("forecast readings");
        if (kryo) {
            builder.config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                    .config("spark.kryo.registrationRequired", "true")
                    .config("spark.kryo.registrator", "org.sparkrnn.driver.SparkRnnKryoRegistrator");
        }
        return builder.getOrCreate();
    }

    public static Result run(SparkSession spark, String dir) throws Exception {
        // a long table of readings: one row per sensor and time step
        Dataset<Row> readings = spark.sql("SELECT id % 300 AS sensor, id DIV 300 AS t,"
                + " sin(0.5 * (id DIV 300) + (id % 300)) + 0.05 * rand(7) AS value FROM range(300 * 13)");
        // one row per sensor: its readings in time order
        Dataset<Row> series = readings.groupBy("sensor")
                .agg(sort_array(collect_list(struct(col("t"), col("value")))).as("points"));
        Dataset<Row>[] split = series.randomSplit(new double[] {0.8, 0.2}, 11);
        Dataset<Row> train = split[0].cache();
        Dataset<Row> test = split[1].cache();

        // the first twelve readings are the sequence (steps x 1 feature), the thirteenth the label
        SQLTransformer sequences = new SQLTransformer().setStatement("SELECT sensor,"
                + " transform(slice(points, 1, 12), p -> array(p.value)) AS features,"
                + " points[12].value AS label FROM __THIS__");
        LstmRegressor lstm = new LstmRegressor()
                .setHidden(16)              // one layer of 16 (setHidden(64, 32): two layers)
                .setEpochs(40)
                .setBatchSize(32)
                .setLr(0.02)
                .setNormalize("standard")
                .setLogEvery(100);
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {sequences, lstm});

        PipelineModel model = pipeline.fit(train);
        RegressionEvaluator rmse = new RegressionEvaluator().setMetricName("rmse");
        double testRmse = rmse.evaluate(model.transform(test));
        double naiveRmse = rmse.evaluate(sequences.transform(test)
                .selectExpr("label", "features[11][0] AS prediction")); // the last reading as the forecast

        model.write().overwrite().save(dir + "/model");
        PipelineModel loaded = PipelineModel.load(dir + "/model");

        // tuning the learning rate: two folds, a short run each
        ParamMap[] grid = new ParamGridBuilder()
                .addGrid(lstm.lr(), new double[] {0.002, 0.02})
                .addGrid(lstm.epochs(), new double[] {8})
                .build();
        CrossValidatorModel cv = new CrossValidator().setEstimator(pipeline).setEstimatorParamMaps(grid)
                .setEvaluator(rmse).setNumFolds(2).setSeed(5).fit(train);
        int best = cv.avgMetrics()[0] <= cv.avgMetrics()[1] ? 0 : 1;
        double bestLr = (Double) grid[best].apply(lstm.lr());

        // new sequences arriving as files, scored by the loaded model as they come
        Dataset<Row> arriving = sequences.transform(test).select("sensor", "features");
        arriving.write().mode("overwrite").parquet(dir + "/incoming/batch-1");
        LstmModel forecaster = (LstmModel) loaded.stages()[1];
        StreamingQuery query = forecaster
                .transform(spark.readStream().schema(arriving.schema()).parquet(dir + "/incoming/*"))
                .writeStream().format("memory").queryName("forecasts").outputMode("append")
                .option("checkpointLocation", dir + "/checkpoint").start();
        query.processAllAvailable();
        query.stop();
        Dataset<Row> streamed = spark.table("forecasts");
        Dataset<Row> batch = loaded.transform(test).select(col("sensor"), col("prediction").as("batch"));
        double largestDifference = streamed.join(batch, "sensor")
                .selectExpr("coalesce(max(abs(prediction - batch)), 0.0)").first().getDouble(0);
        return new Result(testRmse, naiveRmse, bestLr, streamed.count(), largestDifference);
    }
}
