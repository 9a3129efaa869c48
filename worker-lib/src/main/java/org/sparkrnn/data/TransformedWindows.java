package org.sparkrnn.data;

import java.util.Objects;

/**
 * Windows with the model's input transforms applied as they are made: each window relative to its last value
 * ({@link RelativeToLast}), then standardised. The stored rows stay raw (a window's origin differs from its
 * neighbour's, so the transforms cannot be applied to rows once); the cost is a pass over each selected batch, far
 * below the forward pass that reads it. A wire type.
 *
 * @param standardization null for none
 */
public record TransformedWindows(SeriesWindows windows, boolean relativeToLast, Standardization standardization)
        implements SequenceBlock {

    public TransformedWindows {
        Objects.requireNonNull(windows, "windows");
    }

    @Override
    public int size() {
        return windows.size();
    }

    @Override
    public SequenceBatch select(int... which) {
        SequenceBatch batch = windows.select(which);
        if (relativeToLast) {
            batch = RelativeToLast.apply(batch);
        }
        return standardization == null ? batch : standardization.apply(batch);
    }

    @Override
    public DataStatistics countInto(DataStatistics stats, int chunk) {
        return windows.countInto(stats, chunk);
    }

    @Override
    public SequenceBlock standardized(Standardization standardization) {
        if (this.standardization != null) {
            throw new IllegalStateException("these windows are standardised already");
        }
        return new TransformedWindows(windows, relativeToLast, standardization);
    }
}
