package org.sparkrnn.data;

/**
 * How each window is expressed before the model reads it, from nothing but the window itself (no state: it serves new
 * series and streams alike). The window's first feature is what it predicts: that feature x_t and every label value y
 * (one value, or one per horizon) become (x − o) / s, with the window's origin o and scale s; other features
 * (covariates) stay as they are. A prediction ŷ' comes back as ŷ = ŷ' · s + o, an error e' as e = e' · s.
 * <ul>
 *   <li>{@link #NONE}: o = 0, s = 1;</li>
 *   <li>{@link #RELATIVE_TO_LAST}: o = x_T, the window's last value, s = 1: the model learns changes, not levels,
 *       so it is not lost when a trending series leaves the range it was trained on;</li>
 *   <li>{@link #WINDOW}: o = the window's mean, s = its standard deviation (as the per-window scalers of DeepAR and
 *       neuralforecast): every series on one scale, however far apart their levels;</li>
 *   <li>{@link #WINDOW_FROM_LAST}: o = x_T, s = the window's standard deviation: changes, on one scale.</li>
 * </ul>
 * A window whose first feature does not vary (standard deviation 0) is scaled by its level |o|, or by 1 when that is
 * 0 too. The model's standardisation, when it has one, applies after this transform.
 */
public enum WindowTransform {
    NONE(false, false),
    RELATIVE_TO_LAST(true, false),
    WINDOW(false, true),
    WINDOW_FROM_LAST(true, true);

    private final boolean fromLast;
    private final boolean scaled;

    WindowTransform(boolean fromLast, boolean scaled) {
        this.fromLast = fromLast;
        this.scaled = scaled;
    }

    /** The transform for these two choices: origin at the last value, scaled by the window's spread. */
    public static WindowTransform of(boolean fromLast, boolean scaled) {
        return scaled ? (fromLast ? WINDOW_FROM_LAST : WINDOW) : (fromLast ? RELATIVE_TO_LAST : NONE);
    }

    /** Whether the origin is the window's last value. */
    public boolean fromLast() {
        return fromLast;
    }

    /** Whether each window is divided by its own spread. */
    public boolean scaled() {
        return scaled;
    }

    /** Whether this transform changes anything. */
    public boolean isIdentity() {
        return this == NONE;
    }

    /** A new batch of windows in this transform's units (dense steps, value labels per sequence, or none). */
    public SequenceBatch apply(SequenceBatch batch) {
        if (isIdentity()) {
            return batch;
        }
        check(batch);
        double[] origins = new double[batch.size()];
        double[] scales = new double[batch.size()];
        for (int b = 0; b < batch.size(); b++) {
            double mean = mean(batch, b);
            origins[b] = origin(batch, b, mean);
            scales[b] = scale(batch, b, mean, origins[b]);
        }
        return expressed(batch, origins, scales);
    }

    /**
     * A new batch with each window b's first feature and label values as {@code (x − origins[b]) / scales[b]}
     * ({@code origins} null: {@code x / scales[b]}); dense steps, value labels per sequence, or none. What a window
     * transform and a series' scale ({@link SeriesScaling}) both do to a window.
     */
    static SequenceBatch expressed(SequenceBatch batch, double[] origins, double[] scales) {
        int inputs = batch.inputSize();
        int width = batch.labelWidth();
        int[] lengths = new int[batch.size()];
        double[] features = batch.features().clone();
        double[] values = batch.values() == null ? null : batch.values().clone();
        for (int b = 0; b < batch.size(); b++) {
            lengths[b] = batch.length(b);
            double scale = scales[b];
            int from = batch.stepOffset(b);
            for (int t = 0; t < lengths[b]; t++) {
                int j = (from + t) * inputs;
                features[j] = origins == null ? features[j] / scale : (features[j] - origins[b]) / scale;
            }
            if (values != null) {
                for (int v = 0; v < width; v++) {
                    int j = b * width + v;
                    values[j] = origins == null ? values[j] / scale : (values[j] - origins[b]) / scale;
                }
            }
        }
        // future rows stay as they are: the decoder reads only what is known in advance, never the target
        return new SequenceBatch(inputs, lengths, features, null, batch.labelShape(), batch.labelKind(),
                batch.labelWidth(), values, batch.classes(), batch.labelledMask(), batch.futureSteps(),
                batch.future());
    }

