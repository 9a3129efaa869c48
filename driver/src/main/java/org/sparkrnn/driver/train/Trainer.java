package org.sparkrnn.driver.train;

import org.apache.spark.api.java.JavaSparkContext;
import org.sparkrnn.aggregate.GradientAccumulator;
import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.data.DataOptions;
import org.sparkrnn.driver.data.DatasetLoader;
import org.sparkrnn.driver.data.LoadedData;
import org.sparkrnn.driver.data.RecordShape;
import org.sparkrnn.driver.model.CheckpointStore;
import org.sparkrnn.driver.model.FileStore;
import org.sparkrnn.driver.model.ModelDirectory;
import org.sparkrnn.driver.model.ModelFile;
import org.sparkrnn.driver.model.SafeTensors;
import org.sparkrnn.driver.model.SavedModel;
import org.sparkrnn.driver.model.TrainingState;
import org.sparkrnn.evaluate.Baseline;
import org.sparkrnn.evaluate.EvaluationSums;
import org.sparkrnn.evaluate.Metrics;
import org.sparkrnn.model.Activation;
import org.sparkrnn.model.InitOptions;
import org.sparkrnn.model.InitScheme;
import org.sparkrnn.model.Initializer;
import org.sparkrnn.model.LayerSpec;
import org.sparkrnn.model.Loss;
import org.sparkrnn.model.ModelWeights;
import org.sparkrnn.model.NetworkSpec;
import org.sparkrnn.model.ParameterLayout;
import org.sparkrnn.model.Pooling;
import org.sparkrnn.optim.GradientClipping;
import org.sparkrnn.optim.LearningRateSchedule;
import org.sparkrnn.optim.Optimizer;
import org.sparkrnn.optim.OptimizerKind;
import org.sparkrnn.optim.OptimizerSettings;
import org.sparkrnn.optim.OptimizerState;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The training loop on the driver. Each iteration: the executors compute loss and gradient sums over this
 * iteration's batch ({@link DistributedSums}); the driver forms the mean, checks it is finite, clips it, applies the
 * optimizer and reports progress; every so often it validates, keeps the best parameters and writes a checkpoint.
 * Everything it decides is a pure function of the configuration, the data and the iteration number, which is what
 * makes a resumed run end where an uninterrupted one does.
 */
public final class Trainer {

    private final JavaSparkContext sc;
    private final TrainingConfig config;
    private final PrintStream out;
    private final FileStore files;

    public Trainer(JavaSparkContext sc, TrainingConfig config, PrintStream out) {
        this.sc = sc;
        this.config = config;
        this.out = out;
        this.files = new FileStore(sc.hadoopConfiguration());
    }

    /** What a finished run produced. */
    public record Result(NetworkSpec spec, double[] finalParams, double[] keptParams, long iterations,
                         Metrics lastValidation, MetricsHistory history, LoadedData data, SavedModel model,
                         Comparison baseline) {
    }

    /** Where a run's data come from: the data options' files (the CLI), or a DataFrame (the Spark ML API). */
    @FunctionalInterface
    public interface DataSource {
        LoadedData load(DatasetLoader loader, DataOptions options);
    }

    /** Trains on the files the configuration names. */
    public Result run() throws IOException {
        return run((loader, options) -> loader.loadForTraining(options,
                DatasetLoader.Context.fresh(config.normalize())));
    }

