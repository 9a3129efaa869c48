package org.sparkrnn.data;

import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * What a partition caches for training and evaluation: sequences it hands out in any selection, as the
 * {@link SequenceBatch} the kernels read. A {@link SequenceBatch} is its own block (sequences stored as they are); a
 * {@link SeriesWindows} stores series once and makes the windows a selection asks for. Everything that walks a
 * block does so through {@link #select} in chunks, so that no more than a chunk of windows is ever materialised.
 */
public interface SequenceBlock extends java.io.Serializable {

    /** The number of sequences. */
    int size();

    /** A new batch of the chosen sequences, in the given order (indices may repeat). */
    SequenceBatch select(int... which);

    /** The same sequences standardised as {@code standardization} says. */
    SequenceBlock standardized(Standardization standardization);

    /**
     * Adds this block's counts (not its moments) to {@code stats}: by default chunk by chunk; blocks that know their
     * counts without materialising a window say so directly.
     */
    default DataStatistics countInto(DataStatistics stats, int chunk) {
        forEachChunk(chunk, stats::addCounts);
        return stats;
    }

    /** Calls {@code action} on consecutive batches of at most {@code chunk} sequences, in order. */
    default void forEachChunk(int chunk, Consumer<SequenceBatch> action) {
        forEachScaledChunk(chunk, (batch, scales) -> action.accept(batch));
    }

    /**
     * Each chosen sequence's label scale: what turns an error in the units {@link #select} gives back into the
     * data's own units, before any standardisation (windows scaled each by its own spread); null when every scale
     * is 1.
     */
    default double[] labelScales(int... which) {
        return null;
    }

    /**
     * Calls {@code action} on consecutive batches of at most {@code chunk} sequences, in order, with their label
     * scales ({@link #labelScales}; null: all 1).
     */
    default void forEachScaledChunk(int chunk, BiConsumer<SequenceBatch, double[]> action) {
        for (int from = 0; from < size(); from += chunk) {
            int to = Math.min(size(), from + chunk);
            int[] which = new int[to - from];
            for (int k = 0; k < which.length; k++) {
                which[k] = from + k;
            }
            selectScaled(which, action);
        }
    }

    /**
     * Hands {@code action} the chosen sequences ({@link #select}) and their label scales ({@link #labelScales});
     * a block that makes both from one selection does so once.
     */
    default void selectScaled(int[] which, BiConsumer<SequenceBatch, double[]> action) {
        action.accept(select(which), labelScales(which));
    }

    /** What {@link #forEachEvaluationChunk} hands over for each chunk. */
    @FunctionalInterface
    interface EvaluationChunk {
        /**
         * @param scales  each sequence's label scale ({@link #labelScales}; null: all 1)
         * @param actuals the labels in the data's own units, laid out as {@code batch.values()}: before any window
         *                transform, series scale or standardisation; null when this block does not keep them (a
         *                batch stored standardised: its standardisation undoes it)
         */
        void accept(SequenceBatch batch, double[] scales, double[] actuals);
    }

    /** As {@link #forEachScaledChunk}, with each chunk's labels in the data's own units when this block knows them. */
    default void forEachEvaluationChunk(int chunk, EvaluationChunk action) {
        for (int from = 0; from < size(); from += chunk) {
            int to = Math.min(size(), from + chunk);
            int[] which = new int[to - from];
            for (int k = 0; k < which.length; k++) {
                which[k] = from + k;
            }
            selectForEvaluation(which, action);
        }
    }

    /** The chosen sequences as {@link #selectScaled} gives them, with their labels in the data's units (or null). */
    default void selectForEvaluation(int[] which, EvaluationChunk action) {
        selectScaled(which, (batch, scales) -> action.accept(batch, scales, null));
    }

    /**
     * The label values of {@code batch} in the data's units: each multiplied by its sequence's label scale
     * ({@link SequenceBatch#labelScale}); for a batch that no transform or standardisation touched.
     */
    static double[] inDataUnits(SequenceBatch batch) {
        double[] values = batch.values().clone();
        int width = batch.labelWidth();
        for (int b = 0; b < batch.size(); b++) {
            double scale = batch.labelScale(b);
            if (scale != 1) {
                for (int t = 0; t < batch.length(b); t++) {
                    if (batch.isLabelled(b, t)) {
                        int row = batch.labelRow(b, t);
                        for (int j = 0; j < width; j++) {
                            values[row * width + j] *= scale;
                        }
                    }
                }
            }
        }
        return values;
    }
}