    /**
     * Predictions in this transform's units (rows × V, a row per window of {@code original}) back in the original
     * units, in place.
     */
    public void invertInPlace(double[] predictions, SequenceBatch original) {
        if (isIdentity()) {
            return;
        }
        check(original);
        int width = original.size() == 0 ? 1 : predictions.length / original.size();
        for (int b = 0; b < original.size(); b++) {
            double mean = mean(original, b);
            double origin = origin(original, b, mean);
            double scale = scale(original, b, mean, origin);
            for (int v = 0; v < width; v++) {
                predictions[b * width + v] = predictions[b * width + v] * scale + origin;
            }
        }
    }

    /**
     * Each window's scale s (what turns an error in this transform's units back into original units), or null when
     * every scale is 1.
     */
    public double[] scales(SequenceBatch original) {
        if (!scaled) {
            return null;
        }
        check(original);
        double[] scales = new double[original.size()];
        for (int b = 0; b < scales.length; b++) {
            double mean = mean(original, b);
            scales[b] = scale(original, b, mean, origin(original, b, mean));
        }
        return scales;
    }

    /** The mean of window b's first feature when this transform scales; else 0 (the origin of NONE). */
    private double mean(SequenceBatch batch, int b) {
        return scaled ? mean(batch.features(), batch.stepOffset(b) * batch.inputSize(), batch.inputSize(),
                batch.length(b)) : 0;
    }

    /** Window b's origin: its last value, its {@code mean} when scaled, else 0. */
    private double origin(SequenceBatch batch, int b, double mean) {
        return fromLast ? batch.feature(b, batch.length(b) - 1, 0) : mean;
    }

    private double scale(SequenceBatch batch, int b, double mean, double origin) {
        if (!scaled) {
            return 1;
        }
        return scale(std(batch.features(), batch.stepOffset(b) * batch.inputSize(), batch.inputSize(),
                batch.length(b), mean), origin, mean);
    }

    /** The mean of {@code values[from + t · stride]}, t &lt; length: a window's own level. */
    private static double mean(double[] values, int from, int stride, int length) {
        double sum = 0;
        for (int t = 0; t < length; t++) {
            sum += values[from + t * stride];
        }
        return sum / length;
    }

    /** The (population) standard deviation of {@code values[from + t · stride]}, t &lt; length, about {@code mean}. */
    private static double std(double[] values, int from, int stride, int length, double mean) {
        double squares = 0;
        for (int t = 0; t < length; t++) {
            double d = values[from + t * stride] - mean;
            squares += d * d;
        }
        return Math.sqrt(squares / length);
    }

    /**
     * What a window (or a series) is divided by: its standard deviation, or when it does not vary its level
     * ({@code |origin|}, else {@code |mean|}), or 1 when that is 0 too.
     */
    private static double scale(double std, double origin, double mean) {
        if (std > 0) {
            return std;
        }
        return origin != 0 ? Math.abs(origin) : mean != 0 ? Math.abs(mean) : 1;
    }

    private void check(SequenceBatch batch) {
        boolean values = batch.labelKind() == LabelKind.NONE || batch.labelKind() == LabelKind.VALUES;
        if (batch.isOneHot() || batch.labelShape() != LabelShape.PER_SEQUENCE || !values) {
            throw new IllegalArgumentException("windows " + describe() + " need dense steps and value labels per"
                    + " sequence");
        }
    }

    /** In words, for messages and logs. */
    public String describe() {
        return switch (this) {
            case NONE -> "as they are";
            case RELATIVE_TO_LAST -> "relative to their last value";
            case WINDOW -> "scaled by their own mean and spread";
            case WINDOW_FROM_LAST -> "relative to their last value, scaled by their own spread";
        };
    }
}
