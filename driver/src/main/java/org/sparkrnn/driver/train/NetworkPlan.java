package org.sparkrnn.driver.train;

import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.config.SettingError;
import org.sparkrnn.driver.config.TrainingConfig;
import org.sparkrnn.driver.data.records.RecordShape;
import org.sparkrnn.model.Decoder;
import org.sparkrnn.model.LayerSpec;
import org.sparkrnn.model.Loss;
import org.sparkrnn.model.NetworkSpec;
import org.sparkrnn.model.Pooling;
import org.sparkrnn.optim.LearningRateSchedule;
import org.sparkrnn.optim.OptimizerSettings;

import java.util.ArrayList;
import java.util.List;

/**
 * What a configuration means once the data are known: the network for their shape, the optimizer's settings and the
 * learning-rate schedule over the run's length. What needs the data (the loss against the labels) is checked here;
 * everything else was checked when the configuration was built.
 */
final class NetworkPlan {

    private NetworkPlan() {
    }

    /** The network for the data's shape: I inputs, the configured stack, V outputs (K classes). */
    static NetworkSpec spec(TrainingConfig.Model m, RecordShape shape) {
        boolean classes = shape.labelKind() == LabelKind.CLASSES;
        Loss loss = m.loss() != null ? m.loss() : classes ? Loss.CROSS_ENTROPY : Loss.MSE;
        if (loss.isClassification() != classes) {
            throw new SettingError("{--loss} " + loss.cliName() + " does not fit the labels ("
                    + shape.describeLabels() + "); use " + (classes ? "cross-entropy with class ids"
                    : "mse with numeric labels") + " or change {--task}");
        }
        List<LayerSpec> layers = new ArrayList<>();
        for (int h : m.hidden()) {
            layers.add(switch (m.cell()) {
                case LSTM -> LayerSpec.lstm(h);
                case GRU -> LayerSpec.gru(h);
                case RNN -> LayerSpec.rnn(h, m.activation());
            });
        }
        if (m.pooling() != Pooling.LAST && shape.labelShape() == LabelShape.PER_STEP) {
            throw new SettingError("{--pooling} " + m.pooling().cliName() + " pools a sequence for its one label;"
                    + " these data have " + shape.describeLabels() + " (use {--pooling} last)");
        }
        NetworkSpec spec = new NetworkSpec(shape.inputSize(), layers, shape.outputs(), loss, m.bidirectional(),
                m.dropout(), m.pooling(), null, m.quantiles());
        if (m.decoderHidden() == 0) {
            return spec;
        }
        if (shape.futureSteps() == 0 || loss.isClassification()) {
            throw new SettingError("{--decoder-hidden} forecasts each step of a long table's {--horizon}; these data"
                    + " have " + shape.describeLabels());
        }
        return spec.withDecoder(new Decoder(m.decoderHidden(), shape.futureSteps(), shape.knownInputs()));
    }

    static OptimizerSettings optimizer(TrainingConfig.Optim o) {
        try {
            return OptimizerSettings.defaultsFor(o.optimizer()).withMomentum(o.momentum(), o.nesterov())
                    .withWeightDecay(o.weightDecay());
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }

    static LearningRateSchedule rates(TrainingConfig.Optim o, long total) {
        try {
            return new LearningRateSchedule(o.schedule(), o.baseRate(), o.stepSize(), o.gamma(),
                    (int) Math.min(Integer.MAX_VALUE, total), o.minLr(), o.warmup());
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }
}
