package org.sparkrnn.driver.train;

import org.apache.spark.api.java.JavaSparkContext;
import org.sparkrnn.driver.Reporter;
import org.sparkrnn.driver.config.SettingError;
import org.sparkrnn.driver.config.Aggregation;
import org.sparkrnn.driver.config.DataOptions;
import org.sparkrnn.driver.config.KernelSettings;
import org.sparkrnn.driver.config.TrainingConfig;
import org.sparkrnn.driver.data.DatasetLoader;
import org.sparkrnn.driver.data.LoadedData;
import org.sparkrnn.driver.data.records.Partitioning;
import org.sparkrnn.driver.data.records.ReadContext;
import org.sparkrnn.driver.exec.BatchSchedule;
import org.sparkrnn.driver.exec.DistributedSums;
import org.sparkrnn.driver.model.CheckpointStore;
import org.sparkrnn.driver.model.FileStore;
import org.sparkrnn.driver.model.ModelDirectory;
import org.sparkrnn.driver.model.ModelFile;
import org.sparkrnn.driver.DataFormatError;
import org.sparkrnn.serve.SafeTensors;
import org.sparkrnn.serve.TorchNames;
import org.sparkrnn.driver.model.SavedModel;
import org.sparkrnn.driver.model.TrainingState;
import org.sparkrnn.evaluate.Baseline;
import org.sparkrnn.evaluate.Metrics;
import org.sparkrnn.model.InitOptions;
import org.sparkrnn.model.Initializer;
import org.sparkrnn.model.NetworkSpec;
import org.sparkrnn.model.ParameterLayout;
import org.sparkrnn.optim.LearningRateSchedule;
import org.sparkrnn.optim.Optimizer;
import org.sparkrnn.optim.OptimizerState;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The training loop on the driver: loads the data, builds the network for them, then runs {@link TrainingStep}s,
 * validating ({@link ValidationTracker}), reporting progress and writing checkpoints as the configuration says, and
 * ends with the run's outputs ({@link RunOutputs}). Everything it decides is a pure function of the configuration,
 * the data and the iteration number, which is what makes a resumed run end where an uninterrupted one does.
 */
public final class Trainer {

    private final JavaSparkContext sc;
    private final TrainingConfig config;
    private final PrintStream out;
    private final FileStore files;
    private final StopRequest stop;

    public Trainer(JavaSparkContext sc, TrainingConfig config, PrintStream out) {
        this(sc, config, out, new StopRequest());
    }

    /**
     * A run that ends early, with a checkpoint and the best model so far, when {@code stop} is requested. Its input
     * paths are stored qualified (see {@link FileStore#qualified}), so the saved settings name the same files from
     * any working directory.
     */
    public Trainer(JavaSparkContext sc, TrainingConfig config, PrintStream out, StopRequest stop) {
        this.sc = sc;
        this.files = new FileStore(sc.hadoopConfiguration());
        this.config = config.withInputPaths(files::qualified);
        this.out = out;
        this.stop = stop;
    }

    /**
     * What a finished run produced.
     *
     * @param interrupted the run stopped early on a {@link StopRequest}: its checkpoint and best model so far are
     *                    written, {@code --resume} continues it
     */
    public record Result(NetworkSpec spec, double[] finalParams, double[] keptParams, long iterations,
                         Metrics lastValidation, MetricsHistory history, LoadedData data, SavedModel model,
                         RunOutputs.Comparison baseline, boolean interrupted) {
    }

    /** Where a run's data come from: the data options' files (the CLI), or a DataFrame (the Spark ML API). */
    @FunctionalInterface
    public interface DataSource {
        LoadedData load(DatasetLoader loader, DataOptions options);
    }

    /** Trains on the files the configuration names. */
    public Result run() throws IOException {
        return run((loader, options) -> loader.loadForTraining(options,
                ReadContext.fresh(config.normalize(), config.countTargets())));
    }

    /**
     * Trains on what {@code source} loads. Without a model directory ({@code config.output().modelDir()} null)
     * nothing is written: no checkpoints, metrics or model files, only the returned result.
     */
    public Result run(DataSource source) throws IOException {
        Run run = new Run();
        run.load(source);
        run.plan();
        run.iterate();
        return run.finish();
    }

