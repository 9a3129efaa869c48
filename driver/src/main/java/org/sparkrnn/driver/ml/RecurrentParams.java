package org.sparkrnn.driver.ml;

import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.sparkrnn.driver.config.Aggregation;
import org.sparkrnn.driver.config.Bound;
import org.sparkrnn.driver.config.Choices;
import org.sparkrnn.driver.config.Defaults;
import org.sparkrnn.driver.config.Normalization;
import org.sparkrnn.driver.config.Split;
import org.sparkrnn.driver.config.Task;
import org.sparkrnn.driver.data.frame.FrameColumns;
import org.sparkrnn.kernel.Precision;
import org.sparkrnn.model.Activation;
import org.sparkrnn.model.CellType;
import org.sparkrnn.model.CliNamed;
import org.sparkrnn.model.InitScheme;
import org.sparkrnn.model.Loss;
import org.sparkrnn.model.Pooling;
import org.sparkrnn.optim.LearningRateSchedule;
import org.sparkrnn.optim.OptimizerKind;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The params every recurrent estimator has: the columns, and every training setting as a typed param named as the
 * command line's option in camelCase ({@code --weight-decay} → {@code weightDecay}) with the same default, taken
 * from {@link Defaults}, checked when set ({@link ParamChecks}), with chained getters and setters; the estimators
 * ({@link LstmRegressor}, {@link LstmClassifier}) fit with them.
 */
public abstract class RecurrentParams<E extends RecurrentParams<E>> extends Estimator<LstmModel> {


    private static final long serialVersionUID = 1L;

    private final String uid;

    // columns
    private final Param<String> featuresCol;
    private final Param<String> labelCol;
    private final Param<String> predictionCol;
    private final BooleanParam perStepLabels;
    // data
    private final DoubleParam validationFraction;
    private final Param<String> split;
    private final Param<String> normalize;
    private final BooleanParam relativeToLast;
    private final IntParam partitions;
    private final Param<String> onBadRecord;
    // model
    private final Param<String> cell;
    private final IntArrayParam hidden;
    private final Param<String> activation;
    private final BooleanParam bidirectional;
    private final DoubleParam dropout;
    private final Param<String> pooling;
    private final IntParam decoderHidden;
    private final Param<String> futureCol;
    private final Param<String> loss;
    private final Param<String> initScheme;
    private final DoubleParam forgetBias;
    private final Param<String> initFile;
    // optimizer
    private final Param<String> optimizer;
    private final DoubleParam lr;
    private final DoubleParam momentum;
    private final BooleanParam nesterov;
    private final DoubleParam weightDecay;
    private final DoubleParam clipNorm;
    private final Param<String> schedule;
    private final IntParam stepSize;
    private final DoubleParam gamma;
    private final DoubleParam minLr;
    private final IntParam warmup;
    // loop
    private final LongParam iterations;
    private final DoubleParam epochs;
    private final IntParam batchSize;
    private final IntParam tbptt;
    private final Param<String> precision;
    private final Param<String> aggregation;
    private final IntParam aggregationDepth;
    private final LongParam seed;
    private final IntParam validateEvery;
    private final IntParam patience;
    private final IntParam logEvery;
    // output
    private final Param<String> modelDir;
    private final IntParam checkpointEvery;
    private final IntParam keepCheckpoints;

