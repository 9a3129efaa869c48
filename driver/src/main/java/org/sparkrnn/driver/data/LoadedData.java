package org.sparkrnn.driver.data;

import org.apache.spark.api.java.JavaRDD;
import org.sparkrnn.data.DataStatistics;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.data.SequenceBlock;
import org.sparkrnn.data.SeriesScaling;
import org.sparkrnn.driver.config.Frequency;
import org.sparkrnn.data.Standardization;
import org.sparkrnn.driver.data.records.RecordShape;
import org.sparkrnn.driver.data.records.Vocabulary;

/**
 * A data set ready for training or evaluation: cached RDDs with exactly one {@link SequenceBatch} per partition
 * (standardised when asked), the record shape with K resolved, the training statistics, and what must be stored with
 * a model to read more data the same way (standardisation, vocabulary, each series' scaling).
 *
 * @param validation    null when there is no validation data
 * @param seriesScaling each series' scale the windows were divided by, or null
 * @param frequency     the step between a series' rows (a long table's), or null
 */
public record LoadedData(JavaRDD<SequenceBlock> train, JavaRDD<SequenceBlock> validation, RecordShape shape,
                         DataStatistics trainStatistics, long validationSequences, Standardization standardization,
                         Vocabulary vocabulary, SeriesScaling seriesScaling, Frequency frequency) {

    /** Data whose series are not scaled each by its own statistics, without a time step. */
    public LoadedData(JavaRDD<SequenceBlock> train, JavaRDD<SequenceBlock> validation, RecordShape shape,
                      DataStatistics trainStatistics, long validationSequences, Standardization standardization,
                      Vocabulary vocabulary) {
        this(train, validation, shape, trainStatistics, validationSequences, standardization, vocabulary, null,
                null);
    }

    /** What standardised targets are multiplied by to report metrics in original units, or null. */
    public double[] targetScale() {
        return standardization == null ? null : standardization.targetStd();
    }

    public long trainSequences() {
        return trainStatistics.sequences();
    }

    public void unpersist() {
        train.unpersist(false);
        if (validation != null) {
            validation.unpersist(false);
        }
    }
}
