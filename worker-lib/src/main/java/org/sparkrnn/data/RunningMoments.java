package org.sparkrnn.data;

/**
 * Count, mean and sum of squared deviations of d dimensions, mergeable in any order (Chan et al.'s parallel form of
 * Welford's algorithm), so standardisation statistics computed over partitions are stable and do not depend on how
 * the data were split beyond rounding.
 */
public final class RunningMoments implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    private long count;
    private final double[] mean;
    private final double[] m2;

    public RunningMoments(int dimensions) {
        mean = new double[dimensions];
        m2 = new double[dimensions];
    }

    public static RunningMoments of(long count, double[] mean, double[] m2) {
        RunningMoments moments = new RunningMoments(mean.length);
        moments.count = count;
        System.arraycopy(mean, 0, moments.mean, 0, mean.length);
        System.arraycopy(m2, 0, moments.m2, 0, m2.length);
        return moments;
    }

    public int dimensions() {
        return mean.length;
    }

    /** Adds one observation of all dimensions, read from {@code values[offset ..]}. */
    public void add(double[] values, int offset) {
        count++;
        for (int j = 0; j < mean.length; j++) {
            double delta = values[offset + j] - mean[j];
            mean[j] += delta / count;
            m2[j] += delta * (values[offset + j] - mean[j]);
        }
    }

    /** Adds a one-hot observation (1 at {@code index}, 0 elsewhere). */
    public void addOneHot(int index) {
        count++;
        for (int j = 0; j < mean.length; j++) {
            double value = j == index ? 1.0 : 0.0;
            double delta = value - mean[j];
            mean[j] += delta / count;
            m2[j] += delta * (value - mean[j]);
        }
    }

    public RunningMoments merge(RunningMoments other) {
        if (other.mean.length != mean.length) {
            throw new IllegalArgumentException("cannot merge moments of " + other.mean.length + " and " + mean.length
                    + " dimensions");
        }
        if (other.count == 0) {
            return this;
        }
        long total = count + other.count;
        for (int j = 0; j < mean.length; j++) {
            double delta = other.mean[j] - mean[j];
            mean[j] += delta * other.count / total;
            m2[j] += other.m2[j] + delta * delta * ((double) count * other.count / total);
        }
        count = total;
        return this;
    }

    public long count() {
        return count;
    }

    public double[] mean() {
        return mean.clone();
    }

    public double[] m2() {
        return m2.clone();
    }

    /** Population standard deviation per dimension (as {@code StandardScaler}); 1 where it is 0. */
    public double[] std() {
        double[] std = new double[mean.length];
        for (int j = 0; j < std.length; j++) {
            double s = count > 0 ? Math.sqrt(m2[j] / count) : 0;
            std[j] = s > 0 ? s : 1.0;
        }
        return std;
    }
}
