package org.sparkrnn.driver.data.records;

import org.sparkrnn.data.Standardization;

/**
 * What a saved model fixes about data it reads: the record shape, the vocabulary (text) and the standardisation;
 * null members are inferred or computed from the training data. Every source reads with one.
 */
public record ReadContext(RecordShape shape, Vocabulary vocabulary, Standardization standardization,
                          boolean normalize) {

    /** Nothing fixed yet: a new model's training data, standardised when {@code normalize}. */
    public static ReadContext fresh(boolean normalize) {
        return new ReadContext(null, null, null, normalize);
    }
}
