package org.sparkrnn.driver.predict;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.sparkrnn.data.SequenceBlock;
import org.sparkrnn.driver.config.Defaults;
import org.sparkrnn.driver.config.KernelSettings;
import org.sparkrnn.driver.data.records.Partitioning;
import org.sparkrnn.driver.exec.ModelBroadcasts;
import org.sparkrnn.driver.model.SavedModel;
import org.sparkrnn.model.ModelWeights;

import java.util.ArrayList;
import java.util.List;

/**
 * Predictions for sequences as they were read (text windows, whose key is their number in input order), written
 * where {@code predict} is told: each partition streams its sequences through the forward pass in chunks
 * ({@link ChunkedPredictor}), with the model broadcast once for the job.
 */
public final class SequencePredictions {

    private SequencePredictions() {
    }

    /**
     * Writes a row per sequence of {@code sequences} ({@code window}: its number in input order, then the
     * prediction columns) to {@code output} in {@code format}. The predictor applies the model's input transforms
     * and undoes them on the outputs, so the sequences are as read; a probabilistic model's quantiles at
     * {@code levels} follow its point forecast.
     */
    public static void write(JavaSparkContext sc, SparkSession spark, JavaRDD<SequenceBlock> sequences,
                             SavedModel saved, KernelSettings kernel, String format, String output, double[] levels) {
        PredictionLayout layout = PredictionLayout.forModel(saved, levels);
        ChunkedPredictor predictor = new ChunkedPredictor(layout, saved, kernel, Defaults.Values.CHUNK_SIZE);
        long[] firstWindow = Partitioning.firstIndexes(sequences, "predict: numbering sequences");
        List<StructField> fields = new ArrayList<>(List.of(DataTypes.createStructField("window",
                DataTypes.LongType, false)));
        fields.addAll(layout.fields());
        ModelBroadcasts.withModel(sc, sequences,
                new ModelWeights(saved.spec(), saved.params()),
                (weights, blocks) -> ChunkedPredictor.numbered(predictor.blocks(weights, blocks),
                        firstWindow[TaskContext.getPartitionId()]),
                (JavaRDD<Row> rows) -> FlatForecasts.forFormat(spark.createDataFrame(rows,
                        DataTypes.createStructType(fields)), format, null).write().format(format)
                        .option("header", true).save(output), "predict");
    }
}
