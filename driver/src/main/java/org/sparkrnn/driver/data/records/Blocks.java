package org.sparkrnn.driver.data.records;

import org.apache.spark.api.java.JavaRDD;
import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.ParsedBlock;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.data.SequenceBlock;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/** Building and merging the packed blocks every source produces. */
public final class Blocks {

    private Blocks() {
    }

    /** A builder of batches of this record shape. */
    public static SequenceBatch.Builder builderFor(RecordShape shape) {
        return shape.oneHot()
                ? SequenceBatch.tokenBuilder(shape.inputSize(), shape.labelShape(), shape.labelKind(),
                shape.labelWidth())
                : shape.futureSteps() > 0 ? SequenceBatch.builder(shape.inputSize(), shape.labelShape(),
                shape.labelKind(), shape.labelWidth(), shape.futureSteps())
                : shape.labelKind() == LabelKind.NONE ? SequenceBatch.unlabelledBuilder(shape.inputSize())
                : SequenceBatch.builder(shape.inputSize(), shape.labelShape(), shape.labelKind(), shape.labelWidth());
    }

    /**
     * The same RDD seen as blocks: every {@link SequenceBatch} is a {@link SequenceBlock}, and an RDD is only ever
     * read, so the view is safe.
     */
    @SuppressWarnings("unchecked")
    public static JavaRDD<SequenceBlock> widen(JavaRDD<? extends SequenceBlock> blocks) {
        return (JavaRDD<SequenceBlock>) blocks;
    }

    /** A batch of no sequence with the record shape: what an empty partition holds. */
    static SequenceBatch emptyOfShape(RecordShape shape) {
        return builderFor(shape).build();
    }

    /** The blocks of several splits that coalesce put in one partition, as one block, in order. */
    public static Iterator<ParsedBlock> merge(Iterator<ParsedBlock> blocks) {
        List<SequenceBatch> train = new ArrayList<>();
        List<SequenceBatch> validation = new ArrayList<>();
        List<String> rejects = new ArrayList<>();
        blocks.forEachRemaining(block -> {
            train.add(block.train());
            validation.add(block.validation());
            rejects.addAll(block.rejects());
        });
        return Collections.singletonList(new ParsedBlock(SequenceBatch.concat(train.get(0), train),
                SequenceBatch.concat(validation.get(0), validation), rejects)).iterator();
    }
}
