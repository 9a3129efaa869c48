package org.sparkrnn.driver.predict;

import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;
import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.data.SequenceBlock;
import org.sparkrnn.driver.DataFormatError;
import org.sparkrnn.driver.config.InvalidRows;
import org.sparkrnn.driver.config.KernelSettings;
import org.sparkrnn.driver.data.frame.FrameColumns;
import org.sparkrnn.driver.data.records.Blocks;
import org.sparkrnn.driver.data.records.RecordChecker;
import org.sparkrnn.driver.data.records.RecordShape;
import org.sparkrnn.driver.data.records.SequenceRecord;
import org.sparkrnn.driver.exec.KernelCache;
import org.sparkrnn.driver.model.SavedModel;
import org.sparkrnn.kernel.ForwardResult;
import org.sparkrnn.kernel.NetworkKernel;
import org.sparkrnn.kernel.OutputMode;
import org.sparkrnn.kernel.RecurrentState;
import org.sparkrnn.model.ModelWeights;
import org.sparkrnn.serve.ModelOutputs;

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
    private final ModelOutputs outputs;
    private final LongAccumulator unknownSeries;
    private final KernelSettings settings;
    private final int chunk;

    /**
     * The model's input transforms (each series by its own scale, each window by its own origin and scale,
     * standardisation) are applied here.
     */
    public ChunkedPredictor(PredictionLayout layout, SavedModel model, KernelSettings settings, int chunk) {
        this(layout, model, settings, chunk, null);
    }

    /** The same, counting into {@code unknownSeries} the windows of series the model has no scale for (null: not). */
    public ChunkedPredictor(PredictionLayout layout, SavedModel model, KernelSettings settings, int chunk,
                            LongAccumulator unknownSeries) {
        this.unknownSeries = unknownSeries;
        if (chunk < 1) {
            throw new IllegalArgumentException("chunk must be at least 1, got " + chunk);
        }
        this.layout = layout;
        this.outputs = new ModelOutputs(model.standardization(), model.windowTransform(), model.seriesScaling(),
                layout.outputs(), layout.classes(), layout.levels());
        this.settings = settings;
        this.chunk = chunk;
    }

    /**
     * The rows of a DataFrame partition with the prediction columns appended, the features read from column
     * {@code featuresIndex} and checked against the model's input size. A row whose sequence cannot be read stops
     * the job with an error naming it ({@link InvalidRows#ERROR}: its position in the partition and its other
     * columns' values, which usually hold its key), is left out ({@code SKIP}) or gets null predictions
     * ({@code KEEP}). A model that scales each series finds a row's series in column {@code keyIndex} (-1: the model
     * knows one series); a model with a forecast decoder finds each window's future rows in column
     * {@code futureIndex} (-1: none). {@code access} reads and writes the rows: external {@code Row}s or Spark's
     * internal ones, with the same results.
     */
    <R> Iterator<R> rows(ModelWeights weights, Iterator<R> rows, ScoredRows<R> access, int featuresIndex,
                         int keyIndex, int futureIndex, String source, InvalidRows invalid) {
        RecordShape plain = new RecordShape(layout.shape().inputSize(), false, LabelShape.PER_SEQUENCE,
                LabelKind.NONE, 0, 0);
        // a forecast decoder's windows bring the rows of the steps they predict, checked as training checks them
        RecordShape unlabelled = futureIndex < 0 ? plain
                : plain.withFuture(weights.spec().decoder().steps(), weights.spec().decoder().features());
        RecordChecker checker = new RecordChecker(source, "row", unlabelled);
        int partition = TaskContext.get() == null ? 0 : TaskContext.getPartitionId();
        int appendedCount = layout.fields().size();
        return new ChunkIterator<R>() {
            long number;

            @Override
            List<R> nextChunk() {
                List<R> inputs = new ArrayList<>(chunk);
                List<Boolean> valid = new ArrayList<>(chunk);
                List<Object> keys = new ArrayList<>(chunk);
                int validCount = 0;
                SequenceBatch.Builder builder = Blocks.builderFor(unlabelled);
                while (validCount < chunk && rows.hasNext()) {
                    R row = rows.next();
                    number++;
                    try {
                        SequenceRecord record = new SequenceRecord();
                        record.steps.addAll(access.steps(row, featuresIndex, false, source, number));
                        if (futureIndex >= 0) {
                            record.future = access.steps(row, futureIndex, true, source, number);
                        }
                        if (validCount == 0) { // the chunk's windows are usually as long as its first
                            builder.reserveSteps((long) record.steps.size() * chunk);
                        }
                        checker.addInto(record, number, builder);
                    } catch (DataFormatError e) {
                        if (invalid == InvalidRows.ERROR) {
                            throw new DataFormatError(source, access.describe(row, featuresIndex, partition, number)
                                    + ": " + e.problem());
                        }
                        if (invalid == InvalidRows.KEEP) {
                            inputs.add(access.keep(row));
                            valid.add(false);
                        }
                        continue;
                    }
                    inputs.add(access.keep(row));
                    valid.add(true);
                    keys.add(keyIndex < 0 ? null : access.key(row, keyIndex));
                    validCount++;
                }
                if (inputs.isEmpty()) {
                    return inputs;
                }
                SequenceBatch batch = validCount == 0 ? null : builder.build();
                double[] out = batch == null ? null : outputs(weights, batch, keys.toArray());
                List<R> result = new ArrayList<>(inputs.size());
                int b = 0; // the sequence of the batch that row i is, if valid
                for (int i = 0; i < inputs.size(); i++) {
                    Object[] appended = new Object[appendedCount];
                    if (valid.get(i)) {
                        appended = layout.values(out, rowOf(batch, b), batch.length(b));
                        b++;
                    }
                    result.add(access.append(inputs.get(i), appended));
                }
                return result;
            }
        };
    }

    /**
     * The prediction columns of each of {@code windows} (a window model on a stream: the windows one micro-batch
     * completed in one series, predicted together, in chunks), the values {@link #rows} appends for the same windows
     * as rows. {@code key}: their series, for a model that scales each series; a window that cannot be read (a value
     * that is not finite) stops with an error naming it by {@code describe}.
     */
    Object[][] windows(ModelWeights weights, List<double[][]> windows, Object key, String source,
                       java.util.function.IntFunction<String> describe) {
        RecordShape plain = new RecordShape(layout.shape().inputSize(), false, LabelShape.PER_SEQUENCE,
                LabelKind.NONE, 0, 0);
        RecordChecker checker = new RecordChecker(source, "row", plain);
        Object[][] values = new Object[windows.size()][];
        for (int from = 0; from < windows.size(); from += chunk) {
            int to = Math.min(windows.size(), from + chunk);
            SequenceBatch.Builder builder = Blocks.builderFor(plain);
            builder.reserveSteps((long) windows.get(from).length * (to - from));
            for (int k = from; k < to; k++) {
                SequenceRecord record = new SequenceRecord();
                double[][] steps = windows.get(k);
                try {
                    for (int t = 0; t < steps.length; t++) {
                        FrameColumns.requireFinite(steps[t], t, source, k + 1L);
                        record.steps.add(steps[t]);
                    }
                    checker.addInto(record, k + 1L, builder);
                } catch (DataFormatError e) {
                    throw new DataFormatError(source, describe.apply(k) + ": " + e.problem());
                }
            }
            SequenceBatch batch = builder.build();
            Object[] keys = new Object[to - from];
            java.util.Arrays.fill(keys, key);
            double[] out = outputs(weights, batch, keys);
            for (int b = 0; b < batch.size(); b++) {
                values[from + b] = layout.values(out, rowOf(batch, b), batch.length(b));
            }
        }
        return values;
    }

    /** Rows holding only the prediction columns, one per sequence of the blocks (as read, untransformed), in order. */
    public Iterator<Row> blocks(ModelWeights weights, Iterator<SequenceBlock> blocks) {
        return new ChunkIterator<Row>() {
            SequenceBlock block;
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
                SequenceBatch batch = from == 0 && to == block.size() && block instanceof SequenceBatch whole ? whole
                        : block.select(java.util.stream.IntStream.range(from, to).toArray());
                from = to;
                double[] out = outputs(weights, batch, null);
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
     * outputs, then each window's own scale and origin, then its series'.
     *
     * @param keys each window's series key (null: none given)
     */
    private double[] outputs(ModelWeights weights, SequenceBatch batch, Object[] keys) {
        return forward(weights, batch, keys, layout.perStep() ? OutputMode.EVERY_STEP : OutputMode.LAST_STEP, null)
                .outputs();
    }

    /**
     * Every step's outputs in original units (steps × V, sequence after sequence) for a per-step model, each sequence
     * starting from {@code initial} (null: zeros), and the state after each sequence's last step: a stream carries it
     * to the series' next rows.
     */
    public ForwardResult everyStep(ModelWeights weights, SequenceBatch batch, RecurrentState initial) {
        return forward(weights, batch, null, OutputMode.EVERY_STEP, initial);
    }

    /**
     * The model's input transforms, the forward pass, then back ({@link ModelOutputs}: the same code the Spark-free
     * predictor runs), on a kernel from the executor's pool.
     */
    private ForwardResult forward(ModelWeights weights, SequenceBatch batch, Object[] keys, OutputMode mode,
                                  RecurrentState initial) {
        long[] unknown = {0};
        double[] scales = outputs.seriesScales(batch, keys, unknown);
        if (unknownSeries != null && unknown[0] > 0) {
            unknownSeries.add(unknown[0]);
        }
        NetworkKernel kernel = KernelCache.borrow(weights.spec(), settings);
        try {
            return outputs.forward(kernel, weights.params(), batch, scales, mode, initial);
        } finally {
            KernelCache.release(kernel);
        }
    }

    /** Flattens chunks computed on demand into one iterator. */
    private abstract static class ChunkIterator<R> implements Iterator<R> {
        private Iterator<R> current = java.util.Collections.emptyIterator();
        private boolean done;

        abstract List<R> nextChunk();

        @Override
        public boolean hasNext() {
            while (!current.hasNext() && !done) {
                List<R> next = nextChunk();
                done = next.isEmpty();
                current = next.iterator();
            }
            return current.hasNext();
        }

        @Override
        public R next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return current.next();
        }
    }
}