    /**
     * Trains on what {@code source} loads. Without a model directory ({@code config.output().modelDir()} null)
     * nothing is written: no checkpoints, metrics or model files, only the returned result.
     */
    public Result run(DataSource source) throws IOException {
        TrainingConfig.Loop loop = config.loop();
        ModelDirectory dir = config.output().modelDir() == null ? null
                : new ModelDirectory(files, config.output().modelDir());
        if (dir != null) {
            checkModelDirectory(dir);
        }

        DistributedSums sums = new DistributedSums(sc, loop.aggregationDepth());
        out.println("loading " + config.data().format() + " data from " + config.data().path());
        DatasetLoader loader = new DatasetLoader(sc, sums);
        long loadStart = System.nanoTime();
        LoadedData data = source.load(loader, dir == null ? config.data()
                : config.data().withRejectsPath(dir.path("rejects")));
        NetworkSpec spec = buildSpec(data.shape());
        Baseline baseline = config.output().baseline() == null ? null : checkedBaseline(data);
        ParameterLayout layout = new ParameterLayout(spec);
        out.printf(Locale.ROOT, "data: %d training sequences (%d steps, %d labelled), %d validation, loaded in %.1f s;"
                        + " model %s, %d parameters%n", data.trainSequences(), data.trainStatistics().steps(),
                data.trainStatistics().labelledSteps(), data.validationSequences(),
                (System.nanoTime() - loadStart) / 1e9, spec.describe(), layout.size());

        Optimizer optimizer = new Optimizer(optimizerSettings());
        BatchSchedule schedule = new BatchSchedule(data.trainSequences(), loop.batchSize(), loop.seed());
        long total = loop.iterations() > 0 ? loop.iterations()
                : Math.max(1, (long) Math.ceil(loop.epochs() * schedule.iterationsPerEpoch()));
        LearningRateSchedule rates = learningRates(total);
        long validateEvery = loop.validateEvery() > 0 ? loop.validateEvery() : schedule.iterationsPerEpoch();
        KernelSettings kernel = new KernelSettings(loop.precision(), loop.tbptt());
        double[] targetScale = data.standardization() == null ? null : data.standardization().targetStd();
        CheckpointStore checkpoints = dir == null ? null : dir.checkpoints(loop.keepCheckpoints());

        TrainingState state = startingState(dir, checkpoints, spec, layout, optimizer);
        MetricsHistory history = new MetricsHistory();
        if (dir != null && config.output().resume()) {
            String csv = dir.readText(ModelDirectory.METRICS);
            if (csv != null) {
                history = MetricsHistory.fromCsv(csv);
            }
            history.keepFirst(state.iteration());
        } else if (dir != null) {
            dir.writeConfig(config.settings());
        }
        out.printf(Locale.ROOT, "training: %d iterations (%d per epoch, batch %s), optimizer %s, precision %s%n",
                total, schedule.iterationsPerEpoch(), schedule.fullBatch() ? "all" : loop.batchSize(),
                optimizer.settings().kind().cliName(), loop.precision().cliName());

        double[] params = state.params();
        OptimizerState optimizerState = state.optimizer();
        double bestObjective = state.bestObjective();
        long bestIteration = state.bestIteration();
        double[] bestParams = state.bestParams();
        int sinceBest = state.evaluationsSinceBest();
        long lastCheckpoint = state.iteration();
        Metrics lastValidation = null;
        long started = System.nanoTime();
        long intervalStart = started;
        long intervalSequences = 0;
        long iteration = state.iteration();
        boolean stoppedEarly = false;
        while (iteration < total && !stoppedEarly) {
            long epoch = schedule.epochOf(iteration);
            double lr = rates.rateAt(iteration);
            GradientAccumulator batch = sums.gradient(data.train(), new ModelWeights(spec, params.clone()), kernel,
                    schedule, iteration, "iteration " + (iteration + 1) + " (epoch " + (epoch + 1) + "): gradient");
            intervalSequences += batch.sequences();
            double loss = Double.NaN;
            double norm = 0;
            if (batch.count() > 0) {
                loss = batch.objective(spec.loss());
                double[] grad = batch.objectiveGradient(spec.loss());
                checkFinite(loss, grad, layout, iteration, lastCheckpoint, "gradient");
                norm = config.optim().clipNorm() > 0 ? GradientClipping.clipInPlace(grad, config.optim().clipNorm())
                        : GradientClipping.globalNorm(grad);
                optimizer.stepInPlace(params, grad, optimizerState, lr);
                checkFinite(0, params, layout, iteration, lastCheckpoint, "updated parameters");
            }
            iteration++;

            Map<String, Double> validationRow = Map.of();
            boolean scheduled = iteration % validateEvery == 0;
            if (data.validation() != null && (scheduled || iteration == total)) {
                EvaluationSums evaluation = sums.evaluate(data.validation(), new ModelWeights(spec, params.clone()),
                        kernel, targetScale, "iteration " + iteration + ": validation");
                lastValidation = Metrics.of(evaluation, spec.loss());
                if (scheduled) {
                    // Only scheduled validations enter the history, the best model and early stopping: a run cut
                    // short and resumed must make the same choices as one that was not.
                    validationRow = lastValidation.asMap();
                    boolean improved = lastValidation.loss() < bestObjective;
                    if (improved) {
                        bestObjective = lastValidation.loss();
                        bestIteration = iteration;
                        bestParams = params.clone();
                        sinceBest = 0;
                    } else {
                        sinceBest++;
                    }
                    out.printf(Locale.ROOT, "  validation @%d: %s%s%n", iteration, lastValidation.describe(),
                            improved ? " (best)" : " (best " + fmt(bestObjective) + " @" + bestIteration + ")");
                    if (loop.patience() > 0 && sinceBest >= loop.patience()) {
                        out.printf(Locale.ROOT, "  early stop: no improvement in %d validations%n", sinceBest);
                        stoppedEarly = true;
                    }
                } else {
                    out.printf(Locale.ROOT, "  validation @%d (end of run): %s%n", iteration,
                            lastValidation.describe());
                }
            }
            history.add(new MetricsHistory.Row(iteration, epoch, loss, norm, lr, validationRow));

            if (iteration % loop.logEvery() == 0 || iteration == total || stoppedEarly) {
                long now = System.nanoTime();
                double seconds = (now - intervalStart) / 1e9;
                double perIteration = (now - started) / 1e9 / (iteration - state.iteration());
                out.printf(Locale.ROOT, "iter %d/%d  epoch %d  loss %s  |g| %s  lr %.3g  %.0f seq/s  eta %s%n",
                        iteration, total, epoch + 1, fmt(loss), fmt(norm), lr,
                        intervalSequences / Math.max(seconds, 1e-9),
                        duration(perIteration * (total - iteration)));
                intervalStart = now;
                intervalSequences = 0;
            }
            boolean checkpointDue = loop.checkpointEvery() > 0 && iteration % loop.checkpointEvery() == 0;
            if (dir != null && (checkpointDue || iteration == total || stoppedEarly)) {
                checkpoints.write(new TrainingState(iteration, params.clone(), optimizerState, bestObjective,
                        bestIteration, bestParams, sinceBest, loop.seed(), config.fingerprint()));
                dir.writeText(ModelDirectory.METRICS, history.toCsv());
                lastCheckpoint = iteration;
            }
        }

        double[] kept = bestParams != null ? bestParams : params;
        SavedModel model = new SavedModel(spec, kept, data.shape(), data.standardization(), data.vocabulary(),
                config.data().relativeToLast());
        if (dir != null) {
            dir.writeModel(model, loop.precision());
            dir.writeText(ModelDirectory.METRICS, history.toCsv());
            dir.writeText(ModelDirectory.LOSS_CURVE, LossCurve.svg(history.rows(), spec.describe()));
        }
        if (config.output().export() != null) {
            files.writeAtomically(config.output().export(),
                    SafeTensors.toBytes(ModelFile.tensors(spec, kept, loop.precision()), Map.of("format", "pt")));
            out.println("exported weights to " + config.output().export());
        }
        Comparison comparison = baseline == null ? null
                : compareWithBaseline(baseline, sums, data, spec, kept, kernel, targetScale);
        String best = bestParams != null ? " (best validation loss " + fmt(bestObjective) + " at iteration "
                + bestIteration + ")" : "";
        String rejects = loader.rejectedRecords() > 0 ? "; " + loader.rejectedRecords() + " bad record(s) skipped"
                + (dir != null ? ", see " + dir.path("rejects") : "") : "";
        if (dir != null) {
            out.printf(Locale.ROOT, "done: %d iterations; model written to %s%s; loss curve %s%s%n", iteration,
                    dir.path(ModelDirectory.MODEL), best, dir.path(ModelDirectory.LOSS_CURVE), rejects);
        } else {
            out.printf(Locale.ROOT, "done: %d iterations%s%s%n", iteration, best, rejects);
        }
        return new Result(spec, params, kept, iteration, lastValidation, history, data, model, comparison);
    }

