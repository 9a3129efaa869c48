package org.sparkrnn.data;

import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Windows with the model's input transforms applied as they are made: each window by its own origin and scale
 * ({@link WindowTransform}), then standardised. The stored windows stay raw (a window's origin differs from its
 * neighbour's, so the transforms cannot be applied to rows once); the cost is a pass over each selected batch, far
 * below the forward pass that reads it. The windows are {@link SeriesWindows} (a series' rows stored once) or a
 * {@link SequenceBatch} of windows made elsewhere (a DataFrame of windows). A wire type.
 *
 * @param standardization null for none
 */
public record TransformedWindows(SequenceBlock windows, WindowTransform transform, Standardization standardization)
        implements SequenceBlock {

    /**
     * {@code windows} expressed by {@code transform} as they are made (themselves for {@link WindowTransform#NONE}).
     */
    public static SequenceBlock of(SequenceBlock windows, WindowTransform transform) {
        return transform.isIdentity() ? windows : new TransformedWindows(windows, transform, null);
    }

    public TransformedWindows {
        Objects.requireNonNull(windows, "windows");
        Objects.requireNonNull(transform, "transform");
    }

    @Override
    public int size() {
        return windows.size();
    }

    @Override
    public SequenceBatch select(int... which) {
        return transformed(windows.select(which));
    }

    private SequenceBatch transformed(SequenceBatch raw) {
        SequenceBatch batch = transform.apply(raw);
        batch = standardization == null ? batch : standardization.apply(batch);
        // the windows' own scales stay with them (a loss in the data's units reads them: the negative binomial's)
        return batch == raw || raw.labelScales() == null ? batch : batch.withLabelScales(raw.labelScales());
    }

    @Override
    public double[] labelScales(int... which) {
        return transform.scaled() ? transform.scales(windows.select(which)) : windows.labelScales(which);
    }

    /**
     * The raw windows made once: transformed for the batch, measured for the scales (or the windows' own, e.g. their
     * series', when the transform does not scale).
     */
    @Override
    public void selectScaled(int[] which, BiConsumer<SequenceBatch, double[]> action) {
        SequenceBatch raw = windows.select(which);
        action.accept(transformed(raw), transform.scaled() ? transform.scales(raw) : windows.labelScales(which));
    }

    /** The raw windows made once: transformed for the batch; their labels, times their series' scales, the actuals. */
    @Override
    public void selectForEvaluation(int[] which, EvaluationChunk action) {
        SequenceBatch raw = windows.select(which);
        action.accept(transformed(raw), transform.scaled() ? transform.scales(raw) : windows.labelScales(which),
                SequenceBlock.inDataUnits(raw));
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
        return new TransformedWindows(windows, transform, standardization);
    }
}