    protected RecurrentParams(String uid) {
        this.uid = uid;
        featuresCol = string("featuresCol", "features column: array<array<double>> or array<vector> (steps x features)",
                "features");
        labelCol = string("labelCol", "label column: a number, array<double>, or with perStepLabels one entry per"
                + " step", "label");
        predictionCol = string("predictionCol", "prediction column name", "prediction");
        perStepLabels = new BooleanParam(this, "perStepLabels", "the label column holds one label per step (null ="
                + " unlabelled step): many-to-many");
        setDefault(perStepLabels, false);

        validationFraction = real("validation-fraction", "share of the rows held out for validation (0 = none)",
                Defaults.VALIDATION_FRACTION);
        split = choice("split", "held-out rows, random (seeded, by content) or tail (the last rows)",
                Defaults.SPLIT, Split.class);
        normalize = choice("normalize", "standard: standardise features and numeric labels with training"
                + " statistics; window: first scale each window's first feature (the target) and its label by the"
                + " window's own mean and spread, so that series far apart in level share one scale; or none"
                + " (series, each series by its own statistics, is the command line's, on a long table)",
                Defaults.NORMALIZE, Normalization.class);
        relativeToLast = new BooleanParam(this, "relativeToLast", "each window (SequenceWindows' rows: the first"
                + " feature is the one target) measured from its last value: inputs x_t - x_T, label y - x_T,"
                + " predictions add x_T back (with normalize window: also divided by the window's spread)");
        setDefault(relativeToLast, false);
        partitions = integer("partitions", "partitions of the cached training data (0: the DataFrame's)",
                Defaults.PARTITIONS);
        onBadRecord = oneOf("on-bad-record", "fail: a bad row stops the fit; skip: bad rows are counted and left out",
                Defaults.ON_BAD_RECORD, "fail", "skip");

        cell = choice("cell", "recurrent cell of every layer", Defaults.CELL, CellType.class);
        hidden = new IntArrayParam(this, "hidden", "hidden size of each layer, bottom first; each at least 1",
                ParamChecks.hidden(this));
        setDefault(hidden, Defaults.hiddenSizes());
        activation = choice("activation", "activation of rnn cells", Defaults.ACTIVATION, Activation.class);
        bidirectional = new BooleanParam(this, "bidirectional", "every layer also runs backwards; outputs concatenated");
        setDefault(bidirectional, false);
        dropout = real("dropout", "dropout between stacked layers while training", Defaults.DROPOUT);
        pooling = choice("pooling", "what the head of a many-to-one model reads: the last state, the mean or the max",
                Defaults.POOLING, Pooling.class);
        decoderHidden = integer("decoder-hidden", "a forecast decoder of this many units, shared by every predicted"
                + " step, reading the encoder's last state and what is known of the step in advance (futureCol, as"
                + " SequenceWindows makes it); 0: none", Defaults.DECODER_HIDDEN);
        futureCol = string("futureCol", "with decoderHidden: the column of each window's future rows"
                + " (array<array<double>>, SequenceWindows' futureCol, whose metadata names the known inputs)",
                "future");
        loss = new Param<>(this, "loss", "loss function: auto (mse for regression, cross-entropy for"
                + " classification), " + Choices.names(Loss.class) + "; quantile with its levels:"
                + " quantile:0.1,0.5,0.9", ParamChecks.loss(this));
        setDefault(loss, Defaults.LOSS);
        initScheme = choice("init-scheme", "weight initialisation", Defaults.INIT_SCHEME, InitScheme.class);
        forgetBias = real("forget-bias", "LSTM forget-gate bias at start (NaN: keep the scheme's own draw)",
                Defaults.FORGET_BIAS);
        initFile = new Param<>(this, "initFile", "start from these safetensors weights (PyTorch names)");

        optimizer = choice("optimizer", "update rule, as torch.optim", Defaults.OPTIMIZER, OptimizerKind.class);
        lr = new DoubleParam(this, "lr", described("learning rate (unset: torch's default for the optimizer)", "lr"),
                ParamChecks.bound(this, "lr"));
        momentum = real("momentum", "momentum of sgd and rmsprop", Defaults.MOMENTUM);
        nesterov = new BooleanParam(this, "nesterov", "sgd: Nesterov momentum");
        setDefault(nesterov, false);
        weightDecay = real("weight-decay", "L2 penalty added to the gradient", Defaults.WEIGHT_DECAY);
        clipNorm = real("clip-norm", "clip the global gradient norm (0: off)", Defaults.CLIP_NORM);
        schedule = choice("schedule", "learning-rate schedule", Defaults.SCHEDULE, LearningRateSchedule.Kind.class);
        stepSize = integer("step-size", "step schedule: iterations between decays", Defaults.STEP_SIZE);
        gamma = real("gamma", "step and exponential schedules: decay factor", Defaults.GAMMA);
        minLr = real("min-lr", "cosine schedule: final rate", Defaults.MIN_LR);
        warmup = integer("warmup", "linear warm-up iterations", Defaults.WARMUP);

        iterations = new LongParam(this, "iterations", described("iterations to train (0: epochs decides)",
                "iterations"), ParamChecks.bound(this, "iterations"));
        setDefault(iterations, Defaults.Values.ITERATIONS);
        epochs = real("epochs", "passes over the training data, when iterations is 0", Defaults.EPOCHS);
        batchSize = integer("batch-size", "sequences per iteration over the whole cluster (0: all)",
                Defaults.BATCH_SIZE);
        tbptt = integer("tbptt", "truncated BPTT in chunks of K steps (0: full BPTT)", Defaults.TBPTT);
        precision = choice("precision", "compute precision on the executors", Defaults.PRECISION, Precision.class);
        aggregation = choice("aggregation", "how gradients reach the driver: tree (index order), sliced"
                + " (reduce-scatter) or tree-aggregate (Spark's treeAggregate: not bit-reproducible)",
                Defaults.AGGREGATION, Aggregation.class);
        aggregationDepth = integer("aggregation-depth", "depth of the tree that merges sums",
                Defaults.AGGREGATION_DEPTH);
        seed = new LongParam(this, "seed", "seed of initialisation, batch order and random splits");
        setDefault(seed, Defaults.Values.SEED);
        validateEvery = integer("validate-every", "validate every N iterations (0: once per epoch)",
                Defaults.VALIDATE_EVERY);
        patience = integer("patience", "stop after N validations without improvement (0: never)",
                Defaults.PATIENCE);
        logEvery = integer("log-every", "print a progress line every N iterations", Defaults.LOG_EVERY);

        modelDir = new Param<>(this, "modelDir", "write checkpoints, metrics, loss curve and model here (unset:"
                + " nothing is written)");
        checkpointEvery = integer("checkpoint-every", "with modelDir: a checkpoint every N iterations (0: only at"
                + " the end)", Defaults.CHECKPOINT_EVERY);
        keepCheckpoints = integer("keep-checkpoints", "with modelDir: checkpoints kept", Defaults.KEEP_CHECKPOINTS);
    }

