package org.sparkrnn.driver.cli;

import org.sparkrnn.driver.Reporter;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.config.Choices;
import org.sparkrnn.driver.config.DataOptions;
import org.sparkrnn.driver.config.Defaults;
import org.sparkrnn.driver.config.SettingError;
import org.sparkrnn.driver.config.Split;
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
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code lstm-spark evaluate}: metrics of a trained model on labelled data, by default on the training and the
 * validation side of the run's own split, each reported; the options the model fixes are refused when they differ.
 */
@Command(name = "evaluate", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Print loss, RMSE/MAE (regression) or accuracy/perplexity (classification) of a model on data.")
public final class EvaluateCommand implements Callable<Integer> {

    @Mixin
    ModelMixin model;

    @Mixin
    DataMixin data;

    @Option(names = "--seed", defaultValue = Defaults.SEED, paramLabel = "S",
            description = "Seed of a random hold-out (--validation-fraction with --split random). Default: the run's.")
    long seed;

    @Mixin
    SparkMixin sparkOptions;

    @Option(names = "--part", defaultValue = "both", paramLabel = "both|training|validation|all",
            description = "Which sequences: the run's training and validation sides, each reported (both), one of"
                    + " them, or all of them together. The split is the run's (its --validation-fraction, --split,"
                    + " --validate-from or --validation), unless given here. Default: ${DEFAULT-VALUE}.")
    String part;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        picocli.CommandLine.ParseResult given = spec.commandLine().getParseResult();
        data.splitGivenReplacesTheRuns(given);
        DataOptions options = data.toOptions(seed);
        if (given.hasMatchedOption("--seed") && (options.validationFraction() == 0 || options.split() == Split.TAIL)) {
            throw new SettingError("{--seed} chooses a random hold-out (--validation-fraction with --split random);"
                    + " there is none here");
        }
        Precision precision = parsePrecision(model.precision);
        if (!List.of("both", "training", "validation", "all").contains(part)) {
            throw new SettingError("unknown {part} '" + part + "', expected one of both, training, validation, all");
        }
        return Main.withSpark("lstm-spark evaluate", sparkOptions, sc -> {
            ModelDirectory dir = new ModelDirectory(new FileStore(sc.hadoopConfiguration()), model.modelDir);
            SavedModel saved = dir.readModel();
            ModelFixedOptions.check(spec, data, saved);
            DistributedSums sums = new DistributedSums(sc, Integer.parseInt(Defaults.AGGREGATION_DEPTH));
            DatasetLoader loader = new DatasetLoader(sc, sums, Reporter.to(System.out));
            DatasetLoader.Context context = new DatasetLoader.Context(saved.shape(), saved.vocabulary(),
                    saved.standardization(), false);
            Scorer scorer = new Scorer(sums, saved, new KernelSettings(precision, 0),
                    dir.path(ModelDirectory.MODEL) + " on " + options.path());
            if (part.equals("all")) {
                LoadedData loaded = loader.loadForModel(options, options.path(), context, true);
                scorer.report("all", loaded.train(), loaded.trainSequences());
                return 0;
            }
            LoadedData loaded = loader.loadForEvaluation(options, context);
            if (loaded.validation() == null && !part.equals("training")) {
                if (part.equals("validation")) {
                    throw new UserError("--part validation: the run held nothing out and no split is given"
                            + " (--validation, --validation-fraction or --validate-from)");
                }
                scorer.report("all (the run held nothing out)", loaded.train(), loaded.trainSequences());
                return 0;
            }
            if (!part.equals("validation")) {
                scorer.report("training", loaded.train(), loaded.trainSequences());
            }
            if (!part.equals("training")) {
                scorer.report("validation", loaded.validation(), loaded.validationSequences());
            }
            return 0;
        });
    }

    /** Scores a side of the data and prints its line. */
    private record Scorer(DistributedSums sums, SavedModel saved, KernelSettings kernel, String what) {
        void report(String side, org.apache.spark.api.java.JavaRDD<org.sparkrnn.data.SequenceBlock> data,
                    long sequences) {
            if (sequences == 0) {
                System.out.printf("%s, %s: no sequence%n", what, side);
                return;
            }
            EvaluationSums result = sums.evaluate(data, new ModelWeights(saved.spec(), saved.params()), kernel,
                    saved.standardization() == null ? null : saved.standardization().targetStd(),
                    "evaluate: " + side);
            Metrics metrics = Metrics.of(result, saved.spec().loss());
            System.out.printf("%s, %s (%d sequences, %d labelled steps, %d partitions, %s): %s%n", what, side,
                    sequences, metrics.labelledSteps(), data.getNumPartitions(), kernel.precision().cliName(),
                    metrics.describe());
        }
    }

    static Precision parsePrecision(String name) {
        return Choices.parse("precision", name, Precision.class);
    }
}
