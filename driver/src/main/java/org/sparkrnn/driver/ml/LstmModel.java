package org.sparkrnn.driver.ml;

import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.sparkrnn.data.LabelKind;
import org.sparkrnn.driver.config.Choices;
import org.sparkrnn.driver.config.Defaults;
import org.sparkrnn.driver.config.InvalidRows;
import org.sparkrnn.driver.config.KernelSettings;
import org.sparkrnn.driver.data.frame.FrameColumns;
import org.sparkrnn.driver.model.FileStore;
import org.sparkrnn.driver.model.ModelDirectory;
import org.sparkrnn.driver.model.ModelFile;
import org.sparkrnn.driver.model.SavedModel;
import org.sparkrnn.driver.predict.FramePredictor;
import org.sparkrnn.driver.predict.PredictionLayout;
import org.sparkrnn.driver.train.MetricsHistory;
import org.sparkrnn.kernel.Precision;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A fitted recurrent network as a Spark ML {@code Transformer}: {@code transform} appends the prediction column (and,
 * for classifiers, the probability column) to every row, reading the features column. The model is broadcast once
 * per transform; each partition streams through the forward pass in chunks of {@code chunkSize} rows. Saved with
 * {@code write().save(path)} as Spark ML's metadata plus {@code data/model.safetensors} (the same file as a model
 * directory's, float64), and loaded with {@link #load}, also as a stage of a saved {@code PipelineModel}.
 */
public final class LstmModel extends Model<LstmModel> implements MLWritable {

    private static final long serialVersionUID = 1L;
    static final String MODEL_FILE = ModelDirectory.SPARK_ML_MODEL;

    private final String uid;
    private final SavedModel saved;
    private final transient MetricsHistory history;

    private final Param<String> featuresCol;
    private final Param<String> predictionCol;
    private final Param<String> probabilityCol;
    private final Param<String> precision;
    private final IntParam chunkSize;
    private final Param<String> handleInvalid;
    private final Param<String> futureCol;
    private final Param<String> quantiles;

    /** @param history the training run's metrics, or null (a loaded model) */
    public LstmModel(String uid, SavedModel saved, MetricsHistory history) {
        this.uid = uid;
        this.saved = saved;
        this.history = history;
        featuresCol = new Param<>(this, "featuresCol", "features column: array<array<double>> or array<vector>");
        setDefault(featuresCol, "features");
        predictionCol = new Param<>(this, "predictionCol", "prediction column name");
        setDefault(predictionCol, "prediction");
        probabilityCol = new Param<>(this, "probabilityCol", "classifiers: class probabilities column name");
        setDefault(probabilityCol, "probability");
        precision = new Param<>(this, "precision", "compute precision of the forward pass: "
                + Choices.names(Precision.class), ParamChecks.choice(this, "precision", Precision.class));
        setDefault(precision, Defaults.PRECISION);
        chunkSize = new IntParam(this, "chunkSize", "rows per forward pass on an executor (bounds memory); at"
                + " least 1", ParamChecks.bound(this, "chunk-size"));
        setDefault(chunkSize, Defaults.Values.CHUNK_SIZE);
        handleInvalid = new Param<>(this, "handleInvalid", "rows whose features cannot be read (null or empty,"
                + " a null step, a number that is not finite, the wrong number of features): error (stop, naming the"
                + " row), skip (leave the row out) or keep (null prediction columns)",
                ParamChecks.choice(this, "handle-invalid", InvalidRows.class));
        setDefault(handleInvalid, Defaults.HANDLE_INVALID);
        futureCol = new Param<>(this, "futureCol", "a model with a forecast decoder: the column of each window's"
                + " future rows (array<array<double>>, SequenceWindows' futureCol)");
        setDefault(futureCol, "future");
        quantiles = new Param<>(this, "quantiles", "a probabilistic model's quantile levels, one output column each"
                + " (p10, p50, ...) after the point forecast, e.g. 0.1,0.5,0.9; empty: a quantile model's trained"
                + " levels, a distribution's " + Defaults.QUANTILES);
        setDefault(quantiles, "");
    }

    /** A model from a model directory's {@code model.safetensors} (e.g. trained by {@code lstm-spark train}). */
    public static LstmModel of(SavedModel saved) {
        return new LstmModel(Identifiable.randomUID("lstmModel"), saved, null);
    }

    @Override
    public String uid() {
        return uid;
    }

    /** The network, its weights (float64) and what its data went through (standardisation, vocabulary). */
    public SavedModel savedModel() {
        return saved;
    }

    /** The training run's metrics per iteration, or null for a model that was loaded. */
    public MetricsHistory trainingHistory() {
        return history;
    }