    /** One run, step by step: what each step decides, the next reads. */
    private final class Run {
        private final TrainingConfig.Loop loop = config.loop();
        private final ModelDirectory dir;
        private final DistributedSums sums;
        // load
        private DatasetLoader loader;
        private LoadedData data;
        private NetworkSpec spec;
        private ParameterLayout layout;
        private Baseline baseline;
        // plan
        private KernelSettings kernel;
        private BatchSchedule schedule;
        private long total;
        private LearningRateSchedule rates;
        private long validateEvery;
        private CheckpointStore checkpoints;
        private MetricsHistory history;
        private TrainingStep step;
        private ValidationTracker validation;
        // iterate
        private double[] params;
        private OptimizerState optimizerState;
        private long lastCheckpoint;
        private long iteration;
        private Progress progress;
        private boolean stoppedEarly;
        private boolean interrupted;

        Run() throws IOException {
            dir = config.output().modelDir() == null ? null : new ModelDirectory(files, config.output().modelDir());
            if (dir != null) {
                checkModelDirectory(config, dir);
            }
            sums = new DistributedSums(sc, loop.aggregation(), loop.aggregationDepth());
        }

        /** Reads the data and sizes the network for them; says what was loaded. */
        void load(DataSource source) {
            out.println("loading " + config.data().format() + " data from " + config.data().path());
            loader = new DatasetLoader(sc, sums, Reporter.to(out));
            long loadStart = System.nanoTime();
            data = source.load(loader, dir == null ? config.data()
                    : config.data().withRejectsPath(dir.path("rejects")));
            spec = NetworkPlan.spec(config.model(), data.shape());
            layout = new ParameterLayout(spec);
            baseline = config.output().baseline() == null ? null
                    : RunOutputs.checkedBaseline(config.output().baseline(), config.data().horizons(), data);
            out.printf(Locale.ROOT, "data: %d training sequences (%d steps, %d labelled), %d validation, loaded in"
                            + " %.1f s; model %s, %d parameters%n", data.trainSequences(),
                    data.trainStatistics().steps(), data.trainStatistics().labelledSteps(), data.validationSequences(),
                    (System.nanoTime() - loadStart) / 1e9, spec.describe(), layout.size());
        }

        /**
         * The optimizer, batches, learning rates and checkpoints of the run, and where it starts (a checkpoint when
         * resuming); says how it will train.
         */
        void plan() throws IOException {
            Optimizer optimizer = new Optimizer(NetworkPlan.optimizer(config.optim()));
            schedule = BatchSchedule.of(data.trainSequences(), loop.batchSize(), loop.seed(),
                    () -> Partitioning.firstIndexes(data.train(), "load: numbering the training sequences"));
            total = loop.iterations() > 0 ? loop.iterations()
                    : Math.max(1, (long) Math.ceil(loop.epochs() * schedule.iterationsPerEpoch()));
            rates = NetworkPlan.rates(config.optim(), total);
            validateEvery = loop.validateEvery() > 0 ? loop.validateEvery() : schedule.iterationsPerEpoch();
            kernel = new KernelSettings(loop.precision(), loop.tbptt());
            checkpoints = dir == null ? null : dir.checkpoints(loop.keepCheckpoints());

            TrainingState state = startingState(dir, checkpoints, spec, layout, optimizer);
            history = startingHistory(dir, state.iteration());
            String validating = data.validation() == null ? "" : String.format(Locale.ROOT, "; validation every %d"
                    + " iterations%s", validateEvery, loop.patience() > 0 ? ", stop after " + loop.patience()
                    + " without improvement" : "");
            out.printf(Locale.ROOT, "training: %d iterations (%d per epoch, batch %s), optimizer %s, precision %s;"
                            + " %d partitions, %s%s%n", total, schedule.iterationsPerEpoch(),
                    schedule.fullBatch() ? "all" : loop.batchSize(), optimizer.settings().kind().cliName(),
                    loop.precision().cliName(), data.train().getNumPartitions(),
                    loop.aggregation() == Aggregation.SLICED ? "sliced aggregation"
                            : loop.aggregation() == Aggregation.TREE_AGGREGATE ? "Spark's treeAggregate, depth "
                            + loop.aggregationDepth() + " (merged as tasks finish: the last bits may vary run to run)"
                            : "tree depth " + loop.aggregationDepth(), validating);

            step = new TrainingStep(sums, spec, kernel, schedule, optimizer, config.optim().clipNorm());
            validation = new ValidationTracker(sums, data.validation(), spec, kernel, data.targetScale(),
                    loop.patience(), state, out);
            params = state.params();
            optimizerState = state.optimizer();
            lastCheckpoint = state.iteration();
            iteration = state.iteration();
            progress = new Progress(state.iteration(), total);
        }

