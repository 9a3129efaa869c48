package org.sparkrnn.driver.model;

import org.sparkrnn.data.SeriesScaling;
import org.sparkrnn.driver.config.Frequency;
import org.sparkrnn.data.Standardization;
import org.sparkrnn.data.WindowTransform;
import org.sparkrnn.driver.data.records.RecordShape;
import org.sparkrnn.driver.data.records.Vocabulary;
import org.sparkrnn.model.NetworkSpec;

/**
 * Everything needed to use a trained model on new data: the architecture and weights, the shape of its records,
 * and the standardisation and vocabulary its training data went through (each may be null), and how each window was
 * expressed from itself before that ({@link WindowTransform}), and each series' own level and scale when it scales
 * each series ({@link SeriesScaling}, else null), and the step between a series' rows it was trained on (a long
 * table's, given or inferred; else null).
 */
public record SavedModel(NetworkSpec spec, double[] params, RecordShape shape, Standardization standardization,
                         Vocabulary vocabulary, WindowTransform windowTransform, SeriesScaling seriesScaling,
                         Frequency frequency)
        implements java.io.Serializable {

    /** A model that does not scale each series by its own statistics, without a time step. */
    public SavedModel(NetworkSpec spec, double[] params, RecordShape shape, Standardization standardization,
                      Vocabulary vocabulary, WindowTransform windowTransform) {
        this(spec, params, shape, standardization, vocabulary, windowTransform, null, null);
    }

    public SavedModel {
        java.util.Objects.requireNonNull(windowTransform, "windowTransform");
    }

    /** What serving this model needs, without Spark (the Spark-free predictor's, and the ONNX export's, view). */
    public org.sparkrnn.serve.ServedModel served() {
        return new org.sparkrnn.serve.ServedModel(spec, params, standardization, windowTransform, seriesScaling,
                shape.labelShape() == org.sparkrnn.data.LabelShape.PER_STEP);
    }
}
