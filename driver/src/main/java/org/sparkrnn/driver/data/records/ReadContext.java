package org.sparkrnn.driver.data.records;

import org.sparkrnn.data.SeriesScaling;
import org.sparkrnn.data.Standardization;
import org.sparkrnn.driver.config.Frequency;

/**
 * What a saved model fixes about data it reads: the record shape, the vocabulary (text), the standardisation, each
 * series' scaling and the time step of a table's series (used when no {@code --frequency} is given); null members
 * are inferred or computed from the training data. Every source reads with one.
 */
public record ReadContext(RecordShape shape, Vocabulary vocabulary, Standardization standardization,
                          boolean normalize, SeriesScaling seriesScaling, Frequency frequency) {

    /** A context that fixes no series' scaling nor time step. */
    public ReadContext(RecordShape shape, Vocabulary vocabulary, Standardization standardization, boolean normalize) {
        this(shape, vocabulary, standardization, normalize, null, null);
    }

    /** Nothing fixed yet: a new model's training data, standardised when {@code normalize}. */
    public static ReadContext fresh(boolean normalize) {
        return new ReadContext(null, null, null, normalize);
    }
}