        /**
         * Iterates until the last iteration, early stopping or a stop request, validating, reporting and writing
         * checkpoints as configured.
         */
        void iterate() throws IOException {
            // asked to stop while Spark started or the data loaded: no iteration, a checkpoint of where the run stands
            interrupted = stop.requested() && iteration < total;
            if (interrupted && dir != null && lastCheckpoint == 0) {
                checkpoints.write(validation.state(iteration, params, optimizerState, loop.seed(),
                        config.fingerprint()));
                dir.writeText(ModelDirectory.METRICS, history.toCsv());
            }
            while (iteration < total && !stoppedEarly && !interrupted) {
                long epoch = schedule.epochOf(iteration);
                double lr = rates.rateAt(iteration);
                TrainingStep.Outcome outcome = step.run(data.train(), params, optimizerState, iteration, lr,
                        lastCheckpoint);
                iteration++;
                Map<String, Double> validationRow = validation.afterIteration(params, iteration,
                        iteration % validateEvery == 0, iteration == total);
                stoppedEarly = validation.shouldStop();
                history.add(new MetricsHistory.Row(iteration, epoch + 1, outcome.loss(), outcome.gradientNorm(), lr,
                        validationRow));
                interrupted = stop.requested() && iteration < total && !stoppedEarly;
                progress.add(outcome.sequences());
                if (iteration % loop.logEvery() == 0 || iteration == total || stoppedEarly || interrupted) {
                    out.println(progress.line(iteration, epoch, outcome, lr));
                }
                boolean checkpointDue = loop.checkpointEvery() > 0 && iteration % loop.checkpointEvery() == 0;
                if (dir != null && (checkpointDue || iteration == total || stoppedEarly || interrupted)) {
                    checkpoints.write(validation.state(iteration, params, optimizerState, loop.seed(),
                            config.fingerprint()));
                    dir.writeText(ModelDirectory.METRICS, history.toCsv());
                    lastCheckpoint = iteration;
                }
            }
        }

        /** The kept model written, then (unless interrupted) the export, the baseline comparison and the last line. */
        Result finish() throws IOException {
            double[] kept = validation.bestParams() != null ? validation.bestParams() : params;
            SavedModel model = new SavedModel(spec, kept, data.shape(), data.standardization(), data.vocabulary(),
                    config.data().windowTransform(), data.seriesScaling(), data.frequency());
            if (dir != null) {
                RunOutputs.writeModel(dir, model, history, loop.precision(),
                        validation.bestParams() != null ? validation.bestIteration() : null);
            }
            if (interrupted) {
                // how to continue is the front end's to say, in the words its user launched it with
                out.printf(Locale.ROOT, "interrupted at iteration %d; %s%n", iteration, dir == null
                        ? "nothing written (no --model-dir)" : "best model so far written to "
                        + dir.path(ModelDirectory.MODEL));
                return new Result(spec, params, kept, iteration, validation.last(), history, data, model, null,
                        true);
            }
            if (config.output().export() != null) {
                RunOutputs.export(files, config.output().export(), model, loop.precision(), out);
            }
            RunOutputs.Comparison comparison = baseline == null ? null
                    : RunOutputs.compare(config.output().baseline(), baseline, sums, data, spec, kept, kernel,
                    config.data().horizons(), out);
            String best = validation.bestParams() != null ? " (best validation loss "
                    + ProgressText.number(validation.bestObjective()) + " at iteration " + validation.bestIteration()
                    + ")" : "";
            String rejects = loader.rejectedRecords() > 0 ? "; " + loader.rejectedRecords()
                    + " bad record(s) skipped" + (dir != null ? ", see " + dir.path("rejects") : "") : "";
            if (dir != null) {
                out.printf(Locale.ROOT, "done: %d iterations; model written to %s%s; loss curve %s%s%n", iteration,
                        dir.path(ModelDirectory.MODEL), best, dir.path(ModelDirectory.LOSS_CURVE), rejects);
            } else {
                out.printf(Locale.ROOT, "done: %d iterations%s%s%n", iteration, best, rejects);
            }
            return new Result(spec, params, kept, iteration, validation.last(), history, data, model, comparison,
                    false);
        }
    }

