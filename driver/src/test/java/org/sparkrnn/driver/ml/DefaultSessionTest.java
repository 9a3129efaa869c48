package org.sparkrnn.driver.ml;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.driver.SharedSpark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A user's own SparkSession with Spark's defaults (Java serialization, no registrator): a Pipeline with our
 * estimator fits, transforms, saves and loads, and trains the model a Kryo session trains (1e-12, float64), with our
 * ordered tree or Spark's own treeAggregate ({@code setAggregation("tree-aggregate")}). Before, the first fit failed
 * with NotSerializableException: ModelWeights.
 */
@Tag("every-spark-line")
class DefaultSessionTest {

    @TempDir
    Path tmp;

    private static List<Row> rows() {
        Random random = new Random(11);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            List<List<Double>> steps = new ArrayList<>();
            double sum = 0;
            for (int t = 0; t < 5; t++) {
                double x = random.nextGaussian();
                sum += x;
                steps.add(List.of(x, x * x));
            }
            rows.add(RowFactory.create(i, steps, sum / 5));
        }
        return rows;
    }

    private static final StructType SCHEMA = new StructType().add("id", DataTypes.IntegerType)
            .add("features", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType)))
            .add("label", DataTypes.DoubleType);

    private static LstmRegressor estimator() {
        return new LstmRegressor().setHidden(5).setIterations(8).setBatchSize(16).setPrecision("float64")
                .setLr(0.05).setValidationFraction(0.2).setNormalize("standard").setLogEvery(100);
    }

    @Test
    void aDefaultSessionFitsTransformsSavesAndLoads() throws Exception {
        SharedSpark.stop();
        double[] defaultWeights;
        List<Row> defaultPredictions;
        SparkSession spark = SparkSession.builder().master("local[2]").appName("a user's session").getOrCreate();
        try {
            assertEquals("org.apache.spark.serializer.JavaSerializer",
                    spark.sparkContext().getConf().get("spark.serializer", "org.apache.spark.serializer.JavaSerializer"));
            Dataset<Row> data = spark.createDataFrame(rows(), SCHEMA).repartition(3);
            PipelineModel model = new Pipeline().setStages(new PipelineStage[] {estimator()}).fit(data);
            Path saved = tmp.resolve("pipeline");
            model.write().save(saved.toString());
            PipelineModel loaded = PipelineModel.load(saved.toString());
            defaultPredictions = loaded.transform(data).select("id", "prediction").orderBy("id").collectAsList();
            List<Row> direct = model.transform(data).select("id", "prediction").orderBy("id").collectAsList();
            assertEquals(direct, defaultPredictions, "the loaded pipeline predicts as the fitted one");
            defaultWeights = ((LstmModel) model.stages()[0]).savedModel().params();
            // the Spark ML param of --aggregation: Spark's own treeAggregate trains the same model (issue 31)
            double[] sparks = estimator().setAggregation("tree-aggregate").fit(data).savedModel().params();
            for (int j = 0; j < sparks.length; j++) {
                assertEquals(defaultWeights[j], sparks[j], 1e-12, "weight " + j + " with Spark's treeAggregate");
            }
        } finally {
            spark.stop();
        }
        SharedSpark.get(); // the project's own Kryo session, as the other tests use it
        SparkSession kryo = SparkSession.builder().getOrCreate();
        Dataset<Row> data = kryo.createDataFrame(rows(), SCHEMA).repartition(3);
        LstmModel model = estimator().fit(data);
        double[] kryoWeights = model.savedModel().params();
        assertEquals(kryoWeights.length, defaultWeights.length);
        for (int j = 0; j < kryoWeights.length; j++) {
            assertEquals(kryoWeights[j], defaultWeights[j], 1e-12, "weight " + j);
        }
        assertTrue(defaultPredictions.size() == 60);
    }
}
