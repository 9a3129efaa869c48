package org.sparkrnn.driver.predict;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.RelativeToLast;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.data.Standardization;
import org.sparkrnn.driver.data.FrameColumns;
import org.sparkrnn.driver.data.RecordChecker;
import org.sparkrnn.driver.data.RecordShape;
import org.sparkrnn.driver.exec.KernelCache;
import org.sparkrnn.driver.exec.KernelSettings;
import org.sparkrnn.driver.model.SavedModel;
import org.sparkrnn.kernel.ForwardResult;
import org.sparkrnn.kernel.NetworkKernel;
import org.sparkrnn.kernel.OutputMode;
import org.sparkrnn.model.ModelWeights;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The executor side of prediction: sequences are read and predicted in chunks of at most {@code chunk} as the
 * output iterator is pulled, so a partition streams through in memory bounded by one chunk (its rows, their
 * activations and outputs), whatever the partition's size. Kernels come from the executor's pool.
 */
public final class ChunkedPredictor implements Serializable {

    private static final long serialVersionUID = 1L;

    private final PredictionLayout layout;
    private final Standardization standardization;
    private final boolean relativeToLast;
    private final KernelSettings settings;
    private final int chunk;

    /** The model's input transforms (windows relative to their last value, standardisation) are applied here. */
    public ChunkedPredictor(PredictionLayout layout, SavedModel model, KernelSettings settings, int chunk) {
        if (chunk < 1) {
            throw new IllegalArgumentException("chunk must be at least 1, got " + chunk);
        }
        this.layout = layout;
        this.standardization = model.standardization();
        this.relativeToLast = model.relativeToLast();
        this.settings = settings;
        this.chunk = chunk;
    }

    /**
     * The rows of a DataFrame partition with the prediction columns appended, the features read from column
     * {@code featuresIndex} and checked against the model's input size.
     */
    public Iterator<Row> rows(ModelWeights weights, Iterator<Row> rows, FrameColumns columns, int featuresIndex,
                              String source) {
        RecordShape unlabelled = new RecordShape(layout.shape().inputSize(), false, LabelShape.PER_SEQUENCE,
                LabelKind.NONE, 0, 0);
        RecordChecker checker = new RecordChecker(source, "row", unlabelled);
        return new ChunkIterator() {
            long number;

            @Override
            List<Row> nextChunk() {
                List<Row> inputs = new ArrayList<>(chunk);
                SequenceBatch.Builder builder = SequenceBatch.unlabelledBuilder(unlabelled.inputSize());
                while (inputs.size() < chunk && rows.hasNext()) {
                    Row row = rows.next();
                    number++;
                    checker.addInto(columns.readFeatures(row, featuresIndex, source, number), number, builder);
                    inputs.add(row);
                }
                if (inputs.isEmpty()) {
                    return inputs;
                }
                SequenceBatch batch = builder.build();
                double[] out = outputs(weights, batch);
                List<Row> result = new ArrayList<>(inputs.size());
                for (int b = 0; b < inputs.size(); b++) {
                    Row in = inputs.get(b);
                    Object[] appended = layout.values(out, rowOf(batch, b), batch.length(b));
                    Object[] values = new Object[in.length() + appended.length];
                    for (int j = 0; j < in.length(); j++) {
                        values[j] = in.get(j);
                    }
                    System.arraycopy(appended, 0, values, in.length(), appended.length);
                    result.add(RowFactory.create(values));
                }
                return result;
            }
        };
    }

    /** Rows holding only the prediction columns, one per sequence of the blocks (as read, untransformed), in order. */
    public Iterator<Row> blocks(ModelWeights weights, Iterator<SequenceBatch> blocks) {
        return new ChunkIterator() {
            SequenceBatch block;
            int from;

            @Override
            List<Row> nextChunk() {
                while ((block == null || from >= block.size()) && blocks.hasNext()) {
                    block = blocks.next();
                    from = 0;
                }
                List<Row> result = new ArrayList<>();
                if (block == null || from >= block.size()) {
                    return result;
                }
                int to = Math.min(block.size(), from + chunk);
                SequenceBatch batch = from == 0 && to == block.size() ? block
                        : block.select(java.util.stream.IntStream.range(from, to).toArray());
                from = to;
                double[] out = outputs(weights, batch);
                for (int b = 0; b < batch.size(); b++) {
                    result.add(RowFactory.create(layout.values(out, rowOf(batch, b), batch.length(b))));
                }
                return result;
            }
        };
    }

    /** {@code rows} with a leading {@code long} column: {@code first}, {@code first + 1}, ... */
    public static Iterator<Row> numbered(Iterator<Row> rows, long first) {
        return new Iterator<>() {
            private long next = first;

            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Row next() {
                Row row = rows.next();
                Object[] values = new Object[row.length() + 1];
                values[0] = next++;
                for (int j = 0; j < row.length(); j++) {
                    values[j + 1] = row.get(j);
                }
                return RowFactory.create(values);
            }
        };
    }

    /** The first output row of sequence b: the sequence itself (last step) or its first step. */
    private int rowOf(SequenceBatch batch, int b) {
        return layout.perStep() ? batch.stepOffset(b) : b;
    }

    /**
     * Outputs in original units (rows × V): the model's input transforms, forward, then back: unscale value
     * outputs, add each window's origin.
     */
    private double[] outputs(ModelWeights weights, SequenceBatch batch) {
        SequenceBatch input = relativeToLast ? RelativeToLast.apply(batch) : batch;
        input = standardization == null ? input : standardization.apply(input);
        NetworkKernel kernel = KernelCache.borrow(weights.spec(), settings);
        ForwardResult result;
        try {
            result = kernel.forward(weights.params(), input,
                    layout.perStep() ? OutputMode.EVERY_STEP : OutputMode.LAST_STEP, null);
        } finally {
            KernelCache.release(kernel);
        }
        double[] out = result.outputs().clone(); // the kernel's workspace is reused by the next chunk
        if (standardization != null && !layout.classes()) {
            standardization.unscaleTargetsInPlace(out, layout.outputs());
        }
        if (relativeToLast) {
            RelativeToLast.addOriginsInPlace(out, batch);
        }
        return out;
    }

    /** Flattens chunks computed on demand into one iterator. */
    private abstract static class ChunkIterator implements Iterator<Row> {
        private Iterator<Row> current = java.util.Collections.emptyIterator();
        private boolean done;

        abstract List<Row> nextChunk();

        @Override
        public boolean hasNext() {
            while (!current.hasNext() && !done) {
                List<Row> next = nextChunk();
                done = next.isEmpty();
                current = next.iterator();
            }
            return current.hasNext();
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return current.next();
        }
    }
}
