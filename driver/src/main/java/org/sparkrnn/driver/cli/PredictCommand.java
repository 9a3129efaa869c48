package org.sparkrnn.driver.cli;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparkrnn.driver.Reporter;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.config.DataOptions;
import org.sparkrnn.driver.config.Defaults;
import org.sparkrnn.driver.config.InvalidRows;
import org.sparkrnn.driver.config.KernelSettings;
import org.sparkrnn.driver.data.DatasetLoader;
import org.sparkrnn.driver.data.LoadedData;
import org.sparkrnn.driver.data.frame.FrameColumns;
import org.sparkrnn.driver.data.records.ReadContext;
import org.sparkrnn.driver.model.SavedModel;
import org.sparkrnn.driver.predict.FlatForecasts;
import org.sparkrnn.driver.predict.FramePredictor;
import org.sparkrnn.driver.predict.PredictionLayout;
import org.sparkrnn.driver.predict.ScopedPredictions;
import org.sparkrnn.driver.predict.SequencePredictions;
import org.sparkrnn.kernel.Precision;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code lstm-spark predict}: predictions for every sequence of a data set, written as JSON Lines or Parquet, one
 * part file per partition in input order. Each partition streams through the forward pass in bounded chunks.
 * Columns: {@code prediction} (and {@code probability} for classifiers), as the Spark ML model's, after the columns
 * that identify each input ({@link DatasetLoader#predictionRows}): a CSV window's {@code time} (up to the forecast
 * past the last value), a JSON Lines record's other fields (or its {@code line}), a Spark source's columns other than
 * the features and labels. Text models predict each window's next characters, in input order.
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

    @Option(names = "--quantiles", paramLabel = "LEVELS",
            description = "A probabilistic model's quantiles, one column per level after the point forecast"
                    + " (prediction: the distribution's mean, a quantile model's median), named by level (p10, p50,"
                    + " p90), e.g. 0.05,0.5,0.95. Default: a quantile model's trained levels; for a distribution "
                    + Defaults.QUANTILES + ".")
    String quantiles;

    @Option(names = "--output-format", defaultValue = Defaults.OUTPUT_FORMAT, paramLabel = "jsonl|parquet|csv",
            description = "Format of the predictions: jsonl, parquet, csv (a forecast's steps one row each) or"
                    + " another Spark data source. Default: ${DEFAULT-VALUE}.")
    String outputFormat;

    @Mixin
    SparkMixin sparkOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (output == null) {
            throw new UserError("--output DIR is required (a directory that does not exist yet)");
        }
        FileChecks checks = new FileChecks(sparkOptions);
        checks.modelBeforeData(data, model.modelDir);
        DataOptions given = data.toOptions(Defaults.Values.SEED);
        Precision precision = EvaluateCommand.parsePrecision(model.precision);
        String writeFormat = outputFormat.equals("jsonl") ? "json" : outputFormat;
        // what the options and the files alone refuse, before Spark starts
        for (String split : List.of("--validation", "--validation-fraction", "--split", "--validate-from")) {
            if (spec.commandLine().getParseResult().hasMatchedOption(split)) {
                throw new UserError(split + " has no use in predict, which writes a prediction for every"
                        + " sequence; leave it out");
            }
        }
        if (spec.commandLine().getParseResult().hasMatchedOption("--horizon")) {
            throw new UserError("--horizon is the model's: it predicts the step it was trained to predict;"
                    + " leave it out");
        }
        checks.isNew(output, "--output");
        SavedModel saved = checks.model(model.modelDir);
        double[] levels = org.sparkrnn.driver.model.ForecastLevels.of(saved, quantiles);
        DataOptions options = ModelFixedOptions.forModel(given, saved);
        ModelFixedOptions.check(spec, data, saved);
        checks.dataExists(options);
        return SparkRun.with("lstm-spark predict", sparkOptions, checks.removingOnFailure(output, sc -> {
            DatasetLoader loader = new DatasetLoader(sc, Reporter.to(System.out));
            SparkSession spark = loader.session();
            KernelSettings kernel = new KernelSettings(precision, 0);
            Dataset<Row> input = loader.predictionRows(options.absolute(), saved.shape(), saved.frequency());
            if (input != null) {
                if (saved.shape().oneHot()) {
                    throw new UserError("a character model reads text: predict with --format text");
                }
                // every input column but the sequences (and future rows) and labels is kept, so predictions join
                // back to their rows
                List<String> dropped = new ArrayList<>(List.of(FrameColumns.FEATURES,
                        org.sparkrnn.driver.data.table.LongTableSource.FUTURE, "label", "labels"));
                dropped.retainAll(Arrays.asList(input.schema().fieldNames()));
                // the model's broadcast lives for the write
                try (ScopedPredictions predicted = FramePredictor.open(input, saved,
                        PredictionLayout.forModel(saved, levels), FrameColumns.FEATURES, options.path(),
                        InvalidRows.ERROR, kernel, Defaults.Values.CHUNK_SIZE)) {
                    // csv: a table's forecast one row per step, the column names first (others ignore it)
                    FlatForecasts.forFormat(predicted.rows().drop(dropped.toArray(new String[0])), writeFormat,
                            options.table()).write().format(writeFormat).option("header", true).save(output);
                    if (predicted.windowsOfUnknownSeries() > 0) {
                        System.out.println("warning: " + options.path() + ": " + predicted.windowsOfUnknownSeries()
                                + " window(s) of series the model has no scale for (no training row) were scaled"
                                + " each by its own values");
                    }
                }
                System.out.printf("wrote predictions for %s to %s (%s)%n", options.path(), output, outputFormat);
                return 0;
            }
            // sequences as read: the predictor applies the model's input transforms (and undoes them on outputs);
            // text windows are numbered in input order (0, 1, ...): the key of each prediction
            LoadedData loaded = loader.loadForModel(options.absolute(), options.path(),
                    new ReadContext(saved.shape(), saved.vocabulary(), null, false), false);
            SequencePredictions.write(sc, spark, loaded.train(), saved, kernel, writeFormat, output, levels);
            loaded.unpersist();
            System.out.printf("wrote predictions for %d sequences to %s (%s)%n", loaded.trainSequences(), output,
                    outputFormat);
            return 0;
        }));
    }
}
