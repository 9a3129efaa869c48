package org.sparkrnn.examples;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparkrnn.driver.ml.LstmRegressor;

/**
 * The README's Java example, compiled with the tests so that it cannot drift from the API: sequences built by SQL
 * from a table of sensor readings, an LSTM regressor, fit, save, load, transform. Run with
 * {@code PipelineExampleTest}.
 */
public final class PipelineExample {

    private PipelineExample() {
    }

    /** {@code readings}: one row per series: id, values (array of doubles), target (double). */
    public static Dataset<Row> fitSaveLoadPredict(SparkSession spark, Dataset<Row> readings, String path)
            throws java.io.IOException {
        SQLTransformer sequences = new SQLTransformer().setStatement(
                "SELECT id, transform(values, v -> array(v)) AS features, target AS label FROM __THIS__");
        LstmRegressor lstm = new LstmRegressor()
                .setHidden(32)             // one layer of 32 (setHidden(64, 32): two layers)
                .setEpochs(20)
                .setBatchSize(64)
                .setLr(0.01)
                .setNormalize("standard")
                .setValidationFraction(0.1);
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {sequences, lstm});

        PipelineModel model = pipeline.fit(readings);
        model.write().overwrite().save(path);
        return PipelineModel.load(path).transform(readings).select("id", "label", "prediction");
    }
}
