package org.sparkrnn.driver.model;

import org.sparkrnn.data.Standardization;
import org.sparkrnn.driver.data.records.RecordShape;
import org.sparkrnn.driver.data.records.Vocabulary;
import org.sparkrnn.model.NetworkSpec;

/**
 * Everything needed to use a trained model on new data: the architecture and weights, the shape of its records,
 * and the standardisation and vocabulary its training data went through (each may be null), and whether its windows
 * were relative to their last value ({@link org.sparkrnn.data.RelativeToLast}).
 */
public record SavedModel(NetworkSpec spec, double[] params, RecordShape shape, Standardization standardization,
                         Vocabulary vocabulary, boolean relativeToLast) implements java.io.Serializable {
}