    /** The kept model and a baseline forecast, on the same validation data. */
    public record Comparison(String baseline, Metrics baselineMetrics, Metrics modelMetrics) {
    }

    /** The configured baseline, checked against the data before training (not after a long run). */
    private Baseline checkedBaseline(LoadedData data) {
        Baseline baseline = Baseline.parse(config.output().baseline());
        RecordShape shape = data.shape();
        String mismatch = baseline.mismatch(shape.labelKind(), shape.labelShape(), shape.labelWidth());
        if (mismatch != null) {
            throw new UserError("--baseline: " + mismatch + "; these data have " + shape.describeLabels());
        }
        if (data.validation() == null) {
            throw new UserError("--baseline needs validation data (--validation, --validation-fraction or"
                    + " --validate-from)");
        }
        return baseline;
    }

    /** Scores the kept model and the baseline on the validation data and prints both. */
    private Comparison compareWithBaseline(Baseline baseline, DistributedSums sums, LoadedData data, NetworkSpec spec,
                                           double[] kept, KernelSettings kernel, double[] targetScale) {
        if (baseline.needsClassCounts()) {
            baseline = baseline.withClassCounts(sums.classCounts(data.train(), spec.outputSize(),
                    "baseline: training class counts"));
        }
        Metrics base = Metrics.of(sums.baseline(data.validation(), baseline, data.standardization(),
                "baseline: validation"), spec.loss());
        Metrics model = Metrics.of(sums.evaluate(data.validation(), new ModelWeights(spec, kept.clone()), kernel,
                targetScale, "kept model: validation"), spec.loss());
        String key = spec.loss().isClassification() ? "perplexity" : "rmse";
        double ours = model.asMap().get(key);
        double theirs = base.asMap().get(key);
        out.printf(Locale.ROOT, "validation, kept model: %s%n", model.describe());
        out.printf(Locale.ROOT, "validation, baseline %s: %s%n", baseline.describe(), base.describe());
        out.printf(Locale.ROOT, "=> %s %.4g vs baseline %.4g: the model is %s (%.0f%% %s)%n", key, ours, theirs,
                ours < theirs ? "better" : "NOT better", 100 * Math.abs(1 - ours / theirs),
                ours < theirs ? "lower" : "higher");
        return new Comparison(config.output().baseline(), base, model);
    }

