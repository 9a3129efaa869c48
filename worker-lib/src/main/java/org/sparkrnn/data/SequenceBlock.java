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
}
