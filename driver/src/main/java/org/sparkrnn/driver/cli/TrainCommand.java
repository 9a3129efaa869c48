package org.sparkrnn.driver.cli;

import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.train.Trainer;
import org.sparkrnn.driver.train.TrainingConfig;
import org.sparkrnn.kernel.Precision;
import org.sparkrnn.model.Loss;
import org.sparkrnn.optim.LearningRateSchedule;
import org.sparkrnn.optim.OptimizerKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code lstm-spark train}: trains a model on a Spark cluster (or locally) and writes its model directory. */
@Command(name = "train", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Train a stacked LSTM/GRU/RNN with synchronous data-parallel SGD on Spark.")
public final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DataMixin data;

    @Option(names = "--cell", defaultValue = Defaults.CELL, paramLabel = "lstm|gru|rnn",
            description = "Recurrent cell of every layer. Default: ${DEFAULT-VALUE}.")
    String cell;

    @Option(names = "--hidden", defaultValue = Defaults.HIDDEN, split = ",", paramLabel = "H1,H2,..",
            description = "Hidden size of each layer, bottom first. Default: ${DEFAULT-VALUE}.")
    List<Integer> hidden;

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

    @Option(names = "--loss", defaultValue = Defaults.LOSS, paramLabel = "mse|cross-entropy|sum-half-squared",
            description = "Loss (auto: mse for regression, cross-entropy for classification). Default: ${DEFAULT-VALUE}.")
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
            description = "Learning rate (default: torch's for the optimizer: sgd/adam 1e-3, rmsprop/adagrad 1e-2).")
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

    @Option(names = "--aggregation-depth", defaultValue = Defaults.AGGREGATION_DEPTH, paramLabel = "D",
            description = "treeAggregate depth. Default: ${DEFAULT-VALUE}.")
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

    @Mixin
    SparkMixin sparkOptions;

    @Override
    public Integer call() throws Exception {
        TrainingConfig config = toConfig();
        return Main.withSpark("lstm-spark train", sparkOptions, sc -> {
            new Trainer(sc, config, System.out).run();
            return 0;
        });
    }

    /** The configuration a train command line describes (options as on the command line, no --conf). */
    public static TrainingConfig parse(String... args) {
        TrainCommand command = new TrainCommand();
        new picocli.CommandLine(command).setOverwrittenOptionsAllowed(true).parseArgs(args);
        return command.toConfig();
    }

    TrainingConfig toConfig() {
        int batch;
        if (batchSize.equals("all")) {
            batch = 0;
        } else {
            try {
                batch = Integer.parseInt(batchSize);
            } catch (NumberFormatException e) {
                throw new UserError("--batch-size must be a number or 'all', got '" + batchSize + "'");
            }
            if (batch < 1) {
                throw new UserError("--batch-size must be at least 1 (or all), got " + batch);
            }
        }
        Precision p = named(() -> Precision.fromCliName(precision));
        requirePositive("--log-every", logEvery);
        requirePositive("--keep-checkpoints", keepCheckpoints);
        requirePositive("--aggregation-depth", aggregationDepth);
        if (tbptt < 0 || iterations < 0 || epochs <= 0 || checkpointEvery < 0 || validateEvery < 0 || patience < 0) {
            throw new UserError("--tbptt, --iterations, --checkpoint-every, --validate-every and --patience must be"
                    + " >= 0 and --epochs > 0");
        }
        if (lr != null && !(lr > 0)) {
            throw new UserError("--lr must be > 0, got " + lr);
        }
        requireOneOf("--cell", cell, "lstm", "gru", "rnn");
        named(() -> org.sparkrnn.model.Pooling.fromCliName(pooling));
        if (!(dropout >= 0 && dropout < 1)) {
            throw new UserError("--dropout must be in [0, 1), got " + dropout);
        }
        if (tbptt > 0 && (bidirectional || !pooling.equals("last"))) {
            throw new UserError("--tbptt cuts sequences into chunks, but " + (bidirectional ? "--bidirectional"
                    : "--pooling " + pooling) + " reads whole sequences; use one or the other");
        }
        requireOneOf("--activation", activation, "tanh", "identity");
        if (!loss.equals("auto")) {
            named(() -> Loss.fromCliName(loss));
        }
        requireOneOf("--init-scheme", initScheme, "pytorch", "xavier-orthogonal");
        named(() -> OptimizerKind.fromCliName(optimizer));
        named(() -> LearningRateSchedule.Kind.fromCliName(schedule));
        if (hidden.isEmpty() || hidden.stream().anyMatch(h -> h < 1)) {
            throw new UserError("--hidden needs one size >= 1 per layer, e.g. --hidden 64 or --hidden 64,64; got "
                    + hidden);
        }
        if (clipNorm < 0 || weightDecay < 0 || momentum < 0 || warmup < 0) {
            throw new UserError("--clip-norm, --weight-decay, --momentum and --warmup must be >= 0");
        }
        if (nesterov && momentum == 0) {
            throw new UserError("--nesterov needs a --momentum > 0");
        }
        if (baseline != null) {
            named(() -> org.sparkrnn.evaluate.Baseline.parse(baseline));
        }
        Double forget;
        if (forgetBias.equals("keep")) {
            forget = null;
        } else {
            try {
                forget = Double.parseDouble(forgetBias);
            } catch (NumberFormatException e) {
                throw new UserError("--forget-bias must be a number or 'keep', got '" + forgetBias + "'");
            }
        }
        return new TrainingConfig(data.toOptions(seed),
                new TrainingConfig.Model(cell, hidden, activation, loss, initScheme, forget, init, bidirectional,
                        dropout, pooling),
                new TrainingConfig.Optim(optimizer, lr, momentum, nesterov, weightDecay, clipNorm, schedule, stepSize,
                        gamma, minLr, warmup),
                new TrainingConfig.Loop(iterations, epochs, batch, tbptt, p, aggregationDepth, seed, validateEvery,
                        patience, logEvery, checkpointEvery, keepCheckpoints),
                new TrainingConfig.Output(modelDir, resume, export, baseline), data.standardize(), settings(spec));
    }

    /** A user-facing enum name, parsed where its names are defined; an unknown one is a user error. */
    private static <E> E named(java.util.function.Supplier<E> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }

    private static void requireOneOf(String name, String value, String... allowed) {
        if (!List.of(allowed).contains(value)) {
            throw new UserError("unknown " + name + " '" + value + "', expected " + String.join(", ", allowed));
        }
    }

    private static void requirePositive(String name, int value) {
        if (value < 1) {
            throw new UserError(name + " must be at least 1, got " + value);
        }
    }

    /** Every option's effective value, by option name without dashes. */
    static Map<String, String> settings(CommandSpec spec) {
        Map<String, String> settings = new TreeMap<>();
        for (OptionSpec option : spec.options()) {
            String name = option.longestName().replaceFirst("^-+", "");
            if (option.usageHelp() || option.versionHelp() || name.equals("conf") || name.equals("spark")) {
                continue;
            }
            Object value = option.getValue();
            if (value == null) {
                continue;
            }
            settings.put(name, value instanceof List<?> list
                    ? String.join(",", list.stream().map(String::valueOf).toList()) : String.valueOf(value));
        }
        return settings;
    }
}