    private void checkModelDirectory(ModelDirectory dir) throws IOException {
        if (config.output().resume()) {
            if (!dir.holdsARun()) {
                throw new UserError("--resume: " + dir.root() + " holds no run to resume");
            }
            List<String> differences = config.trajectoryDifferences(dir.readConfig());
            if (!differences.isEmpty()) {
                throw new UserError("--resume: this run's settings differ from those in "
                        + dir.path(ModelDirectory.CONFIG) + ": " + String.join("; ", differences));
            }
        } else if (dir.holdsARun()) {
            throw new UserError(dir.root() + " already holds a training run; continue it with --resume or choose"
                    + " another --model-dir (nothing was changed)");
        }
    }

    private TrainingState startingState(ModelDirectory dir, CheckpointStore checkpoints, NetworkSpec spec,
                                        ParameterLayout layout, Optimizer optimizer) throws IOException {
        if (dir != null && config.output().resume()) {
            TrainingState state = checkpoints.newestValid(message -> out.println("warning: " + message));
            if (state != null) {
                if (state.configFingerprint() != config.fingerprint() || state.params().length != layout.size()) {
                    throw new UserError("--resume: the newest checkpoint in " + dir.root()
                            + " was written by a run with other settings");
                }
                out.println("resuming from iteration " + state.iteration());
                return state;
            }
            out.println("warning: no valid checkpoint in " + dir.root() + "; starting from the beginning");
        }
        double[] params;
        TrainingConfig.Model m = config.model();
        if (m.initFile() != null) {
            byte[] bytes = files.read(m.initFile());
            params = ModelFile.importWeights(SafeTensors.read(new ByteArrayInputStream(bytes), m.initFile()), spec,
                    m.initFile());
            out.println("initial weights from " + m.initFile());
        } else {
            InitScheme scheme = m.initScheme().equals("xavier-orthogonal") ? InitScheme.XAVIER_ORTHOGONAL
                    : InitScheme.PYTORCH_UNIFORM;
            params = Initializer.initialize(layout, new InitOptions(scheme, m.forgetBias(), config.loop().seed()));
        }
        return new TrainingState(0, params, optimizer.init(), Double.POSITIVE_INFINITY, -1, null, 0,
                config.loop().seed(), config.fingerprint());
    }

