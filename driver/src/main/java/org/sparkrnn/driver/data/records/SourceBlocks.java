package org.sparkrnn.driver.data.records;

import org.apache.spark.api.java.JavaRDD;
import org.sparkrnn.data.ParsedBlock;
import org.sparkrnn.data.SequenceBlock;
import org.sparkrnn.data.SeriesScaling;
import org.sparkrnn.driver.config.Frequency;

/**
 * What a source gives the loading pipeline: packed blocks before standardisation (one per partition), the training
 * side and the held-out side (null without a hold-out), the record shape, the vocabulary (text), how to free what
 * the blocks were computed from once the pipeline has cached its own, each series' scaling the windows are
 * expressed in (a long table's, or null), and the step between a series' rows (a long table's, given or inferred, or
 * null).
 */
public record SourceBlocks(JavaRDD<SequenceBlock> train, JavaRDD<SequenceBlock> validation, RecordShape shape,
                    Vocabulary vocabulary, Runnable release, SeriesScaling seriesScaling, Frequency frequency) {

    /** Blocks whose series are not scaled each by its own level, without a time step. */
    public SourceBlocks(JavaRDD<SequenceBlock> train, JavaRDD<SequenceBlock> validation, RecordShape shape,
                        Vocabulary vocabulary, Runnable release) {
        this(train, validation, shape, vocabulary, release, null, null);
    }

    /** The two sides of cached parsed blocks, freed with them. */
    public static SourceBlocks of(JavaRDD<ParsedBlock> cached, boolean heldOut, RecordShape shape) {
        return new SourceBlocks(Blocks.widen(cached.map(ParsedBlock::train)),
                heldOut ? Blocks.widen(cached.map(ParsedBlock::validation)) : null,
                shape, null, () -> cached.unpersist(false));
    }
}
