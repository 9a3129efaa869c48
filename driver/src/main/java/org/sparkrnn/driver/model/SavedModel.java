package org.sparkrnn.driver.model;

import org.sparkrnn.data.Standardization;
import org.sparkrnn.data.WindowTransform;
import org.sparkrnn.driver.data.records.RecordShape;
import org.sparkrnn.driver.data.records.Vocabulary;
import org.sparkrnn.model.NetworkSpec;

/**
 * Everything needed to use a trained model on new data: the architecture and weights, the shape of its records,
 * and the standardisation and vocabulary its training data went through (each may be null), and how each window was
 * expressed from itself before that ({@link WindowTransform}).
 */
public record SavedModel(NetworkSpec spec, double[] params, RecordShape shape, Standardization standardization,
                         Vocabulary vocabulary, WindowTransform windowTransform) implements java.io.Serializable {

    public SavedModel {
        java.util.Objects.requireNonNull(windowTransform, "windowTransform");
    }
}
