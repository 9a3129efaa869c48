package org.sparkrnn.driver.data.records;

import org.sparkrnn.data.SeriesScaling;
import org.sparkrnn.data.Standardization;
import org.sparkrnn.driver.config.Frequency;

/**
 * What a saved model fixes about data it reads: the record shape, the vocabulary (text), the standardisation, each
 * series' scaling and the time step of a table's series (used when no {@code --frequency} is given); null members
 * are inferred or computed from the training data; whether the targets are counts (a loss that reads them in the
 * data's units). Every source reads with one.
 */
public record ReadContext(RecordShape shape, Vocabulary vocabulary, Standardization standardization,
                          boolean normalize, SeriesScaling seriesScaling, Frequency frequency,
                          boolean countTargets) {

    /** A context for targets of any number (not only counts). */
    public ReadContext(RecordShape shape, Vocabulary vocabulary, Standardization standardization, boolean normalize,
                       SeriesScaling seriesScaling, Frequency frequency) {
        this(shape, vocabulary, standardization, normalize, seriesScaling, frequency, false);
    }

    /** A context that fixes no series' scaling nor time step. */
    public ReadContext(RecordShape shape, Vocabulary vocabulary, Standardization standardization, boolean normalize) {
        this(shape, vocabulary, standardization, normalize, null, null);
    }

    /** Nothing fixed yet: a new model's training data, standardised when {@code normalize}. */
    public static ReadContext fresh(boolean normalize) {
        return new ReadContext(null, null, null, normalize);
    }

    /**
     * Nothing fixed yet; when {@code normalize}, the features are standardised, and the targets too unless
     * {@code standardizeTargets} is false (a loss that reads counts in the data's units: the negative binomial).
     */
    public static ReadContext fresh(boolean normalize, boolean countTargets) {
        return new ReadContext(null, null, null, normalize, null, null, countTargets);
    }
}
