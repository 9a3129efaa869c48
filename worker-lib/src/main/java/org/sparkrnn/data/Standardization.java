package org.sparkrnn.data;

import java.util.Objects;

/**
 * Standardisation of dense features and value labels: {@code (x − mean) / std} per dimension, with statistics
 * from the training set, stored with the model so evaluation and prediction apply the same transform and predictions
 * come back in original units. Either side may be absent (null arrays): one-hot features and class labels are never
 * scaled.
 */
public record Standardization(double[] featureMean, double[] featureStd, double[] targetMean, double[] targetStd)
        implements java.io.Serializable {

    public Standardization {
        if ((featureMean == null) != (featureStd == null) || (targetMean == null) != (targetStd == null)) {
            throw new IllegalArgumentException("mean and std come in pairs");
        }
    }

    /** From training-set statistics: features when dense, targets when values. */
    public static Standardization from(DataStatistics stats, boolean denseFeatures) {
        RunningMoments f = denseFeatures ? stats.features() : null;
        RunningMoments t = stats.targets();
        return new Standardization(f == null ? null : f.mean(), f == null ? null : f.std(),
                t == null ? null : t.mean(), t == null ? null : t.std());
    }

    /** This standardisation of the features alone: the labels stay in their units. */
    public Standardization withoutTargets() {
        return new Standardization(featureMean, featureStd, null, null);
    }

    /**
     * A new batch with standardised features (the future rows too) and value labels (unlabelled steps keep their
     * placeholder zeros).
     */
    public SequenceBatch apply(SequenceBatch batch) {
        Objects.requireNonNull(batch, "batch");
        double[] features = batch.features();
        double[] future = batch.future();
        if (featureMean != null && features != null) {
            checkWidth(batch.inputSize(), featureMean.length, "feature");
            features = standardizedRows(features, batch.inputSize());
            future = future == null ? null : standardizedRows(future, batch.inputSize());
        }
        double[] values = batch.values();
        if (targetMean != null && values != null) {
            values = values.clone();
            int v = batch.labelWidth();
            checkWidth(v, targetMean.length, "target");
            boolean[] mask = batch.labelledMask();
            for (int j = 0; j < values.length; j++) {
                if (mask == null || mask[j / v]) {
                    values[j] = (values[j] - targetMean[j % v]) / targetStd[j % v];
                }
            }
        }
        if (features == batch.features() && values == batch.values()) {
            return batch;
        }
        int[] lengths = new int[batch.size()];
        for (int b = 0; b < lengths.length; b++) {
            lengths[b] = batch.length(b);
        }
        return new SequenceBatch(batch.inputSize(), lengths, features, batch.tokens(), batch.labelShape(),
                batch.labelKind(), batch.labelWidth(), values, batch.classes(), batch.labelledMask(),
                batch.futureSteps(), future);
    }

    /** A copy of {@code rows} (rows × {@code in} inputs), each input standardised. */
    private double[] standardizedRows(double[] rows, int in) {
        double[] out = rows.clone();
        for (int j = 0; j < out.length; j++) {
            out[j] = (out[j] - featureMean[j % in]) / featureStd[j % in];
        }
        return out;
    }

    /** Predictions (rows × V, standardised units) back to original units, in place. */
    public void unscaleTargetsInPlace(double[] outputs, int v) {
        if (targetMean == null) {
            return;
        }
        for (int j = 0; j < outputs.length; j++) {
            outputs[j] = outputs[j] * targetStd[j % v] + targetMean[j % v];
        }
    }

    private static void checkWidth(int actual, int expected, String what) {
        if (actual != expected) {
            throw new IllegalArgumentException(what + " standardisation has " + expected + " dimensions, data " + actual);
        }
    }
}
