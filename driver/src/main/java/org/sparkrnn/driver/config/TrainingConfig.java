package org.sparkrnn.driver.config;

import org.sparkrnn.evaluate.Baseline;
import org.sparkrnn.kernel.Precision;
import org.sparkrnn.model.Activation;
import org.sparkrnn.model.CellType;
import org.sparkrnn.model.InitOptions;
import org.sparkrnn.model.InitScheme;
import org.sparkrnn.model.Loss;
import org.sparkrnn.model.Pooling;
import org.sparkrnn.optim.LearningRateSchedule;
import org.sparkrnn.optim.OptimizerKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A training run, typed and fully resolved: what the command line's options and the Spark ML estimators' params
 * both translate into (each from its own surface; neither knows the other). Every part checks itself when built and
 * fails with a {@link SettingError} naming the settings involved; defaults live in {@link Defaults}.
 * {@link #settings()} is the same configuration as option name → text, which the model directory stores as
 * {@code config.properties}.
 */
public record TrainingConfig(DataOptions data, Model model, Optim optim, Loop loop, Output output,
                             boolean normalize) {

    public TrainingConfig {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(optim, "optim");
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(output, "output");
        if (data.task() == Task.REGRESSION && data.classes() != 0 && !data.format().equals("text")) {
            throw new SettingError("{--classes} counts class ids; these labels are numbers (give {--task}"
                    + " classification)");
        }
        if (loop.tbptt() > 0 && (model.bidirectional() || model.pooling() != Pooling.LAST)) {
            throw new SettingError("{--tbptt} cuts sequences into chunks, but " + (model.bidirectional()
                    ? "{--bidirectional}" : "{--pooling} " + model.pooling().cliName())
                    + " reads whole sequences; use one or the other");
        }
        TableLayout table = data.table();
        // a DataFrame of windows brings its future rows in a column (SequenceWindows' futureCol)
        boolean frame = data.format().equals(DataOptions.FRAME);
        if (model.decoderHidden() > 0 && !frame) {
            if (table == null) {
                throw new SettingError("{--decoder-hidden} forecasts each step of a long table's {--horizon} from"
                        + " what is known of it in advance: give {--target-column} (and {--id-column})");
            }
            if (!table.futureRows()) {
                data = data.withTable(table.withFutureRows(true));
            }
        } else if (table != null && !table.knownColumns().isEmpty()) {
            throw new SettingError("{--known-columns} are read at each step a window predicts, by the forecast"
                    + " decoder: give {--decoder-hidden}, e.g. 32");
        }
        if (model.loss() == org.sparkrnn.model.Loss.NEGATIVE_BINOMIAL) {
            // counts in the data's own units: only a scaling that divides by a positive scale keeps them counts
            // (a standardisation leaves its targets alone: countTargets)
            String shift = data.windowTransform().fromLast() ? "{--relative-to-last}"
                    : data.windowTransform().scaled() ? "{--normalize} window" : null;
            if (shift != null) {
                throw new SettingError("{--loss} negative-binomial models counts; " + shift + " moves them off"
                        + " the counts (use {--normalize} none, standard or series: series divides each series by"
                        + " its mean, as DeepAR scales counts)");
            }
            if (data.table() != null && !data.table().countTargets()) {
                data = data.withTable(data.table().withCountTargets(true));
            }
        }
    }

    /**
     * Whether the targets are counts (the negative binomial's): each one must be a number >= 0, and a
     * standardisation ({@code --normalize}) leaves them alone (they are divided by their series' mean at most).
     */
    public boolean countTargets() {
        return model.loss() == org.sparkrnn.model.Loss.NEGATIVE_BINOMIAL;
    }

    /** The forget-gate bias a run starts from unless told otherwise. */
    private static final Double DEFAULT_FORGET_BIAS = InitOptions.DEFAULT_FORGET_GATE_BIAS;

    /**
     * @param activation rnn layers' activation
     * @param loss       null: by task (mse for regression, cross-entropy for classification)
     * @param forgetBias LSTM forget-gate bias at start, null to keep the scheme's draw
     * @param initFile   safetensors weights to start from, or null
     * @param decoderHidden the forecast decoder's units ({@link org.sparkrnn.model.Decoder}), 0 for none
     */
    public record Model(CellType cell, List<Integer> hidden, Activation activation, Loss loss, InitScheme initScheme,
                        Double forgetBias, String initFile, boolean bidirectional, double dropout, Pooling pooling,
                        int decoderHidden, List<Double> quantiles) {

        /** Any loss but a quantile loss (no levels). */
        public Model(CellType cell, List<Integer> hidden, Activation activation, Loss loss, InitScheme initScheme,
                     Double forgetBias, String initFile, boolean bidirectional, double dropout, Pooling pooling,
                     int decoderHidden) {
            this(cell, hidden, activation, loss, initScheme, forgetBias, initFile, bidirectional, dropout, pooling,
                    decoderHidden, List.of());
        }

        /** With {@code --loss} as typed ({@link LossSetting}). */
        public Model(CellType cell, List<Integer> hidden, Activation activation, LossSetting loss,
                     InitScheme initScheme, Double forgetBias, String initFile, boolean bidirectional, double dropout,
                     Pooling pooling, int decoderHidden) {
            this(cell, hidden, activation, loss.loss(), initScheme, forgetBias, initFile, bidirectional, dropout,
                    pooling, decoderHidden, loss.quantiles());
        }

        /** Without a forecast decoder. */
        public Model(CellType cell, List<Integer> hidden, Activation activation, Loss loss, InitScheme initScheme,
                     Double forgetBias, String initFile, boolean bidirectional, double dropout, Pooling pooling) {
            this(cell, hidden, activation, loss, initScheme, forgetBias, initFile, bidirectional, dropout, pooling,
                    0);
        }

        public Model {
            Bound.check("decoder-hidden", decoderHidden);
            quantiles = quantiles == null ? List.of() : List.copyOf(quantiles);
            if ((loss == Loss.QUANTILE) != !quantiles.isEmpty()) {
                throw new SettingError("{--loss} quantile needs its levels, e.g. quantile:0.1,0.5,0.9");
            }
            Objects.requireNonNull(cell, "cell");
            Objects.requireNonNull(activation, "activation");
            Objects.requireNonNull(initScheme, "initScheme");
            Objects.requireNonNull(pooling, "pooling");
            checkHidden(hidden);
            hidden = List.copyOf(hidden);
            Bound.check("dropout", dropout);
            if (forgetBias != null && !Double.isFinite(forgetBias)) {
                throw new SettingError("{--forget-bias} must be a finite number or 'keep', got " + forgetBias);
            }
            // settings that only some networks read: given for another, they would change nothing
            if (activation != Activation.TANH && cell != CellType.RNN) {
                throw new SettingError("{--activation} applies to rnn cells, not {--cell} " + cell.cliName());
            }
            if (cell != CellType.LSTM && !java.util.Objects.equals(forgetBias, DEFAULT_FORGET_BIAS)) {
                throw new SettingError("{--forget-bias} applies to lstm cells, not {--cell} " + cell.cliName());
            }
            if (dropout > 0 && hidden.size() == 1) {
                throw new SettingError("{--dropout} acts between stacked layers; with one layer it changes nothing"
                        + " (give {--hidden} two or more sizes)");
            }
        }

        /** The hidden sizes alone: one or more, each at least 1. */
        public static void checkHidden(List<Integer> hidden) {
            if (hidden == null || hidden.isEmpty() || hidden.stream().anyMatch(h -> h == null || h < 1)) {
                throw new SettingError("{--hidden} needs one size >= 1 per layer, e.g. {--hidden} 64 or {--hidden}"
                        + " 64,64; got " + hidden);
            }
        }
    }

    /** @param learningRate null for the optimizer's own default ({@link OptimizerKind#defaultLearningRate}) */
    public record Optim(OptimizerKind optimizer, Double learningRate, double momentum, boolean nesterov,
                        double weightDecay, double clipNorm, LearningRateSchedule.Kind schedule, int stepSize,
                        double gamma, double minLr, int warmup) {
        public Optim {
            Objects.requireNonNull(optimizer, "optimizer");
            Objects.requireNonNull(schedule, "schedule");
            if (learningRate != null) {
                Bound.check("lr", learningRate);
            }
            Bound.check("momentum", momentum);
            Bound.check("weight-decay", weightDecay);
            Bound.check("clip-norm", clipNorm);
            Bound.check("step-size", stepSize);
            Bound.check("gamma", gamma);
            Bound.check("min-lr", minLr);
            Bound.check("warmup", warmup);
            if (nesterov && momentum == 0) {
                throw new SettingError("{--nesterov} needs a {--momentum} > 0");
            }
            if (momentum > 0 && optimizer != OptimizerKind.SGD && optimizer != OptimizerKind.RMSPROP) {
                throw new SettingError("{--momentum} applies to sgd and rmsprop, not {--optimizer} "
                        + optimizer.cliName());
            }
            if (nesterov && optimizer != OptimizerKind.SGD) {
                throw new SettingError("{--nesterov} applies to sgd, not {--optimizer} " + optimizer.cliName());
            }
            boolean decays = schedule == LearningRateSchedule.Kind.STEP
                    || schedule == LearningRateSchedule.Kind.EXPONENTIAL;
            if (!decays && gamma != Defaults.Values.GAMMA) {
                throw new SettingError("{--gamma} applies to the step and exponential schedules, not {--schedule} "
                        + schedule.cliName());
            }
            if (schedule != LearningRateSchedule.Kind.STEP && stepSize != Defaults.Values.STEP_SIZE) {
                throw new SettingError("{--step-size} applies to the step schedule, not {--schedule} "
                        + schedule.cliName());
            }
            if (schedule != LearningRateSchedule.Kind.COSINE && minLr != Defaults.Values.MIN_LR) {
                throw new SettingError("{--min-lr} applies to the cosine schedule, not {--schedule} "
                        + schedule.cliName());
            }
        }

        /** The rate the schedule starts from: the given one, or the optimizer's own default. */
        public double baseRate() {
            return learningRate != null ? learningRate : optimizer.defaultLearningRate();
        }
    }

    /**
     * @param iterations      total iterations (0: from epochs)
     * @param batchSize       sequences per iteration over the cluster, 0 = all
     * @param validateEvery   iterations between validations, 0 = once per epoch
     * @param patience        validations without improvement before stopping, 0 = never stop early
     * @param checkpointEvery iterations between checkpoints, 0 = only at the end
     */
    public record Loop(long iterations, double epochs, int batchSize, int tbptt, Precision precision,
                       Aggregation aggregation, int aggregationDepth, long seed, int validateEvery, int patience, int logEvery,
                       int checkpointEvery, int keepCheckpoints) {
        public Loop {
            Objects.requireNonNull(precision, "precision");
            Objects.requireNonNull(aggregation, "aggregation");
            Bound.check("iterations", iterations);
            Bound.check("epochs", epochs);
            Bound.check("batch-size", batchSize);
            Bound.check("tbptt", tbptt);
            Bound.check("aggregation-depth", aggregationDepth);
            Bound.check("validate-every", validateEvery);
            Bound.check("patience", patience);
            Bound.check("log-every", logEvery);
            Bound.check("checkpoint-every", checkpointEvery);
            Bound.check("keep-checkpoints", keepCheckpoints);
        }
    }

    /**
     * @param modelDir null: write nothing (the Spark ML estimators without a model directory)
     * @param baseline a forecast to compare the kept model with on the validation data at the end (see
     *                 {@link Baseline}), or null
     */
    public record Output(String modelDir, boolean resume, String export, String baseline) {
        public Output {
            if (baseline != null) {
                try {
                    Baseline.parse(baseline);
                } catch (IllegalArgumentException e) {
                    throw new SettingError("{--baseline}: " + e.getMessage());
                }
            }
        }

        /** Nothing written: the Spark ML estimators without a model directory. */
        public static Output none() {
            return new Output(null, false, null, null);
        }
    }

    /**
     * This configuration with the paths it reads (data, validation data, initial weights) passed through
     * {@code qualify}: what a run stores, so that {@code --resume} from another directory reads the same files.
     */
    public TrainingConfig withInputPaths(java.util.function.UnaryOperator<String> qualify) {
        DataOptions d = data;
        java.util.function.UnaryOperator<String> files = d.readsFiles() ? qualify : path -> path;
        DataOptions paths = d.withPaths(files.apply(d.path()), files.apply(d.validationPath()));
        Model m = model;
        Model init = new Model(m.cell(), m.hidden(), m.activation(), m.loss(), m.initScheme(), m.forgetBias(),
                qualify.apply(m.initFile()), m.bidirectional(), m.dropout(), m.pooling(), m.decoderHidden(),
                m.quantiles());
        return new TrainingConfig(paths, init, optim, loop, output, normalize);
    }

    /** This configuration with another output (e.g. none: modelDir null). */
    public TrainingConfig withOutput(Output other) {
        return new TrainingConfig(data, model, optim, loop, other, normalize);
    }

    /** This configuration as option name → text: the keys and spelling of the command line's options. */
    public Map<String, String> settings() {
        Settings s = new Settings();
        data.addSettings(s);
        s.put("normalize", (!normalize ? Normalization.NONE : data.windowTransform().scaled() ? Normalization.WINDOW
                : data.table() != null && data.table().seriesScaled() ? Normalization.SERIES
                : Normalization.STANDARD).cliName());
        s.put("cell", model.cell().cliName());
        s.put("hidden", String.join(",", model.hidden().stream().map(String::valueOf).toList()));
        s.put("activation", model.activation().cliName());
        s.put("bidirectional", model.bidirectional());
        s.put("dropout", model.dropout());
        s.put("pooling", model.pooling().cliName());
        s.put("decoder-hidden", model.decoderHidden() == 0 ? null : model.decoderHidden());
        s.put("loss", new LossSetting(model.loss(), model.quantiles()).text());
        s.put("init-scheme", model.initScheme().cliName());
        s.put("forget-bias", model.forgetBias() == null ? "keep" : model.forgetBias());
        s.put("init", model.initFile());
        s.put("optimizer", optim.optimizer().cliName());
        s.put("lr", optim.learningRate());
        s.put("momentum", optim.momentum());
        s.put("nesterov", optim.nesterov());
        s.put("weight-decay", optim.weightDecay());
        s.put("clip-norm", optim.clipNorm());
        s.put("schedule", optim.schedule().cliName());
        s.put("step-size", optim.stepSize());
        s.put("gamma", optim.gamma());
        s.put("min-lr", optim.minLr());
        s.put("warmup", optim.warmup());
        s.put("iterations", loop.iterations());
        s.put("epochs", loop.epochs());
        s.put("batch-size", loop.batchSize() == 0 ? "all" : loop.batchSize());
        s.put("tbptt", loop.tbptt());
        s.put("precision", loop.precision().cliName());
        s.put("aggregation", loop.aggregation().cliName());
        s.put("aggregation-depth", loop.aggregationDepth());
        s.put("seed", loop.seed());
        s.put("validate-every", loop.validateEvery());
        s.put("patience", loop.patience());
        s.put("log-every", loop.logEvery());
        s.put("checkpoint-every", loop.checkpointEvery());
        s.put("keep-checkpoints", loop.keepCheckpoints());
        s.put("model-dir", output.modelDir());
        s.put("resume", output.resume());
        s.put("export", output.export());
        s.put("baseline", output.baseline());
        return s.asMap();
    }

    /**
     * Settings that do not change the trajectory: a resumed run may differ in these (so a run can be extended).
     * The length of the run is the exception under the cosine schedule, whose rates depend on it.
     */
    public static final List<String> NOT_TRAJECTORY = List.of("iterations", "epochs", "master", "checkpoint-every",
            "keep-checkpoints", "log-every", "resume", "export", "verbose", "conf", "validate-every", "patience",
            "baseline", "model-dir");

    private boolean ignoredOnResume(String key) {
        boolean runLength = key.equals("iterations") || key.equals("epochs");
        return NOT_TRAJECTORY.contains(key) && !(runLength && optim.schedule() == LearningRateSchedule.Kind.COSINE);
    }

    /**
     * Differences between this run's settings and those a checkpoint was written with, ignoring
     * {@link #NOT_TRAJECTORY}; empty when a resume continues the same trajectory.
     */
    public List<String> trajectoryDifferences(Map<String, String> saved) {
        Map<String, String> mine = settings();
        List<String> differences = new ArrayList<>();
        Set<String> keys = new TreeSet<>(mine.keySet());
        keys.addAll(saved.keySet());
        for (String key : keys) {
            if (ignoredOnResume(key)) {
                continue;
            }
            String a = saved.get(key);
            String b = mine.get(key);
            if (!Objects.equals(a, b)) {
                differences.add("--" + key + " was " + a + ", now " + b);
            }
        }
        return differences;
    }

    /** A 64-bit digest of the trajectory-relevant settings, stored in checkpoints. */
    public long fingerprint() {
        long hash = 0xcbf29ce484222325L;
        for (Map.Entry<String, String> e : new TreeMap<>(settings()).entrySet()) {
            if (ignoredOnResume(e.getKey())) {
                continue;
            }
            String text = e.getKey() + '=' + e.getValue() + ';';
            for (int i = 0; i < text.length(); i++) {
                hash = (hash ^ text.charAt(i)) * 0x100000001b3L;
            }
        }
        return hash;
    }
}
