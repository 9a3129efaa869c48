package org.sparkrnn.driver.data.records;

import java.util.ArrayList;
import java.util.List;

/**
 * One sequence as read from a record (a JSON line, a DataFrame row), before it is checked against the data set's
 * {@link RecordShape}: its steps, and either one label for the sequence or one entry per step.
 */
public final class SequenceRecord {

    /** The steps, each an array of features. */
    public final List<double[]> steps = new ArrayList<>();
    /** The sequence's label: a Double, a double[], or null. */
    Object label;
    /** Per-step labels: each null, a Double or a double[]. */
    List<Object> labels;
    public boolean hasLabel;
    public boolean hasLabels;
    /** The rows of the steps the sequence predicts (a forecast decoder's input), or null. */
    public List<double[]> future;
    /** The record's other scalar fields (JSON Lines read for prediction), in order; null unless asked for. */
    public java.util.Map<String, Object> keys;

    /** A 64-bit FNV-1a digest of the steps and labels: a key for hold-outs that is the same wherever it is read. */
    public long contentHash() {
        long hash = 0xcbf29ce484222325L;
        for (double[] step : steps) {
            for (double x : step) {
                hash = (hash ^ Double.doubleToLongBits(x)) * 0x100000001b3L;
            }
            hash = (hash ^ 0x5bd1e995L) * 0x100000001b3L; // step boundary
        }
        if (hasLabel) {
            hash = mix(hash, label);
        }
        if (hasLabels) {
            for (Object entry : labels) {
                hash = entry == null ? (hash ^ 0x27d4eb2fL) * 0x100000001b3L : mix(hash, entry);
            }
        }
        return hash;
    }

    private static long mix(long hash, Object value) {
        double[] values = value instanceof Double d ? new double[] {d} : (double[]) value;
        for (double v : values) {
            hash = (hash ^ Double.doubleToLongBits(v)) * 0x100000001b3L;
        }
        return hash;
    }

    public void setLabel(Object value) {
        label = value;
        hasLabel = value != null;
    }

    public void setLabels(List<Object> values) {
        labels = values;
        hasLabels = true;
    }
}