    /** A text param with a default and no rule (a column name). */
    private Param<String> string(String name, String doc, String defaultValue) {
        Param<String> p = new Param<>(this, name, doc);
        setDefault(p, defaultValue);
        return p;
    }

    /** A param naming one of {@code type}'s constants (or {@code extra}), checked when set; its doc lists them. */
    private <C extends Enum<C> & CliNamed> Param<String> choice(String key, String doc, String defaultValue,
                                                                Class<C> type, String... extra) {
        String names = Choices.names(type) + (extra.length == 0 ? "" : ", " + String.join(", ", extra));
        Param<String> p = new Param<>(this, MlParams.paramName(key), doc + ": " + names,
                ParamChecks.choice(this, key, type, extra));
        setDefault(p, defaultValue);
        return p;
    }

    /** A param naming one of {@code names}, checked when set. */
    private Param<String> oneOf(String key, String doc, String defaultValue, String... names) {
        Param<String> p = new Param<>(this, MlParams.paramName(key), doc, ParamChecks.oneOf(this, key, names));
        setDefault(p, defaultValue);
        return p;
    }

    /** A real-valued param checked by its setting's {@link Bound} when set. */
    private DoubleParam real(String key, String doc, String defaultValue) {
        DoubleParam p = new DoubleParam(this, MlParams.paramName(key), described(doc, key),
                ParamChecks.bound(this, key));
        setDefault(p, Defaults.real(defaultValue));
        return p;
    }

    /** An int param checked by its setting's {@link Bound} when set. */
    private IntParam integer(String key, String doc, String defaultValue) {
        IntParam p = new IntParam(this, MlParams.paramName(key), described(doc, key), ParamChecks.bound(this, key));
        setDefault(p, Defaults.whole(defaultValue));
        return p;
    }

    /** The doc with the values its setting admits: {@code dropout between stacked layers; in [0, 1)}. */
    private static String described(String doc, String key) {
        Bound bound = Bound.of(key);
        return bound == null ? doc : doc + "; " + bound.description();
    }

    /** What the labels are. */
    protected abstract Task task();

