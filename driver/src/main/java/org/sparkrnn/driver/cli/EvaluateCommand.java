package org.sparkrnn.driver.cli;

import org.sparkrnn.driver.Reporter;
import org.sparkrnn.driver.config.Choices;
import org.sparkrnn.driver.config.DataOptions;
import org.sparkrnn.driver.config.Defaults;
import org.sparkrnn.driver.data.DatasetLoader;
import org.sparkrnn.driver.data.LoadedData;
import org.sparkrnn.driver.exec.DistributedSums;
import org.sparkrnn.driver.exec.KernelSettings;
import org.sparkrnn.driver.model.FileStore;
import org.sparkrnn.driver.model.ModelDirectory;
import org.sparkrnn.driver.model.SavedModel;
import org.sparkrnn.evaluate.EvaluationSums;
import org.sparkrnn.evaluate.Metrics;
import org.sparkrnn.kernel.Precision;
import org.sparkrnn.model.ModelWeights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** {@code lstm-spark evaluate}: metrics of a trained model on labelled data. */
@Command(name = "evaluate", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Print loss, RMSE/MAE (regression) or accuracy/perplexity (classification) of a model on data.")
public final class EvaluateCommand implements Callable<Integer> {

    @Mixin
    ModelMixin model;

    @Mixin
    DataMixin data;

    @Mixin
    SparkMixin sparkOptions;

    @Override
    public Integer call() throws Exception {
        DataOptions options = data.toOptions(model.seed);
        Precision precision = parsePrecision(model.precision);
        return Main.withSpark("lstm-spark evaluate", sparkOptions, sc -> {
            ModelDirectory dir = new ModelDirectory(new FileStore(sc.hadoopConfiguration()), model.modelDir);
            SavedModel saved = dir.readModel();
            DistributedSums sums = new DistributedSums(sc, Integer.parseInt(Defaults.AGGREGATION_DEPTH));
            DatasetLoader loader = new DatasetLoader(sc, sums, Reporter.to(System.out));
            LoadedData loaded = loader.loadForModel(options, options.path(),
                    new DatasetLoader.Context(saved.shape(), saved.vocabulary(), saved.standardization(), false), true);
            EvaluationSums result = sums.evaluate(loaded.train(), new ModelWeights(saved.spec(), saved.params()),
                    new KernelSettings(precision, 0),
                    saved.standardization() == null ? null : saved.standardization().targetStd(), "evaluate");
            Metrics metrics = Metrics.of(result, saved.spec().loss());
            System.out.printf("%s on %s (%d sequences, %d labelled steps): %s%n", dir.path(ModelDirectory.MODEL),
                    options.path(), loaded.trainSequences(), metrics.labelledSteps(), metrics.describe());
            return 0;
        });
    }

    static Precision parsePrecision(String name) {
        return Choices.parse("precision", name, Precision.class);
    }
}
