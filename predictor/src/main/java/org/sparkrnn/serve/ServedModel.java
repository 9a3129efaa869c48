package org.sparkrnn.serve;

import org.sparkrnn.data.SeriesScaling;
import org.sparkrnn.data.Standardization;
import org.sparkrnn.data.WindowTransform;
import org.sparkrnn.model.NetworkSpec;

import java.util.Objects;

/**
 * What forecasting with a trained model needs, and nothing of Spark: the architecture and weights, and the transforms
 * its inputs went through before the network read them (each series by its own scale, each window from itself, the
 * standardisation), which its outputs go back through.
 *
 * @param standardization null: the model reads the data as it is
 * @param seriesScaling   each series' own scale, null unless the model scales each series
 * @param perStep         the model gives an output at every step (a label per step), else one per window
 */
public record ServedModel(NetworkSpec spec, double[] params, Standardization standardization,
                          WindowTransform windowTransform, SeriesScaling seriesScaling, boolean perStep) {

    public ServedModel {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(windowTransform, "windowTransform");
        new org.sparkrnn.model.ParameterLayout(spec).checkLength(params);
    }

    /** Whether the model gives class probabilities rather than values. */
    public boolean classifies() {
        return spec.loss().isClassification();
    }
}
