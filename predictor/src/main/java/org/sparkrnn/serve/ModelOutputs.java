package org.sparkrnn.serve;

import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.data.SeriesScaling;
import org.sparkrnn.data.Standardization;
import org.sparkrnn.data.WindowTransform;
import org.sparkrnn.distribution.ForecastHead;
import org.sparkrnn.kernel.ForwardResult;
import org.sparkrnn.kernel.NetworkKernel;
import org.sparkrnn.kernel.OutputMode;
import org.sparkrnn.kernel.RecurrentState;

import java.io.Serializable;

/**
 * A model's outputs in the data's units, for {@code predict}, streams, the Spark ML transformer and the Spark-free
 * {@link Forecaster} alike (one code path, so they give the same numbers): each window's first feature over its
 * series' scale, the window expressed from itself, standardised, the forward pass, then back through each in reverse
 * order. A probabilistic head's outputs become rows of {@link #rowWidth()}: each value's point forecast, then its
 * quantile at each level.
 */
public final class ModelOutputs implements Serializable {

    private static final long serialVersionUID = 1L;

    private final Standardization standardization;
    private final WindowTransform windowTransform;
    private final SeriesScaling seriesScaling;
    private final int values;
    private final boolean classes;
    private final double[] levels;

    /**
     * @param values  V, the values (or classes) the model predicts per row
     * @param classes whether the outputs are class scores (which no target transform touches)
     * @param levels  the quantile levels a probabilistic model gives after its point forecast (empty: none)
     */
    public ModelOutputs(Standardization standardization, WindowTransform windowTransform,
                        SeriesScaling seriesScaling, int values, boolean classes, double[] levels) {
        this.standardization = standardization;
        this.windowTransform = windowTransform;
        this.seriesScaling = seriesScaling;
        this.values = values;
        this.classes = classes;
        this.levels = levels.clone();
    }

    /** The outputs of {@code model} with the quantiles at {@code levels}. */
    public static ModelOutputs of(ServedModel model, double[] levels) {
        return new ModelOutputs(model.standardization(), model.windowTransform(), model.seriesScaling(),
                model.spec().outputSize(), model.classifies(), levels);
    }

    /** The numbers of one output row: V for the point forecast, and V per quantile level. */
    public int rowWidth() {
        return values * (1 + levels.length);
    }

    public SeriesScaling seriesScaling() {
        return seriesScaling;
    }

    /**
     * Each window's series scale ({@code keys[b]}: window b's series, null when not known), or null for a model that
     * does not scale each series; a series the model never saw is scaled by its window's own mean absolute first
     * feature, and counted into {@code unknown[0]} when given.
     */
    public double[] seriesScales(SequenceBatch batch, Object[] keys, long[] unknown) {
        if (seriesScaling == null) {
            return null;
        }
        if (keys == null && seriesScaling.keyColumn() != null) {
            throw new IllegalStateException("a model that scales each series needs each window's series");
        }
        double[] scales = new double[batch.size()];
        for (int b = 0; b < batch.size(); b++) {
            int series = seriesScaling.indexOf(keys == null ? null : keys[b]);
            scales[b] = seriesScaling.scaleAt(series, batch.features(), batch.stepOffset(b) * batch.inputSize(),
                    batch.inputSize(), batch.length(b));
            if (series < 0 && unknown != null) {
                unknown[0]++;
            }
        }
        return scales;
    }

    /**
     * The input transforms, {@code kernel}'s forward pass, then back: unscale value outputs, each window's scale and
     * origin, each series' scale ({@code scales} from {@link #seriesScales}; null: none). {@code initial}: the state
     * each sequence starts from (null: zeros).
     */
    public ForwardResult forward(NetworkKernel kernel, double[] params, SequenceBatch batch, double[] scales,
                                 OutputMode mode, RecurrentState initial) {
        if (scales != null) {
            batch = SeriesScaling.apply(batch, scales);
        }
        SequenceBatch input = windowTransform.apply(batch);
        input = standardization == null ? input : standardization.apply(input);
        ForwardResult result = kernel.forward(params, input, mode, initial);
        ForecastHead head = ForecastHead.of(kernel.spec());
        double[] out = head == null ? result.outputs().clone() // the kernel's workspace is reused by the next batch
                : pointAndQuantiles(head, kernel.spec().parametersPerValue(), result, batch, scales);
        if (standardization != null && !classes) {
            standardization.unscaleTargetsInPlace(out, values);
        }
        windowTransform.invertInPlace(out, batch);
        if (scales != null) {
            SeriesScaling.invertInPlace(out, scales);
        }
        return new ForwardResult(result.mode(), head == null ? result.outputSize() : rowWidth(), out,
                result.finalState());
    }

    /**
     * A probabilistic head's raw outputs as rows of {@link #rowWidth}, in the model's units: each value's point
     * forecast, then its quantile at each level; what the input transforms' inverses then take back to the data's
     * units (each is affine and increasing: the quantiles stay quantiles). A negative binomial reads each window's
     * series scale ({@code scales}; null: 1).
     */
    private double[] pointAndQuantiles(ForecastHead head, int parameters, ForwardResult result, SequenceBatch batch,
                                       double[] scales) {
        int width = rowWidth();
        double[] raw = result.outputs();
        int rows = raw.length / result.outputSize();
        double[] out = new double[rows * width];
        boolean perStep = result.mode() == OutputMode.EVERY_STEP;
        int sequence = 0;
        for (int r = 0; r < rows; r++) {
            while (perStep && sequence + 1 < batch.size() && batch.stepOffset(sequence + 1) <= r) {
                sequence++;
            }
            double scale = scales == null ? 1 : scales[perStep ? sequence : r];
            int from = r * result.outputSize();
            for (int e = 0; e < values; e++) {
                out[r * width + e] = head.point(raw, from + e * parameters, scale);
                for (int k = 0; k < levels.length; k++) {
                    out[r * width + (1 + k) * values + e] = head.quantile(raw, from + e * parameters, levels[k],
                            scale);
                }
            }
        }
        return out;
    }
}
