package org.sparkrnn.driver.exec;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * Which sequences each partition contributes at each iteration, computed where the data are (nothing moves over the
 * network). With N training sequences and a global batch of B, an epoch has E = ceil(N / B) iterations; in iteration
 * j of epoch e, partition p (n_p sequences) takes positions [⌊j·n_p/E⌋, ⌊(j+1)·n_p/E⌋) of its own permutation for
 * epoch e, seeded by (seed, e, p). So every partition contributes its proportional share, every sequence is used
 * exactly once per epoch, and the whole cursor is the iteration number. {@code batchSize == 0} means all
 * sequences every iteration (full-batch gradient descent), in stored order.
 */
public record BatchSchedule(long totalSequences, int batchSize, long seed) implements Serializable {

    public BatchSchedule {
        if (totalSequences < 1) {
            throw new IllegalArgumentException("no training sequence to schedule");
        }
        if (batchSize < 0) {
            throw new IllegalArgumentException("batch size must be positive or 0 (all), got " + batchSize);
        }
    }

    /**
     * The dropout seed of an iteration: every partition draws its masks from it (see
     * {@link org.sparkrnn.kernel.DropoutMask}), so the masks do not depend on the partitioning.
     */
    public long dropoutSeed(long iteration) {
        return mix(mix(seed ^ 0x5DEECE66DL) ^ iteration);
    }

    public boolean fullBatch() {
        return batchSize == 0 || batchSize >= totalSequences;
    }

    public long iterationsPerEpoch() {
        return fullBatch() ? 1 : (totalSequences + batchSize - 1) / batchSize;
    }

    public long epochOf(long iteration) {
        return iteration / iterationsPerEpoch();
    }

    /** The positions partition {@code partition} uses at {@code iteration}, or null for all of them in order. */
    public int[] select(int partition, int partitionSize, long iteration) {
        if (fullBatch()) {
            return null;
        }
        long perEpoch = iterationsPerEpoch();
        long epoch = iteration / perEpoch;
        long j = iteration % perEpoch;
        int from = (int) (j * partitionSize / perEpoch);
        int to = (int) ((j + 1) * partitionSize / perEpoch);
        int[] permutation = permutation(partitionSize, epoch, partition);
        int[] chosen = new int[to - from];
        System.arraycopy(permutation, from, chosen, 0, chosen.length);
        return chosen;
    }

    private int[] permutation(int n, long epoch, int partition) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(mix(mix(seed) ^ epoch) ^ mix(partition + 0x632BE59BD9B4E019L));
        for (int i = n - 1; i > 0; i--) {
            int k = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[k];
            order[k] = swap;
        }
        return order;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
