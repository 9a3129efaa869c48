package org.sparkrnn.driver.data;

import org.apache.spark.api.java.JavaRDD;
import org.sparkrnn.data.DataStatistics;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.data.SequenceBlock;
import org.sparkrnn.data.Standardization;
import org.sparkrnn.driver.data.records.RecordShape;
import org.sparkrnn.driver.data.records.Vocabulary;

/**
 * A data set ready for training or evaluation: cached RDDs with exactly one {@link SequenceBatch} per partition
 * (standardised when asked), the record shape with K resolved, the training statistics, and what must be stored with
 * a model to read more data the same way (standardisation, vocabulary).
 *
 * @param validation null when there is no validation data
 */
public record LoadedData(JavaRDD<SequenceBlock> train, JavaRDD<SequenceBlock> validation, RecordShape shape,
                         DataStatistics trainStatistics, long validationSequences, Standardization standardization,
                         Vocabulary vocabulary) {

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
