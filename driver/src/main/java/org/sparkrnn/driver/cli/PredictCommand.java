package org.sparkrnn.driver.cli;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.sparkrnn.driver.Reporter;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.config.DataOptions;
import org.sparkrnn.driver.config.Defaults;
import org.sparkrnn.driver.data.DatasetLoader;
import org.sparkrnn.driver.data.LoadedData;
import org.sparkrnn.driver.exec.DistributedSums;
import org.sparkrnn.driver.exec.KernelSettings;
import org.sparkrnn.driver.model.FileStore;
import org.sparkrnn.driver.model.ModelDirectory;
import org.sparkrnn.driver.model.SavedModel;
import org.sparkrnn.driver.predict.ChunkedPredictor;
import org.sparkrnn.driver.predict.FramePredictor;
import org.sparkrnn.driver.predict.PredictionLayout;
import org.sparkrnn.kernel.Precision;
import org.sparkrnn.model.ModelWeights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code lstm-spark predict}: predictions for every sequence of a data set, written as JSON Lines or Parquet, one
 * part file per partition in input order. Each partition streams through the forward pass in bounded chunks.
 * Columns: {@code prediction} (and {@code probability} for classifiers), as the Spark ML model's; from a Spark data
 * source (Parquet, ...) every input column except the features and labels is kept, so ids can be joined back.
 */
@Command(name = "predict", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Write predictions for a data set as JSON Lines or Parquet (labels in the input are ignored).")
public final class PredictCommand implements Callable<Integer> {

    @Mixin
    ModelMixin model;

    @Mixin
    DataMixin data;

    @Option(names = "--output", paramLabel = "DIR", description = "Where to write the predictions (a new directory).")
    String output;

    @Option(names = "--output-format", defaultValue = Defaults.OUTPUT_FORMAT, paramLabel = "jsonl|parquet",
            description = "Format of the predictions: jsonl, parquet or another Spark data source."
                    + " Default: ${DEFAULT-VALUE}.")
    String outputFormat;

    @Mixin
    SparkMixin sparkOptions;

    @Override
    public Integer call() throws Exception {
        if (output == null) {
            throw new UserError("--output DIR is required (a directory that does not exist yet)");
        }
        DataOptions options = data.toOptions(model.seed);
        Precision precision = EvaluateCommand.parsePrecision(model.precision);
        String writeFormat = outputFormat.equals("jsonl") ? "json" : outputFormat;
        return Main.withSpark("lstm-spark predict", sparkOptions, sc -> {
            FileStore files = new FileStore(sc.hadoopConfiguration());
            if (files.exists(output)) {
                throw new UserError(output + " already exists; choose a new --output directory");
            }
            SavedModel saved = new ModelDirectory(files, model.modelDir).readModel();
            DistributedSums sums = new DistributedSums(sc, Integer.parseInt(Defaults.AGGREGATION_DEPTH));
            DatasetLoader loader = new DatasetLoader(sc, sums, Reporter.to(System.out));
            SparkSession spark = loader.session();
            if (!DataOptions.OWN_FORMATS.contains(options.format())) {
                // a Spark data source: the Spark ML model's transform, keeping the other columns
                Dataset<Row> input = loader.readFrame(options.format(), options.path());
                if (saved.shape().oneHot()) {
                    throw new UserError("a character model reads text: predict with --format text");
                }
                Dataset<Row> predicted = FramePredictor.transform(input, saved, new PredictionLayout(saved.shape(),
                                saved.spec().outputSize(), saved.spec().loss().isClassification(), "prediction",
                                "probability", true), "features", new KernelSettings(precision, 0),
                        DistributedSums.EVALUATION_CHUNK);
                List<String> dropped = new ArrayList<>(List.of("features", "label", "labels"));
                dropped.retainAll(Arrays.asList(input.schema().fieldNames()));
                predicted.drop(dropped.toArray(new String[0])).write().format(writeFormat).save(output);
                System.out.printf("wrote predictions for %s to %s (%s)%n", options.path(), output, outputFormat);
                return 0;
            }
            // sequences as read: the predictor applies the model's input transforms (and undoes them on outputs)
            LoadedData loaded = loader.loadForModel(options.absolute(), options.path(),
                    new DatasetLoader.Context(saved.shape(), saved.vocabulary(), null, false), false);
            PredictionLayout layout = new PredictionLayout(saved.shape(), saved.spec().outputSize(),
                    saved.spec().loss().isClassification(), "prediction", "probability", false);
            ChunkedPredictor predictor = new ChunkedPredictor(layout, saved,
                    new KernelSettings(precision, 0), DistributedSums.EVALUATION_CHUNK);
            sums.withModel(loaded.train(), new ModelWeights(saved.spec(), saved.params()),
                    (weights, blocks) -> predictor.blocks(weights, blocks),
                    (JavaRDD<Row> rows) -> spark.createDataFrame(rows, DataTypes.createStructType(layout.fields()))
                            .write().format(writeFormat).save(output), "predict");
            loaded.unpersist();
            System.out.printf("wrote predictions for %d sequences to %s (%s)%n", loaded.trainSequences(), output,
                    outputFormat);
            return 0;
        });
    }
}