    /** This estimator, typed, for chained setters. */
    @SuppressWarnings("unchecked")
    protected final E self() {
        return (E) this;
    }

    @Override
    public String uid() {
        return uid;
    }

    /** As Spark's, with the hidden sizes written as numbers ({@code [32, 16]}) rather than an array's identity. */
    @Override
    public String explainParam(Param<?> param) {
        if (param != hidden) {
            return super.explainParam(param);
        }
        List<String> values = new java.util.ArrayList<>();
        if (hasDefault(hidden)) {
            values.add("default: " + Arrays.toString(getDefault(hidden).get()));
        }
        if (isSet(hidden)) {
            values.add("current: " + Arrays.toString(getHidden()));
        }
        return hidden.name() + ": " + hidden.doc() + " (" + String.join(", ", values) + ")";
    }

    FrameColumns columns() {
        return new FrameColumns(getFeaturesCol(), getLabelCol(), getPerStepLabels(),
                getDecoderHidden() > 0 ? getFutureCol() : null);
    }

    /** K for classifiers (0: infer), nothing for regressors. */
    protected int classCount() {
        return 0;
    }

    /** The params that are command-line options (all but the columns). */
    public List<Param<?>> trainingParams() {
        return List.of(validationFraction, split, normalize, relativeToLast, partitions, onBadRecord, cell, hidden,
                activation,
                bidirectional, dropout, pooling, decoderHidden, loss, initScheme, forgetBias, initFile, optimizer, lr, momentum,
                nesterov, weightDecay, clipNorm, schedule, stepSize, gamma, minLr, warmup, iterations, epochs,
                batchSize, tbptt, precision, aggregation, aggregationDepth, seed, validateEvery, patience, logEvery, modelDir,
                checkpointEvery, keepCheckpoints);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s: uid=%s, hidden=%s", getClass().getSimpleName(), uid,
                Arrays.toString(getHidden()));
    }

    // columns
    public Param<String> featuresCol() { return featuresCol; }
    public Param<String> labelCol() { return labelCol; }
    public Param<String> predictionCol() { return predictionCol; }
    public BooleanParam perStepLabels() { return perStepLabels; }
    public String getFeaturesCol() { return getOrDefault(featuresCol); }
    public String getLabelCol() { return getOrDefault(labelCol); }
    public String getPredictionCol() { return getOrDefault(predictionCol); }
    public boolean getPerStepLabels() { return (Boolean) getOrDefault(perStepLabels); }
    public E setFeaturesCol(String value) { set(featuresCol, value); return self(); }
    public E setLabelCol(String value) { set(labelCol, value); return self(); }
    public E setPredictionCol(String value) { set(predictionCol, value); return self(); }
    public E setPerStepLabels(boolean value) { set(perStepLabels, value); return self(); }

    // data
    public DoubleParam validationFraction() { return validationFraction; }
    public Param<String> split() { return split; }
    public Param<String> normalize() { return normalize; }
    public BooleanParam relativeToLast() { return relativeToLast; }
    public IntParam partitions() { return partitions; }
    public Param<String> onBadRecord() { return onBadRecord; }
    public E setValidationFraction(double value) { set(validationFraction, value); return self(); }
    public E setSplit(String value) { set(split, value); return self(); }
    public E setNormalize(String value) { set(normalize, value); return self(); }
    public E setRelativeToLast(boolean value) { set(relativeToLast, value); return self(); }
    public E setPartitions(int value) { set(partitions, value); return self(); }
    public E setOnBadRecord(String value) { set(onBadRecord, value); return self(); }

    // model
    public Param<String> cell() { return cell; }
    public IntArrayParam hidden() { return hidden; }
    public Param<String> activation() { return activation; }
    public BooleanParam bidirectional() { return bidirectional; }
    public DoubleParam dropout() { return dropout; }
    public Param<String> pooling() { return pooling; }
    public IntParam decoderHidden() { return decoderHidden; }
    public Param<String> futureCol() { return futureCol; }
    public int getDecoderHidden() { return (Integer) getOrDefault(decoderHidden); }
    public String getFutureCol() { return getOrDefault(futureCol); }
    public E setDecoderHidden(int value) { set(decoderHidden, value); return self(); }
    public E setFutureCol(String value) { set(futureCol, value); return self(); }
    public Param<String> loss() { return loss; }
    public Param<String> initScheme() { return initScheme; }
    public DoubleParam forgetBias() { return forgetBias; }
    public Param<String> initFile() { return initFile; }
    public int[] getHidden() { return getOrDefault(hidden); }
    public E setCell(String value) { set(cell, value); return self(); }
    public E setHidden(int... value) { set(hidden, value); return self(); }
    public E setActivation(String value) { set(activation, value); return self(); }
    public E setBidirectional(boolean value) { set(bidirectional, value); return self(); }
    public E setDropout(double value) { set(dropout, value); return self(); }
    public E setPooling(String value) { set(pooling, value); return self(); }
    public E setLoss(String value) { set(loss, value); return self(); }
    public E setInitScheme(String value) { set(initScheme, value); return self(); }
    public E setForgetBias(double value) { set(forgetBias, value); return self(); }
    public E setInitFile(String value) { set(initFile, value); return self(); }

    // optimizer
    public Param<String> optimizer() { return optimizer; }
    public DoubleParam lr() { return lr; }
    public DoubleParam momentum() { return momentum; }
    public BooleanParam nesterov() { return nesterov; }
    public DoubleParam weightDecay() { return weightDecay; }
    public DoubleParam clipNorm() { return clipNorm; }
    public Param<String> schedule() { return schedule; }
    public IntParam stepSize() { return stepSize; }
    public DoubleParam gamma() { return gamma; }
    public DoubleParam minLr() { return minLr; }
    public IntParam warmup() { return warmup; }
    public E setOptimizer(String value) { set(optimizer, value); return self(); }
    public E setLr(double value) { set(lr, value); return self(); }
    public E setMomentum(double value) { set(momentum, value); return self(); }
    public E setNesterov(boolean value) { set(nesterov, value); return self(); }
    public E setWeightDecay(double value) { set(weightDecay, value); return self(); }
    public E setClipNorm(double value) { set(clipNorm, value); return self(); }
    public E setSchedule(String value) { set(schedule, value); return self(); }
    public E setStepSize(int value) { set(stepSize, value); return self(); }
    public E setGamma(double value) { set(gamma, value); return self(); }
    public E setMinLr(double value) { set(minLr, value); return self(); }
    public E setWarmup(int value) { set(warmup, value); return self(); }

    // loop
    public LongParam iterations() { return iterations; }
    public DoubleParam epochs() { return epochs; }
    public IntParam batchSize() { return batchSize; }
    public IntParam tbptt() { return tbptt; }
    public Param<String> precision() { return precision; }
    public Param<String> aggregation() { return aggregation; }
    public IntParam aggregationDepth() { return aggregationDepth; }
    public LongParam seed() { return seed; }
    public IntParam validateEvery() { return validateEvery; }
    public IntParam patience() { return patience; }
    public IntParam logEvery() { return logEvery; }
    public E setIterations(long value) { set(iterations, value); return self(); }
    public E setEpochs(double value) { set(epochs, value); return self(); }
    public E setBatchSize(int value) { set(batchSize, value); return self(); }
    public E setTbptt(int value) { set(tbptt, value); return self(); }
    public E setPrecision(String value) { set(precision, value); return self(); }
    public E setAggregation(String value) { set(aggregation, value); return self(); }
    public E setAggregationDepth(int value) { set(aggregationDepth, value); return self(); }
    public E setSeed(long value) { set(seed, value); return self(); }
    public E setValidateEvery(int value) { set(validateEvery, value); return self(); }
    public E setPatience(int value) { set(patience, value); return self(); }
    public E setLogEvery(int value) { set(logEvery, value); return self(); }

    // output
    public Param<String> modelDir() { return modelDir; }
    public IntParam checkpointEvery() { return checkpointEvery; }
    public IntParam keepCheckpoints() { return keepCheckpoints; }
    public E setModelDir(String value) { set(modelDir, value); return self(); }
    public E setCheckpointEvery(int value) { set(checkpointEvery, value); return self(); }
    public E setKeepCheckpoints(int value) { set(keepCheckpoints, value); return self(); }
}
