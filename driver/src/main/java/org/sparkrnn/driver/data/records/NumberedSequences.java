package org.sparkrnn.driver.data.records;

import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.sparkrnn.data.SequenceBatch;

/**
 * Sequences numbered in input order (CSV windows, text windows), their shape, the hold-out rule their format implies
 * and the input's size: what the loading pipeline cuts into contiguous blocks. {@link #release} frees them and what
 * they were computed from once the blocks are cached.
 *
 * @param source what {@code pairs} were computed from and must be kept until then, or null
 */
public record NumberedSequences(JavaPairRDD<Long, SequenceBatch> pairs, JavaRDD<SequenceBatch> source, RecordShape shape,
                         Vocabulary vocabulary, ValidationRule rule, long inputBytes) {

    public void release() {
        pairs.unpersist(false);
        if (source != null) {
            source.unpersist(false);
        }
    }
}
