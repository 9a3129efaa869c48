package org.sparkrnn.driver.ml;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.driver.Printed;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.TestData;
import org.sparkrnn.driver.cli.Main;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The estimators in real Spark ML Pipelines (local mode): a feature-building SQLTransformer stage and our estimator
 * fit, save, load and transform, and predict what the command line predicts for the same data and seed;
 * CrossValidator tunes the hidden size; a classifier's model saves and loads on its own.
 */
@Tag("every-spark-line")
class SparkMlPipelineTest {

    private static final int N = 48;

    @TempDir
    Path tmp;

    /** Variable-length series; the target mixes the mean and the last value, so the network must remember. */
    private static List<Row> rawRows(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Row> rows = new ArrayList<>();
        for (int id = 0; id < N; id++) {
            int length = 3 + random.nextInt(6);
            double[] x = new double[length];
            double sum = 0;
            for (int t = 0; t < length; t++) {
                x[t] = random.nextDouble(-1, 1);
                sum += x[t];
            }
            double y = sum / length + 0.5 * x[length - 1];
            List<Double> values = new ArrayList<>();
            for (double v : x) {
                values.add(v);
            }
            rows.add(RowFactory.create(id, values, y, (int) (y > 0 ? 1 : 0)));
        }
        return rows;
    }

    private static final StructType RAW = new StructType()
            .add("id", DataTypes.IntegerType, false)
            .add("x", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
            .add("y", DataTypes.DoubleType, false)
            .add("sign", DataTypes.IntegerType, false);

    private static SparkSession spark() {
        return SparkSession.builder().config(SharedSpark.get().getConf()).getOrCreate();
    }

    private static Dataset<Row> raw(SparkSession spark) {
        return spark.createDataFrame(rawRows(11), RAW).repartition(3); // partitioning is not the CLI's
    }

    /** Builds sequences of one feature per step from the raw array column, as a user's SQL would. */
    private static SQLTransformer sequences() {
        return new SQLTransformer().setStatement(
                "SELECT id, transform(x, v -> array(v)) AS features, y AS label, sign FROM __THIS__");
    }

    private static LstmRegressor regressor() {
        return new LstmRegressor().setHidden(6).setIterations(25).setBatchSize(0).setPrecision("float64")
                .setSeed(7).setLr(0.05).setLogEvery(1000);
    }

    @Test
    void aPipelineFitsSavesLoadsAndPredictsAsTheCommandLine() throws Exception {
        // the command line first, on the same data as JSON Lines (it starts and stops its own Spark)
        SharedSpark.stop();
        List<String> lines = new ArrayList<>();
        for (Row r : rawRows(11)) {
            StringBuilder steps = new StringBuilder();
            for (Object v : (List<?>) r.get(1)) {
                steps.append(steps.length() == 0 ? "" : ", ").append('[').append(v).append(']');
            }
            lines.add("{\"features\": [" + steps + "], \"label\": " + r.getDouble(2) + "}");
        }
        Path data = TestData.write(tmp, "series.jsonl", lines.toArray(new String[0]));
        Path modelDir = tmp.resolve("cli-model");
        Path out = tmp.resolve("cli-predictions");
        assertEquals(0, Printed.quietly(() -> Main.run("train", "--data", data.toString(), "--hidden", "6",
                "--iterations", "25", "--batch-size", "all", "--precision", "float64", "--seed", "7", "--lr", "0.05",
                "--model-dir", modelDir.toString(), "--master", "local[2]")));
        assertEquals(0, Printed.quietly(() -> Main.run("predict", "--model-dir", modelDir.toString(), "--data",
                data.toString(), "--output", out.toString(), "--precision", "float64", "--master", "local[2]")));
        List<Double> cli = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        try (Stream<Path> parts = Files.list(out)) {
            for (Path part : parts.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList()) {
                for (String line : Files.readAllLines(part)) {
                    cli.add(json.readTree(line).get("prediction").asDouble());
                }
            }
        }
        assertEquals(N, cli.size());

        SparkSession spark = spark();
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {sequences(), regressor()});
        PipelineModel fitted = pipeline.fit(raw(spark));
        Map<Integer, Double> predicted = predictions(fitted.transform(raw(spark)));
        for (int id = 0; id < N; id++) {
            // full batch: the same gradient sums, only added in another order across partitions
            assertEquals(cli.get(id), predicted.get(id), 1e-9, "sequence " + id);
        }

        Path saved = tmp.resolve("pipeline");
        fitted.write().overwrite().save(saved.toString());
        PipelineModel loaded = PipelineModel.load(saved.toString());
        assertEquals(predicted, predictions(loaded.transform(raw(spark))), "a reloaded pipeline predicts the same");
        LstmModel stage = (LstmModel) loaded.stages()[1];
        assertArrayEquals(((LstmModel) fitted.stages()[1]).savedModel().params(), stage.savedModel().params());
    }