    /**
     * The network for the data's shape: I inputs, the configured stack, V outputs (K classes). Option names were
     * checked when the configuration was made; what needs the data (the loss against the labels) is checked here.
     */
    NetworkSpec buildSpec(RecordShape shape) {
        TrainingConfig.Model m = config.model();
        boolean classes = shape.labelKind() == LabelKind.CLASSES;
        Loss loss = m.loss().equals("auto") ? (classes ? Loss.CROSS_ENTROPY : Loss.MSE) : Loss.fromCliName(m.loss());
        if (loss.isClassification() != classes) {
            throw new UserError("--loss " + loss.cliName() + " does not fit the labels (" + shape.describeLabels()
                    + "); use " + (classes ? "cross-entropy with class ids" : "mse with numeric labels")
                    + " or change --task");
        }
        Activation activation = m.activation().equals("identity") ? Activation.IDENTITY : Activation.TANH;
        List<LayerSpec> layers = new ArrayList<>();
        for (int h : m.hidden()) {
            layers.add(switch (m.cell()) {
                case "lstm" -> LayerSpec.lstm(h);
                case "gru" -> LayerSpec.gru(h);
                default -> LayerSpec.rnn(h, activation);
            });
        }
        Pooling pooling = Pooling.fromCliName(m.pooling());
        if (pooling != Pooling.LAST && shape.labelShape() == LabelShape.PER_STEP) {
            throw new UserError("--pooling " + pooling.cliName() + " pools a sequence for its one label; these data"
                    + " have " + shape.describeLabels() + " (use --pooling last)");
        }
        return new NetworkSpec(shape.inputSize(), layers, shape.outputs(), loss, m.bidirectional(), m.dropout(),
                pooling);
    }

    private OptimizerSettings optimizerSettings() {
        TrainingConfig.Optim o = config.optim();
        OptimizerKind kind = OptimizerKind.fromCliName(o.optimizer());
        try {
            return OptimizerSettings.defaultsFor(kind).withMomentum(o.momentum(), o.nesterov())
                    .withWeightDecay(o.weightDecay());
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }

    private LearningRateSchedule learningRates(long total) {
        TrainingConfig.Optim o = config.optim();
        double base = o.learningRate() != null ? o.learningRate()
                : OptimizerKind.fromCliName(o.optimizer()).defaultLearningRate();
        try {
            return new LearningRateSchedule(LearningRateSchedule.Kind.fromCliName(o.schedule()), base, o.stepSize(),
                    o.gamma(), (int) Math.min(Integer.MAX_VALUE, total), o.minLr(), o.warmup());
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }

    /** Stops the run, naming the iteration and the first parameter block that is not finite. */
    static void checkFinite(double loss, double[] values, ParameterLayout layout, long iteration, long lastCheckpoint,
                            String what) {
        int bad = -1;
        for (int j = 0; j < values.length; j++) {
            if (!Double.isFinite(values[j])) {
                bad = j;
                break;
            }
        }
        if (bad < 0 && Double.isFinite(loss)) {
            return;
        }
        String where = bad >= 0 ? "the " + what + " of " + layout.describeIndex(bad) + " (block "
                + layout.blockOf(bad).name() + ") is " + values[bad] : "the loss is " + loss;
        throw new UserError("training diverged at iteration " + (iteration + 1) + ": " + where
                + "; stopped without writing anything, the last good checkpoint (iteration " + lastCheckpoint
                + ") is intact. Try a smaller --lr or --clip-norm.");
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.5g", v);
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
