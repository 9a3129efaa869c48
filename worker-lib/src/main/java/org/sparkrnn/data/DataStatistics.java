package org.sparkrnn.data;

/**
 * What the driver needs to know about a training set before training: how many sequences and steps, how many are
 * labelled, the largest class id, and the moments of features and value labels for standardisation. Built per
 * partition with {@link #add}, merged with {@link #merge}. A wire type.
 */
public final class DataStatistics implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    private long sequences;
    private long steps;
    private long labelledSteps;
    private int maxLength;
    private int maxClass = -1;
    private RunningMoments features;   // null until the first batch
    private RunningMoments targets;    // null for class labels

    public DataStatistics() {
    }

    public static DataStatistics of(long sequences, long steps, long labelledSteps, int maxLength, int maxClass,
                                    RunningMoments features, RunningMoments targets) {
        DataStatistics stats = new DataStatistics();
        stats.sequences = sequences;
        stats.steps = steps;
        stats.labelledSteps = labelledSteps;
        stats.maxLength = maxLength;
        stats.maxClass = maxClass;
        stats.features = features;
        stats.targets = targets;
        return stats;
    }

    public DataStatistics add(SequenceBatch batch) {
        if (features == null) {
            features = new RunningMoments(batch.inputSize());
            targets = batch.labelKind() == LabelKind.VALUES ? new RunningMoments(batch.labelWidth()) : null;
        }
        sequences += batch.size();
        steps += batch.totalSteps();
        maxLength = Math.max(maxLength, batch.maxLength());
        for (int row = 0; row < batch.totalSteps(); row++) {
            if (batch.isOneHot()) {
                features.addOneHot(batch.tokens()[row]);
            } else {
                features.add(batch.features(), row * batch.inputSize());
            }
        }
        for (int b = 0; b < batch.size(); b++) {
            for (int t = 0; t < batch.length(b); t++) {
                if (!batch.isLabelled(b, t)) {
                    continue;
                }
                labelledSteps++;
                int row = batch.labelRow(b, t);
                if (batch.labelKind() == LabelKind.CLASSES) {
                    maxClass = Math.max(maxClass, batch.classes()[row]);
                } else {
                    targets.add(batch.values(), row * batch.labelWidth());
                }
            }
        }
        return this;
    }

    /**
     * Adds {@code batch}'s counts (sequences, steps, labelled steps, longest, largest class) without the moments:
     * what a pass that only counts (no standardisation to compute) needs.
     */
    public DataStatistics addCounts(SequenceBatch batch) {
        addCounts(batch.size(), batch.totalSteps(), 0, batch.maxLength());
        for (int b = 0; b < batch.size(); b++) {
            for (int t = 0; t < batch.length(b); t++) {
                if (batch.isLabelled(b, t)) {
                    labelledSteps++;
                    if (batch.labelKind() == LabelKind.CLASSES) {
                        maxClass = Math.max(maxClass, batch.classes()[batch.labelRow(b, t)]);
                    }
                }
            }
        }
        return this;
    }

    /** Adds counts known without looking at the values (value labels: no class to track). */
    public DataStatistics addCounts(long sequences, long steps, long labelledSteps, int maxLength) {
        this.sequences += sequences;
        this.steps += steps;
        this.labelledSteps += labelledSteps;
        this.maxLength = Math.max(this.maxLength, maxLength);
        return this;
    }

    public DataStatistics merge(DataStatistics other) {
        sequences += other.sequences;
        steps += other.steps;
        labelledSteps += other.labelledSteps;
        maxLength = Math.max(maxLength, other.maxLength);
        maxClass = Math.max(maxClass, other.maxClass);
        if (other.features == null) {
            return this; // counts only (or nothing yet): no moments to merge
        }
        if (features == null) {
            features = new RunningMoments(other.features.dimensions());
            targets = other.targets == null ? null : new RunningMoments(other.targets.dimensions());
        }
        features.merge(other.features);
        if (targets != null && other.targets != null) {
            targets.merge(other.targets);
        }
        return this;
    }

    public long sequences() {
        return sequences;
    }

    public long steps() {
        return steps;
    }

    public long labelledSteps() {
        return labelledSteps;
    }

    public int maxLength() {
        return maxLength;
    }

    /** Largest class id seen, −1 when there are no class labels. */
    public int maxClass() {
        return maxClass;
    }

    public RunningMoments features() {
        return features;
    }

    public RunningMoments targets() {
        return targets;
    }
}