    private static Map<Integer, Double> predictions(Dataset<Row> frame) {
        Map<Integer, Double> byId = new HashMap<>();
        for (Row r : frame.select("id", "prediction").collectAsList()) {
            byId.put(r.getInt(0), r.getDouble(1));
        }
        return byId;
    }

    @Test
    void crossValidatorChoosesAHiddenSize() {
        SparkSession spark = spark();
        LstmRegressor lstm = regressor().setIterations(15);
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {sequences(), lstm});
        ParamMap[] grid = {new ParamMap().put(lstm.hidden(), new int[] {2}),
                new ParamMap().put(lstm.hidden(), new int[] {8})};
        CrossValidatorModel cv = new CrossValidator().setEstimator(pipeline).setEstimatorParamMaps(grid)
                .setEvaluator(new RegressionEvaluator().setMetricName("rmse")).setNumFolds(2).setSeed(5)
                .fit(raw(spark));
        double[] rmse = cv.avgMetrics();
        assertEquals(2, rmse.length);
        for (double r : rmse) {
            assertTrue(Double.isFinite(r) && r > 0 && r < 1, "rmse " + r);
        }
        LstmModel best = (LstmModel) ((PipelineModel) cv.bestModel()).stages()[1];
        int expected = rmse[0] <= rmse[1] ? 2 : 8;
        assertEquals(expected, best.savedModel().spec().layers().get(0).hiddenSize(), String.format(Locale.ROOT,
                "rmse %s", java.util.Arrays.toString(rmse)));