    /** The progress line: iteration, epoch, loss, gradient norm, rate, throughput since the last line, time left. */
    private static final class Progress {
        private final long first;
        private final long total;
        private final long started = System.nanoTime();
        private long intervalStart = started;
        private long intervalSequences;

        Progress(long first, long total) {
            this.first = first;
            this.total = total;
        }

        void add(long sequences) {
            intervalSequences += sequences;
        }

        String line(long iteration, long epoch, TrainingStep.Outcome outcome, double lr) {
            long now = System.nanoTime();
            double seconds = (now - intervalStart) / 1e9;
            double perIteration = (now - started) / 1e9 / (iteration - first);
            String text = String.format(Locale.ROOT, "iter %d/%d  epoch %d  loss %s  |g| %s  lr %.3g  %.0f seq/s"
                            + "  eta %s", iteration, total, epoch + 1, ProgressText.number(outcome.loss()),
                    ProgressText.number(outcome.gradientNorm()), lr, intervalSequences / Math.max(seconds, 1e-9),
                    ProgressText.duration(perIteration * (total - iteration)));
            intervalStart = now;
            intervalSequences = 0;
            return text;
        }
    }

    /**
     * Refuses a model directory this run cannot write to: one that already holds a run (unless resumed), or, resumed,
     * one that holds none or holds a run with other settings. The command line asks before Spark starts; the
     * trainer asks again for a program of its own.
     */
    public static void checkModelDirectory(TrainingConfig config, ModelDirectory dir) throws IOException {
        if (config.output().resume()) {
            if (!dir.holdsARun()) {
                throw new SettingError("{--resume}: " + dir.root() + " holds no run to resume");
            }
            List<String> differences = config.trajectoryDifferences(dir.readConfig());
            if (!differences.isEmpty()) {
                throw new SettingError("{--resume}: this run's settings differ from those in "
                        + dir.path(ModelDirectory.CONFIG) + ": " + String.join("; ", differences));
            }
        } else if (dir.holdsARun()) {
            throw new SettingError(dir.root() + " already holds a training run; continue it with {--resume} or choose"
                    + " another {--model-dir} (nothing was changed)");
        }
    }

    /** The metrics of the iterations a resumed run keeps, or a new history (and the settings written). */
    private MetricsHistory startingHistory(ModelDirectory dir, long iteration) throws IOException {
        MetricsHistory history = new MetricsHistory();
        if (dir != null && config.output().resume()) {
            String csv = dir.readText(ModelDirectory.METRICS);
            if (csv != null) {
                history = MetricsHistory.fromCsv(csv);
            }
            history.keepFirst(iteration);
        } else if (dir != null) {
            dir.writeConfig(config.settings());
        }
        return history;
    }

    private TrainingState startingState(ModelDirectory dir, CheckpointStore checkpoints, NetworkSpec spec,
                                        ParameterLayout layout, Optimizer optimizer) throws IOException {
        if (dir != null && config.output().resume()) {
            TrainingState state = checkpoints.newestValid(message -> out.println("warning: " + message));
            if (state != null) {
                if (state.configFingerprint() != config.fingerprint() || state.params().length != layout.size()) {
                    throw new SettingError("{--resume}: the newest checkpoint in " + dir.root()
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
            try {
                params = TorchNames.importWeights(SafeTensors.read(new ByteArrayInputStream(bytes), m.initFile()),
                        spec, m.initFile());
            } catch (org.sparkrnn.serve.ModelFileException e) {
                throw new DataFormatError(m.initFile(), e.problem());
            }
            out.println("initial weights from " + m.initFile());
        } else {
            params = Initializer.initialize(layout, new InitOptions(m.initScheme(), m.forgetBias(),
                    config.loop().seed()));
        }
        return new TrainingState(0, params, optimizer.init(), Double.POSITIVE_INFINITY, -1, null, 0,
                config.loop().seed(), config.fingerprint());
    }

}
