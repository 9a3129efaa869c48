package org.sparkrnn.driver.cli;

import org.sparkrnn.driver.config.Aggregation;
import org.sparkrnn.driver.config.Choices;
import org.sparkrnn.driver.config.Defaults;
import org.sparkrnn.driver.config.LossSetting;
import org.sparkrnn.driver.config.SettingError;
import org.sparkrnn.driver.config.TrainingConfig;
import org.sparkrnn.driver.data.records.SplitSide;
import org.sparkrnn.driver.scoring.PerSeriesReport;
import org.sparkrnn.driver.train.StopRequest;
import org.sparkrnn.driver.model.ModelDirectory;
import org.sparkrnn.driver.train.Trainer;
import org.sparkrnn.kernel.Precision;
import org.sparkrnn.model.Activation;
import org.sparkrnn.model.CellType;
import org.sparkrnn.model.InitScheme;
import org.sparkrnn.model.Loss;
import org.sparkrnn.model.Pooling;
import org.sparkrnn.optim.LearningRateSchedule;
import org.sparkrnn.optim.OptimizerKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code lstm-spark train}: trains a model on a Spark cluster (or locally) and writes its model directory. */
@Command(name = "train", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Train a stacked LSTM/GRU/RNN with synchronous data-parallel SGD on Spark.")
public final class TrainCommand implements Callable<Integer> {

    @Mixin
    DataMixin data;

    @Option(names = "--cell", defaultValue = Defaults.CELL, paramLabel = "lstm|gru|rnn",
            description = "Recurrent cell of every layer. Default: ${DEFAULT-VALUE}.")
    String cell;

    @Option(names = "--hidden", defaultValue = Defaults.HIDDEN, paramLabel = "H1,H2,..",
            description = "Hidden size of each layer, bottom first, comma-separated. Default: ${DEFAULT-VALUE}.")
    String hidden;

    @Option(names = "--activation", defaultValue = Defaults.ACTIVATION, paramLabel = "tanh|identity",
            description = "rnn cells: activation. Default: ${DEFAULT-VALUE}.")
    String activation;

    @Option(names = "--bidirectional",
            description = "Every layer also runs over the sequence backwards (from each sequence's last step); the two"
                    + " outputs are concatenated, as PyTorch's bidirectional=True. Needs full BPTT.")
    boolean bidirectional;

    @Option(names = "--dropout", defaultValue = Defaults.DROPOUT, paramLabel = "P",
            description = "Dropout on the outputs of every layer but the top one while training (PyTorch's dropout=)."
                    + " Default: ${DEFAULT-VALUE}.")
    double dropout;

    @Option(names = "--pooling", defaultValue = Defaults.POOLING, paramLabel = "last|mean|max",
            description = "Many-to-one: the head reads the last state (bidirectional: both final states), the mean or"
                    + " the max over each sequence's steps. Default: ${DEFAULT-VALUE}.")
    String pooling;

    @Option(names = "--decoder-hidden", defaultValue = Defaults.DECODER_HIDDEN, paramLabel = "N",
            description = "Long tables: a forecast decoder of N units (MQ-RNN's local MLP), shared by every step of"
                    + " --horizon: it reads the encoder's last state and what is known of that step in advance"
                    + " (--known-columns, --static-columns and --calendar at the step's time) and gives the step's"
                    + " forecast (0: none; the head reads the state alone). Default: ${DEFAULT-VALUE}.")
    int decoderHidden;

    @Option(names = "--loss", defaultValue = Defaults.LOSS, paramLabel = "LOSS",
            description = "Loss: auto (mse for regression, cross-entropy for classification), mse, cross-entropy,"
                    + " sum-half-squared, quantile:LEVELS (pinball loss at the levels, e.g. quantile:0.1,0.5,0.9),"
                    + " gaussian, student-t or negative-binomial (negative log-likelihood; counts). Default:"
                    + " ${DEFAULT-VALUE}.")
    String loss;

    @Option(names = "--init-scheme", defaultValue = Defaults.INIT_SCHEME, paramLabel = "pytorch|xavier-orthogonal",
            description = "Weight initialisation. Default: ${DEFAULT-VALUE}.")
    String initScheme;

    @Option(names = "--forget-bias", defaultValue = Defaults.FORGET_BIAS, paramLabel = "B|keep",
            description = "LSTM forget-gate bias at start ('keep': the scheme's own draw). Default: ${DEFAULT-VALUE}.")
    String forgetBias;

    @Option(names = "--init", paramLabel = "FILE.safetensors",
            description = "Start from these weights (PyTorch names, e.g. written by --export or by PyTorch).")
    String init;

    @Option(names = "--optimizer", defaultValue = Defaults.OPTIMIZER, paramLabel = "sgd|adam|rmsprop|adagrad",
            description = "Update rule, as torch.optim. Default: ${DEFAULT-VALUE}.")
    String optimizer;

    @Option(names = "--lr", paramLabel = "RATE",
            description = "Learning rate (default: the optimizer's own, as torch.optim's).")
    Double lr;

    @Option(names = "--momentum", defaultValue = Defaults.MOMENTUM, paramLabel = "M",
            description = "sgd, rmsprop momentum. Default: ${DEFAULT-VALUE}.")
    double momentum;

    @Option(names = "--nesterov", description = "sgd: Nesterov momentum.")
    boolean nesterov;

    @Option(names = "--weight-decay", defaultValue = Defaults.WEIGHT_DECAY, paramLabel = "L2",
            description = "L2 penalty added to the gradient (torch's weight_decay). Default: ${DEFAULT-VALUE}.")
    double weightDecay;

    @Option(names = "--clip-norm", defaultValue = Defaults.CLIP_NORM, paramLabel = "N",
            description = "Clip the global gradient norm to N (0: off), as clip_grad_norm_. Default: ${DEFAULT-VALUE}.")
    double clipNorm;

    @Option(names = "--schedule", defaultValue = Defaults.SCHEDULE, paramLabel = "constant|step|exponential|cosine",
            description = "Learning-rate schedule per iteration. Default: ${DEFAULT-VALUE}.")
    String schedule;

    @Option(names = "--step-size", defaultValue = Defaults.STEP_SIZE, paramLabel = "N",
            description = "step schedule: iterations between decays. Default: ${DEFAULT-VALUE}.")
    int stepSize;

    @Option(names = "--gamma", defaultValue = Defaults.GAMMA, paramLabel = "G",
            description = "step, exponential schedules: decay factor. Default: ${DEFAULT-VALUE}.")
    double gamma;

    @Option(names = "--min-lr", defaultValue = Defaults.MIN_LR, paramLabel = "RATE",
            description = "cosine schedule: final rate. Default: ${DEFAULT-VALUE}.")
    double minLr;

    @Option(names = "--warmup", defaultValue = Defaults.WARMUP, paramLabel = "N",
            description = "Linear warm-up over the first N iterations. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--iterations", defaultValue = Defaults.ITERATIONS, paramLabel = "N",
            description = "Iterations to train (0: --epochs decides). Default: ${DEFAULT-VALUE}.")
    long iterations;

    @Option(names = "--epochs", defaultValue = Defaults.EPOCHS, paramLabel = "E",
            description = "Passes over the training data, when --iterations is 0. Default: ${DEFAULT-VALUE}.")
    double epochs;

    @Option(names = "--batch-size", defaultValue = Defaults.BATCH_SIZE, paramLabel = "N|all",
            description = "Sequences per iteration over the whole cluster, or all. Default: ${DEFAULT-VALUE}.")
    String batchSize;

    @Option(names = "--tbptt", defaultValue = Defaults.TBPTT, paramLabel = "K",
            description = "Truncated BPTT in chunks of K steps (0: full BPTT). Default: ${DEFAULT-VALUE}.")
    int tbptt;

    @Option(names = "--precision", defaultValue = Defaults.PRECISION, paramLabel = "float32|float64",
            description = "Compute precision on the executors. Default: ${DEFAULT-VALUE}.")
    String precision;

    @Option(names = "--aggregation", defaultValue = Defaults.AGGREGATION, paramLabel = "tree|sliced|tree-aggregate",
            description = "How gradients reach the driver: tree (merged in a tree of --aggregation-depth, in index"
                    + " order), sliced (reduce-scatter through a shuffle: the driver receives one gradient whatever the"
                    + " number of executors) or tree-aggregate (Spark's own treeAggregate for every sum: merged as"
                    + " tasks finish, so the last bits may vary run to run). Default: ${DEFAULT-VALUE}.")
    String aggregation;

    @Option(names = "--aggregation-depth", defaultValue = Defaults.AGGREGATION_DEPTH, paramLabel = "D",
            description = "Depth of the tree that merges sums (gradients with --aggregation tree or"
                    + " tree-aggregate, and every evaluation). Default: ${DEFAULT-VALUE}.")
    int aggregationDepth;

    @Option(names = "--seed", defaultValue = Defaults.SEED, paramLabel = "S",
            description = "Seed of initialisation, batch order and random splits. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--validate-every", defaultValue = Defaults.VALIDATE_EVERY, paramLabel = "N",
            description = "Validate every N iterations (0: once per epoch). Default: ${DEFAULT-VALUE}.")
    int validateEvery;

    @Option(names = "--patience", defaultValue = Defaults.PATIENCE, paramLabel = "N",
            description = "Stop after N validations without improvement (0: never). Default: ${DEFAULT-VALUE}.")
    int patience;

    @Option(names = "--log-every", defaultValue = Defaults.LOG_EVERY, paramLabel = "N",
            description = "Print a progress line every N iterations. Default: ${DEFAULT-VALUE}.")
    int logEvery;

    @Option(names = "--model-dir", defaultValue = Defaults.MODEL_DIR, paramLabel = "DIR",
            description = "Model directory (local or Hadoop URI). Default: ${DEFAULT-VALUE}.")
    String modelDir;

    @Option(names = "--checkpoint-every", defaultValue = Defaults.CHECKPOINT_EVERY, paramLabel = "N",
            description = "Write a checkpoint every N iterations (and at the end). Default: ${DEFAULT-VALUE}.")
    int checkpointEvery;

    @Option(names = "--keep-checkpoints", defaultValue = Defaults.KEEP_CHECKPOINTS, paramLabel = "K",
            description = "Checkpoints kept. Default: ${DEFAULT-VALUE}.")
    int keepCheckpoints;

    @Option(names = "--resume", description = "Continue the run in --model-dir from its newest valid checkpoint.")
    boolean resume;

    @Option(names = "--export", paramLabel = "FILE.safetensors",
            description = "Also write the kept weights here, with PyTorch names.")
    String export;

    @Option(names = "--baseline", paramLabel = "last|lag:N|unigram",
            description = "At the end, compare the kept model on the validation data with a simple forecast: the"
                    + " last value, the value N steps back (seasonal naive), or class frequencies.")
    String baseline;

    @Option(names = "--per-series", arity = "0..1", fallbackValue = "", paramLabel = "FILE.csv",
            description = "Long tables: at the end, the kept model's metrics on each series' validation windows"
                    + " (all windows without a hold-out), beside the --baseline's, worst first; with FILE.csv,"
                    + " every series' line is also written there.")
    String perSeries;

    @Mixin
    SparkMixin sparkOptions;

    @Override
    public Integer call() throws Exception {
        TrainingConfig config = toConfig();
        PerSeriesReport.Request perSeriesReport = PerSeriesReport.Request.of(perSeries);
        if (perSeriesReport != null && config.data().table() == null) {
            throw new SettingError("{--per-series} reads a long table: give --time-column and --target-column");
        }
        // what the files alone refuse, before Spark starts
        FileChecks checks = new FileChecks(sparkOptions);
        checks.dataExists(config.data());
        if (config.output().modelDir() != null) {
            Trainer.checkModelDirectory(config, new ModelDirectory(checks.files(), config.output().modelDir()));
        }
        // before Spark starts: a Ctrl-C while it starts or the data load stops the run before its first iteration
        StopRequest stop = new StopRequest();
        try (Interrupts ignored = Interrupts.install(stop, System.out, System.err)) {
            return SparkRun.with("lstm-spark train", sparkOptions, sc -> {
                Trainer.Result result = new Trainer(sc, config, System.out, stop).run();
                if (result.interrupted()) {
                    System.out.printf("continue with: %s train --model-dir %s --resume%n", Interrupts.launcher(),
                            config.output().modelDir() == null ? "DIR" : config.output().modelDir());
                    return Interrupts.EXIT_CODE;
                }
                if (perSeriesReport != null) {
                    EvaluateCommand.perSeries(sc, perSeriesReport, config.data(), config.output().modelDir(),
                            config.loop().precision(), config.output().baseline(),
                            config.data().validationFraction() > 0 || config.data().validateFrom() != null
                                    ? SplitSide.VALIDATION : SplitSide.ALL);
                }
                return 0;
            });
        }
    }

    /** The configuration a train command line describes (options as on the command line, no --conf). */
    public static TrainingConfig parse(String... args) {
        TrainCommand command = new TrainCommand();
        new picocli.CommandLine(command).setOverwrittenOptionsAllowed(true).parseArgs(args);
        return command.toConfig();
    }

    /**
     * The configuration of a run whose settings are {@code runSettings} (a model directory's config.properties, read
     * from {@code source}), with {@code args} given on top as on a command line: what a backtest's refit trains.
     */
    static TrainingConfig fromRun(String runSettings, String source, String... args) {
        TrainCommand command = new TrainCommand();
        picocli.CommandLine line = new picocli.CommandLine(command).setOverwrittenOptionsAllowed(true);
        ConfDefaults defaults = new ConfDefaults();
        defaults.addRun(runSettings, source);
        line.setDefaultValueProvider(defaults);
        line.parseArgs(args);
        return command.toConfig();
    }

    /** The options, typed once: each text becomes its number or enum here, the records check the rest. */
    TrainingConfig toConfig() {
        TrainingConfig.Model model = new TrainingConfig.Model(Choices.parse("cell", cell, CellType.class),
                OptionText.sizes("hidden", hidden), Choices.parse("activation", activation, Activation.class),
                LossSetting.parse(loss),
                Choices.parse("init-scheme", initScheme, InitScheme.class),
                OptionText.numberOrKeep("forget-bias", forgetBias), init, bidirectional, dropout,
                Choices.parse("pooling", pooling, Pooling.class), decoderHidden);
        TrainingConfig.Optim optim = new TrainingConfig.Optim(
                Choices.parse("optimizer", optimizer, OptimizerKind.class), lr, momentum, nesterov, weightDecay,
                clipNorm, Choices.parse("schedule", schedule, LearningRateSchedule.Kind.class), stepSize, gamma,
                minLr, warmup);
        TrainingConfig.Loop loop = new TrainingConfig.Loop(iterations, epochs,
                OptionText.countOrAll("batch-size", batchSize), tbptt,
                Choices.parse("precision", precision, Precision.class),
                Choices.parse("aggregation", aggregation, Aggregation.class), aggregationDepth, seed, validateEvery,
                patience, logEvery, checkpointEvery, keepCheckpoints);
        return new TrainingConfig(data.toOptions(seed), model, optim, loop,
                new TrainingConfig.Output(modelDir, resume, export, baseline), data.standardize());
    }
}
