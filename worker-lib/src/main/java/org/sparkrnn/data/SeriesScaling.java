package org.sparkrnn.data;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Each series' own scale ({@code --normalize series}), kept in the model by series key: what a window of that series
 * predicts (its first feature, and every label value) is divided by s, the mean of the absolute values of the
 * series' target over its training rows (before the hold-out time, when there is one), 1 for a series of zeros. A
 * prediction ŷ' comes back as ŷ = ŷ' · s, an error e' as e' · s. The series are not centred: a series that rises past
 * the range it was trained on stays in proportion (centring by the training mean and dividing by the spread, as a
 * standardisation does, puts a level shift many spreads away; measured on the bundled panels, docs/forecasting.md).
 * This is DeepAR's mean scaler, per series instead of per window.
 *
 * <p>A window of a series the model never saw (no training row) is divided by the mean of its own absolute values
 * instead. Keys are compared as text ({@code String.valueOf}), the way a table's key column reads; a model of a table
 * without a key column knows one series, which every window belongs to.
 *
 * <p>Immutable; the keys are sorted, so a scaling is the same whatever order its series were measured in.
 *
 * @see SeriesWindows#scaledBy
 */
public final class SeriesScaling implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    private final String keyColumn;
    private final String[] keys;
    private final double[] scales;
    private transient Map<String, Integer> index;

    /**
     * @param keyColumn the column that keys the series, or null (one series: {@code keys} has one entry)
     * @param keys      each series' key as text, ascending and distinct
     * @param scales    each series' scale, positive and finite
     */
    public SeriesScaling(String keyColumn, String[] keys, double[] scales) {
        this.keyColumn = keyColumn;
        this.keys = Objects.requireNonNull(keys, "keys").clone();
        this.scales = Objects.requireNonNull(scales, "scales").clone();
        if (scales.length != keys.length) {
            throw new IllegalArgumentException(keys.length + " keys and " + scales.length + " scales");
        }
        if (keyColumn == null && keys.length > 1) {
            throw new IllegalArgumentException("without a key column there is one series, got " + keys.length);
        }
        for (int k = 0; k < keys.length; k++) {
            if (k > 0 && keys[k - 1].compareTo(keys[k]) >= 0) {
                throw new IllegalArgumentException("keys must be ascending and distinct: '" + keys[k - 1]
                        + "' before '" + keys[k] + "'");
            }
            if (!(scales[k] > 0) || !Double.isFinite(scales[k])) {
                throw new IllegalArgumentException("series '" + keys[k] + "': scale " + scales[k]);
            }
        }
    }

    /** The scaling of series whose mean absolute values are {@code meanAbs} (0: a series of zeros, scale 1). */
    public static SeriesScaling of(String keyColumn, String[] keys, double[] meanAbs) {
        double[] scales = new double[meanAbs.length];
        for (int k = 0; k < scales.length; k++) {
            scales[k] = scaleOf(meanAbs[k]);
        }
        return new SeriesScaling(keyColumn, keys, scales);
    }

    private static double scaleOf(double meanAbs) {
        return meanAbs > 0 ? meanAbs : 1;
    }

    /** The column that keys the series, or null (one series). */
    public String keyColumn() {
        return keyColumn;
    }

    /** The number of series known. */
    public int size() {
        return keys.length;
    }

    /** Series k's key (k &lt; {@link #size}), as text. */
    public String key(int k) {
        return keys[k];
    }

    /** Series k's scale. */
    public double scale(int k) {
        return scales[k];
    }

    /** The series of {@code key}, or -1 when it is not known. */
    public int indexOf(Object key) {
        if (keyColumn == null) {
            return keys.length == 1 ? 0 : -1;
        }
        Map<String, Integer> byKey = index;
        if (byKey == null) {
            byKey = new HashMap<>(keys.length * 2);
            for (int k = 0; k < keys.length; k++) {
                byKey.put(keys[k], k);
            }
            index = byKey;
        }
        Integer k = byKey.get(String.valueOf(key));
        return k == null ? -1 : k;
    }

    /**
     * The scale of a window of series {@code key} whose first feature is {@code values[from + t · stride]},
     * t &lt; length: the series' own, or when it is not known the mean of the window's absolute values (1 when
     * they are all 0).
     */
    public double scaleOf(Object key, double[] values, int from, int stride, int length) {
        return scaleAt(indexOf(key), values, from, stride, length);
    }

    /** As {@link #scaleOf}, for series {@code k} ({@link #indexOf}; -1: not known), looked up once by the caller. */
    public double scaleAt(int k, double[] values, int from, int stride, int length) {
        if (k >= 0) {
            return scales[k];
        }
        double sum = 0;
        for (int t = 0; t < length; t++) {
            sum += Math.abs(values[from + t * stride]);
        }
        return scaleOf(sum / length);
    }

    /**
     * A new batch with each window b's first feature and label values as {@code x / scales[b]} (dense steps, value
     * labels per sequence, or none).
     */
    public static SequenceBatch apply(SequenceBatch batch, double[] scales) {
        return WindowTransform.expressed(batch, null, scales);
    }

    /** Predictions in scaled units (rows × V, a row per window) back in the windows' own units, in place. */
    public static void invertInPlace(double[] predictions, double[] scales) {
        if (scales.length == 0) {
            return;
        }
        int width = predictions.length / scales.length;
        for (int b = 0; b < scales.length; b++) {
            for (int v = 0; v < width; v++) {
                predictions[b * width + v] = predictions[b * width + v] * scales[b];
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SeriesScaling s && Objects.equals(keyColumn, s.keyColumn) && Arrays.equals(keys, s.keys)
                && Arrays.equals(scales, s.scales);
    }

    @Override
    public int hashCode() {
        return Objects.hash(keyColumn, Arrays.hashCode(keys), Arrays.hashCode(scales));
    }

    @Override
    public String toString() {
        return "SeriesScaling[" + keys.length + " series" + (keyColumn == null ? "" : " by " + keyColumn) + "]";
    }
}
