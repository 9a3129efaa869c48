package org.sparkrnn.driver.ml;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.sparkrnn.driver.config.Defaults;
import org.sparkrnn.driver.config.SettingError;
import org.sparkrnn.driver.config.Task;
import org.sparkrnn.driver.config.TrainingConfig;
import org.sparkrnn.driver.data.frame.FrameColumns;
import org.sparkrnn.driver.data.records.ReadContext;
import org.sparkrnn.driver.predict.PredictionLayout;
import org.sparkrnn.driver.train.Trainer;

import java.io.IOException;

/**
 * What {@link LstmRegressor} and {@link LstmClassifier} share: their params ({@link RecurrentParams}: the columns,
 * and every training setting as a typed param named as the command line's option in camelCase, with the same
 * default, taken from {@link Defaults}) and what they do with them. {@code fit} translates the params into the typed
 * {@link TrainingConfig} (checked there, errors naming the params) and runs the training loop ({@link Trainer}) on
 * the DataFrame. Without {@link #modelDir} nothing is written; with it the run writes its checkpoints, metrics, loss
 * curve and model file there as {@code lstm-spark train} does.
 */
public abstract class RecurrentEstimator<E extends RecurrentEstimator<E>> extends RecurrentParams<E>
        implements DefaultParamsWritable {

    private static final long serialVersionUID = 1L;

    protected RecurrentEstimator(String uid) {
        super(uid);
    }

    @Override
    public E copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /** The input schema with the columns the fitted model will add (as {@link LstmModel#transformSchema}). */
    @Override
    public StructType transformSchema(StructType schema) {
        columns().check(schema, "the input DataFrame");
        DataType label = schema.apply(getLabelCol()).dataType();
        if (getPerStepLabels()) {
            label = ((ArrayType) label).elementType();
        }
        boolean classes = task() == Task.CLASSIFICATION;
        try {
            // a probabilistic loss's model adds its quantiles: a quantile loss's levels, a distribution's defaults
            org.sparkrnn.driver.config.LossSetting loss = org.sparkrnn.driver.config.LossSetting.parse(getOrDefault(loss()));
            double[] levels = loss.loss() == null || !loss.loss().isProbabilistic() ? new double[0]
                    : (loss.quantiles().isEmpty() ? org.sparkrnn.model.Quantiles.parse(Defaults.QUANTILES,
                    "quantiles") : loss.quantiles()).stream().mapToDouble(Double::doubleValue).toArray();
            return PredictionLayout.beforeFitting(classes, getPerStepLabels(), !classes && label instanceof ArrayType,
                    getPredictionCol(), probabilityColumn()).withLevels(levels).appendTo(schema);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(uid() + ": " + e.getMessage(), e);
        }
    }

    /** The class probabilities column, for classifiers; null otherwise. */
    protected String probabilityColumn() {
        return null;
    }

    @Override
    public LstmModel fit(Dataset<?> dataset) {
        if (dataset.isStreaming()) {
            throw new IllegalArgumentException(uid() + ": fit trains on a batch DataFrame, and this one is streaming;"
                    + " train on what the stream has written (spark.read on its sink), then apply the model to the"
                    + " stream with transform");
        }
        transformSchema(dataset.schema()); // columns and their types, before any job runs
        FrameColumns columns = columns();
        TrainingConfig config = trainingConfig();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
        Trainer.Result result;
        try {
            // progress lines go to standard output, as the command line's (logEvery sets how often)
            result = new Trainer(sc, config, System.out).run((loader, options) ->
                    loader.loadForTraining(dataset.toDF(), columns, options,
                            ReadContext.fresh(config.normalize(), config.countTargets())));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (SettingError e) { // a setting that does not fit the data, named as this estimator's param
            throw new IllegalArgumentException(uid() + ": " + e.renderKeys(MlParams::paramName), e);
        }
        result.data().unpersist();
        LstmModel model = new LstmModel(uid(), result.model(), result.history());
        copyValues(model, ParamMap.empty());
        return model.setParent(this);
    }

    /**
     * The run these params describe, typed and checked by the same configuration records as the command line's
     * options (each front end translates its own surface; defaults come from {@link Defaults} for both). An invalid
     * combination names the params: {@code lstmRegressor_…: lr must be > 0, got -0.1}.
     */
    public TrainingConfig trainingConfig() {
        return EstimatorConfig.of(this);
    }
}
