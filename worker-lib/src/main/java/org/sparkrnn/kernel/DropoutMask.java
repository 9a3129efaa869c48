package org.sparkrnn.kernel;

import org.sparkrnn.data.SequenceBatch;

/**
 * Which units inverted dropout keeps, as a pure function of (seed, sequence, layer, step, unit): a kept unit is
 * scaled by 1/(1−p), a dropped one is 0. The sequence enters through a digest of its inputs, not its position, so a
 * sequence gets the same mask in whatever partition and batch position it lands: a run is reproducible and
 * independent of the partitioning. The fast kernel and the reference network draw from the same function.
 */
public final class DropoutMask {

    private DropoutMask() {
    }

    /** A digest of sequence b's inputs (features or tokens), its key for {@link #scale}. */
    public static long sequenceKey(SequenceBatch batch, int b) {
        long hash = 0xcbf29ce484222325L;
        int from = batch.stepOffset(b);
        int steps = batch.length(b);
        if (batch.isOneHot()) {
            int[] tokens = batch.tokens();
            for (int t = 0; t < steps; t++) {
                hash = (hash ^ tokens[from + t]) * 0x100000001b3L;
            }
        } else {
            double[] features = batch.features();
            int in = batch.inputSize();
            for (int j = from * in; j < (from + steps) * in; j++) {
                hash = (hash ^ Double.doubleToLongBits(features[j])) * 0x100000001b3L;
            }
        }
        return mix(hash + steps);
    }

    /** 0 (dropped) or 1/(1−p) (kept) for one unit of layer {@code layer}'s output at step t. */
    public static double scale(long seed, long sequenceKey, int layer, int t, int unit, double p) {
        long h = mix(seed ^ mix(sequenceKey + 0x9E3779B97F4A7C15L * (layer + 1)));
        h = mix(h ^ (((long) t << 32) | (unit & 0xffffffffL)));
        double u = (h >>> 11) * 0x1.0p-53;
        return u < p ? 0.0 : 1.0 / (1.0 - p);
    }

    /** SplitMix64's finaliser. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
