package org.sparkrnn.driver.ml;

import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.sparkrnn.data.WindowTransform;
import org.sparkrnn.driver.config.Aggregation;
import org.sparkrnn.driver.config.Choices;
import org.sparkrnn.driver.config.ColumnWindows;
import org.sparkrnn.driver.config.DataOptions;
import org.sparkrnn.driver.config.Defaults;
import org.sparkrnn.driver.config.LossSetting;
import org.sparkrnn.driver.config.MissingValues;
import org.sparkrnn.driver.config.Normalization;
import org.sparkrnn.driver.config.SettingError;
import org.sparkrnn.driver.config.Split;
import org.sparkrnn.driver.config.TrainingConfig;
import org.sparkrnn.kernel.Precision;
import org.sparkrnn.model.Activation;
import org.sparkrnn.model.CellType;
import org.sparkrnn.model.InitScheme;
import org.sparkrnn.model.Loss;
import org.sparkrnn.model.Pooling;
import org.sparkrnn.optim.LearningRateSchedule;
import org.sparkrnn.optim.OptimizerKind;


import java.util.Arrays;
import java.util.List;

/**
 * An estimator's params translated into the typed {@link TrainingConfig}: each param's value becomes its number or
 * enum here, the configuration records check the rest, and a {@link SettingError} is rendered with the params'
 * names ({@code lstmRegressor_…: dropout must be in [0, 1), got 1.0}). The data options a DataFrame has no use for
 * (files, CSV windows) keep their defaults.
 */
final class EstimatorConfig {

    private EstimatorConfig() {
    }

    static TrainingConfig of(RecurrentParams<?> e) {
        try {
            Normalization normalize = Choices.parse("normalize", text(e, e.normalize()), Normalization.class);
            if (normalize.scalesSeries()) {
                throw new SettingError("{--normalize} series scales each series of a long table by its own training"
                        + " statistics, which a DataFrame of windows does not hold: train on the table with the"
                        + " command line (lstm-spark train --normalize series), or scale each window by its own"
                        + " values ({--normalize} window)");
            }
            // windows expressed each from its own values (relative to the last, scaled by the spread): the
            // DataFrame's sequences are the windows (first feature the target), as SequenceWindows makes them
            WindowTransform transform = WindowTransform.of(flag(e, e.relativeToLast()), normalize.scalesWindows());
            ColumnWindows windows = transform.isIdentity() ? null : new ColumnWindows(null, null,
                    Defaults.Values.WINDOW, Defaults.Values.HORIZON, null, MissingValues.SKIP, transform, List.of());
            DataOptions data = new DataOptions(DataOptions.FRAME, e.columns().describe(), null,
                    real(e, e.validationFraction()), Choices.parse("split", text(e, e.split()), Split.class),
                    e.task(), e.classCount(), integer(e, e.partitions()), whole(e, e.seed()),
                    either(e, e.onBadRecord(), "skip", "fail"), null, DataOptions.COMMA, true, windows, null);
            double forget = real(e, e.forgetBias());
            String loss = text(e, e.loss());
            TrainingConfig.Model model = new TrainingConfig.Model(
                    Choices.parse("cell", text(e, e.cell()), CellType.class),
                    Arrays.stream(e.getHidden()).boxed().toList(),
                    Choices.parse("activation", text(e, e.activation()), Activation.class),
                    LossSetting.parse(loss),
                    Choices.parse("init-scheme", text(e, e.initScheme()), InitScheme.class),
                    Double.isNaN(forget) ? null : forget, e.isDefined(e.initFile()) ? text(e, e.initFile()) : null,
                    flag(e, e.bidirectional()), real(e, e.dropout()),
                    Choices.parse("pooling", text(e, e.pooling()), Pooling.class), integer(e, e.decoderHidden()));
            TrainingConfig.Optim optim = new TrainingConfig.Optim(
                    Choices.parse("optimizer", text(e, e.optimizer()), OptimizerKind.class),
                    e.isDefined(e.lr()) ? real(e, e.lr()) : null, real(e, e.momentum()), flag(e, e.nesterov()),
                    real(e, e.weightDecay()), real(e, e.clipNorm()),
                    Choices.parse("schedule", text(e, e.schedule()), LearningRateSchedule.Kind.class),
                    integer(e, e.stepSize()), real(e, e.gamma()), real(e, e.minLr()), integer(e, e.warmup()));
            TrainingConfig.Loop loop = new TrainingConfig.Loop(whole(e, e.iterations()), real(e, e.epochs()),
                    integer(e, e.batchSize()), integer(e, e.tbptt()),
                    Choices.parse("precision", text(e, e.precision()), Precision.class),
                    Choices.parse("aggregation", text(e, e.aggregation()), Aggregation.class),
                    integer(e, e.aggregationDepth()), whole(e, e.seed()), integer(e, e.validateEvery()),
                    integer(e, e.patience()), integer(e, e.logEvery()), integer(e, e.checkpointEvery()),
                    integer(e, e.keepCheckpoints()));
            TrainingConfig.Output output = e.isDefined(e.modelDir())
                    ? new TrainingConfig.Output(text(e, e.modelDir()), false, null, null)
                    : TrainingConfig.Output.none();
            return new TrainingConfig(data, model, optim, loop, output, normalize.standardizes());
        } catch (SettingError error) {
            throw new IllegalArgumentException(e.uid() + ": " + error.renderKeys(MlParams::paramName), error);
        }
    }

    /** A two-valued text param: true for {@code yes}, false for {@code no}, else a {@link SettingError}. */
    private static boolean either(RecurrentParams<?> e, Param<String> param, String yes, String no) {
        String value = text(e, param);
        if (value.equals(yes) || value.equals(no)) {
            return value.equals(yes);
        }
        String key = param.name().replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
        throw new SettingError("unknown {" + key + "} '" + value + "', expected one of " + no + ", " + yes);
    }

    private static String text(RecurrentParams<?> e, Param<String> param) {
        return e.getOrDefault(param);
    }

    private static double real(RecurrentParams<?> e, DoubleParam param) {
        return (Double) e.getOrDefault(param);
    }

    private static int integer(RecurrentParams<?> e, IntParam param) {
        return (Integer) e.getOrDefault(param);
    }

    private static long whole(RecurrentParams<?> e, LongParam param) {
        return (Long) e.getOrDefault(param);
    }

    private static boolean flag(RecurrentParams<?> e, BooleanParam param) {
        return (Boolean) e.getOrDefault(param);
    }
}