    @Override
    public LstmModel copy(ParamMap extra) {
        return copyValues(new LstmModel(uid, saved, history), extra).setParent(parent());
    }

    PredictionLayout layout(boolean vectors) {
        double[] levels;
        try {
            levels = org.sparkrnn.driver.model.ForecastLevels.of(saved,
                    getQuantiles().isEmpty() ? null : getQuantiles());
        } catch (org.sparkrnn.driver.config.SettingError e) {
            throw new IllegalArgumentException(uid + ": " + e.renderKeys(MlParams::paramName), e);
        }
        return new PredictionLayout(saved.shape(), saved.spec().outputSize(),
                saved.shape().labelKind() == LabelKind.CLASSES, getPredictionCol(), getProbabilityCol(), vectors,
                levels);
    }

    @Override
    public StructType transformSchema(StructType schema) {
        if (saved.shape().oneHot()) {
            throw new IllegalArgumentException(uid + ": a character model reads text; use lstm-spark sample or"
                    + " predict with --format text");
        }
        new FrameColumns(getFeaturesCol(), null, false).check(schema, "the input DataFrame");
        try {
            return layout(true).appendTo(schema, getHandleInvalid().equals(InvalidRows.KEEP.cliName()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(uid + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        try {
            return FramePredictor.transform(dataset.toDF(), saved, layout(true), getFeaturesCol(), getFutureCol(),
                    uid + " column '" + getFeaturesCol() + "'",
                    Choices.parse("handle-invalid", getHandleInvalid(), InvalidRows.class),
                    new KernelSettings(Choices.parse("precision", getPrecision(), Precision.class), 0),
                    getChunkSize());
        } catch (org.sparkrnn.driver.UserError e) { // a column the model needs is not there: Spark ML's exception
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    public static MLReader<LstmModel> read() {
        return new Reader();
    }

    public static LstmModel load(String path) {
        return read().load(path);
    }

    /** Spark ML's metadata (class, uid, params) and the model file. */
    private static final class Writer extends MLWriter {
        private final LstmModel model;

        Writer(LstmModel model) {
            this.model = model;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter.saveMetadata(model, path, sc(), scala.Option.empty(), scala.Option.empty());
            try {
                new FileStore(sc().hadoopConfiguration()).writeAtomically(FileStore.join(path, MODEL_FILE),
                        ModelFile.encode(model.saved, Precision.FLOAT64));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static final class Reader extends MLReader<LstmModel> {
        @Override
        public LstmModel load(String path) {
            DefaultParamsReader.Metadata metadata = DefaultParamsReader.loadMetadata(path, sc(),
                    LstmModel.class.getName());
            String file = FileStore.join(path, MODEL_FILE);
            try {
                SavedModel saved = ModelFile.decode(new FileStore(sc().hadoopConfiguration()).read(file), file);
                LstmModel model = new LstmModel(metadata.uid(), saved, null);
                metadata.getAndSetParams(model, scala.Option.empty());
                return model;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public Param<String> featuresCol() { return featuresCol; }
    public Param<String> predictionCol() { return predictionCol; }
    public Param<String> probabilityCol() { return probabilityCol; }
    public Param<String> precision() { return precision; }
    public IntParam chunkSize() { return chunkSize; }
    public String getFeaturesCol() { return getOrDefault(featuresCol); }
    public String getPredictionCol() { return getOrDefault(predictionCol); }
    public String getProbabilityCol() { return getOrDefault(probabilityCol); }
    public String getPrecision() { return getOrDefault(precision); }
    public int getChunkSize() { return (Integer) getOrDefault(chunkSize); }
    public Param<String> handleInvalid() { return handleInvalid; }
    public String getHandleInvalid() { return getOrDefault(handleInvalid); }
    public LstmModel setHandleInvalid(String value) { set(handleInvalid, value); return this; }
    public LstmModel setFeaturesCol(String value) { set(featuresCol, value); return this; }
    public Param<String> futureCol() { return futureCol; }
    public String getFutureCol() { return getOrDefault(futureCol); }
    public LstmModel setFutureCol(String value) { set(futureCol, value); return this; }
    public Param<String> quantiles() { return quantiles; }
    public String getQuantiles() { return getOrDefault(quantiles); }
    public LstmModel setQuantiles(String value) { set(quantiles, value); return this; }
    public LstmModel setPredictionCol(String value) { set(predictionCol, value); return this; }
    public LstmModel setProbabilityCol(String value) { set(probabilityCol, value); return this; }
    public LstmModel setPrecision(String value) { set(precision, value); return this; }
    public LstmModel setChunkSize(int value) { set(chunkSize, value); return this; }
}