        // the whole tuning result saves and loads (estimator params, grid, best model) and predicts the same
        Path saved = tmp.resolve("cv");
        try {
            cv.write().overwrite().save(saved.toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        CrossValidatorModel loaded = CrossValidatorModel.load(saved.toString());
        assertEquals(predictions(cv.transform(raw(spark))), predictions(loaded.transform(raw(spark))));
        LstmRegressor reloaded = (LstmRegressor) ((Pipeline) loaded.getEstimator()).getStages()[1];
        assertEquals(15L, reloaded.getOrDefault(reloaded.iterations()));

        // TrainValidationSplit over the same grid
        TrainValidationSplitModel split = new TrainValidationSplit().setEstimator(pipeline)
                .setEstimatorParamMaps(grid).setEvaluator(new RegressionEvaluator()).setTrainRatio(0.75).setSeed(5)
                .fit(raw(spark));
        assertEquals(2, split.validationMetrics().length);
    }

    @Test
    void aClassifierAddsProbabilitiesAndItsModelSavesAndLoads() {
        SparkSession spark = spark();
        Dataset<Row> sequences = sequences().transform(raw(spark));
        LstmModel model = new LstmClassifier().setLabelCol("sign").setHidden(8).setIterations(60).setBatchSize(0)
                .setLr(0.05).setSeed(3).setLogEvery(1000).fit(sequences);
        model.setPrecision("float64");
        Dataset<Row> out = model.transform(sequences);
        assertEquals(DataTypes.DoubleType, out.schema().apply("prediction").dataType());
        int correct = 0;
        for (Row r : out.select("sign", "prediction", "probability").collectAsList()) {
            Vector p = r.getAs(2);
            assertEquals(2, p.size());
            assertEquals(1.0, p.apply(0) + p.apply(1), 1e-5);
            assertEquals(p.argmax(), (int) r.getDouble(1));
            correct += r.getInt(0) == (int) r.getDouble(1) ? 1 : 0;
        }
        assertTrue(correct >= 0.8 * N, correct + " of " + N + " right");

        // features as array<vector> predict the same as array<array<double>>
        StructType vectorSchema = new StructType().add("id", DataTypes.IntegerType)
                .add("features", DataTypes.createArrayType(org.apache.spark.ml.linalg.SQLDataTypes.VectorType()));
        List<Row> vectorRows = new ArrayList<>();
        for (Row r : rawRows(11)) {
            List<Vector> steps = new ArrayList<>();
            for (Object v : (List<?>) r.get(1)) {
                steps.add(org.apache.spark.ml.linalg.Vectors.dense((Double) v));
            }
            vectorRows.add(RowFactory.create(r.get(0), steps));
        }
        Map<Integer, Object> fromVectors = new HashMap<>();
        for (Row r : model.transform(spark.createDataFrame(vectorRows, vectorSchema)).select("id", "probability")
                .collectAsList()) {
            fromVectors.put(r.getInt(0), r.get(1));
        }
        for (Row r : out.select("id", "probability").collectAsList()) {
            assertEquals(r.get(1), fromVectors.get(r.getInt(0)), "row " + r.getInt(0));
        }

        Path path = tmp.resolve("classifier");
        try {
            model.write().save(path.toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        LstmModel loaded = LstmModel.load(path.toString());
        assertEquals(model.uid(), loaded.uid());
        assertEquals("float64", loaded.getPrecision());
        assertEquals(out.select("probability").collectAsList(),
                loaded.transform(sequences).select("probability").collectAsList());
    }

    @Test
    void pipelineSchemasShowThePredictionColumnsBeforeFitting() {
        spark(); // SQLTransformer works out its schema with a session
        StructType raw = RAW;
        // Pipeline.fit validates every stage's schema first: a stage after ours may read its predictions
        Pipeline regression = new Pipeline().setStages(new PipelineStage[] {sequences(), regressor(),
            new SQLTransformer().setStatement("SELECT id, prediction FROM __THIS__")});
        assertEquals(DataTypes.DoubleType, regression.transformSchema(raw).apply("prediction").dataType());
        StructType classified = new LstmClassifier().setLabelCol("sign")
                .transformSchema(sequences().transformSchema(raw));
        assertEquals(DataTypes.DoubleType, classified.apply("prediction").dataType());
        assertEquals(org.apache.spark.ml.linalg.SQLDataTypes.VectorType(),
                classified.apply("probability").dataType());
        StructType perStep = new LstmRegressor().setFeaturesCol("features").setLabelCol("steps").setPerStepLabels(true)
                .transformSchema(new StructType()
                        .add("features", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType)))
                        .add("steps", DataTypes.createArrayType(DataTypes.DoubleType)));
        assertEquals(DataTypes.createArrayType(DataTypes.DoubleType, false),
                perStep.apply("prediction").dataType());
    }

    @Test
    void badParamsAndColumnsAreNamedBeforeAnyTraining() {
        SparkSession spark = spark();
        Dataset<Row> sequences = sequences().transform(raw(spark));
        IllegalArgumentException lr = assertThrows(IllegalArgumentException.class,
                () -> regressor().setOptimizer("adam").setMomentum(0.9).fit(sequences));
        assertTrue(lr.getMessage().endsWith("momentum applies to sgd and rmsprop, not optimizer adam"),
                lr.getMessage());
        RuntimeException column = assertThrows(RuntimeException.class,
                () -> regressor().setFeaturesCol("x").setLabelCol("y").fit(raw(spark)));
        assertTrue(column.getMessage().contains("column 'x' is array<double>, expected array<array<double>> or"
                + " array<vector>"), column.getMessage());
        RuntimeException missing = assertThrows(RuntimeException.class,
                () -> regressor().setLabelCol("target").fit(sequences));
        assertTrue(missing.getMessage().contains("no column 'target'"), missing.getMessage());
    }
}
