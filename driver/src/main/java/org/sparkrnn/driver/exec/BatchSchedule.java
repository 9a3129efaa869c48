package org.sparkrnn.driver.exec;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which sequences each iteration trains on, a function of the seed, the epoch and each sequence's global index
 * alone, so any partitioning and any number of executors train on the same batches. With N training sequences and a
 * batch of B, an epoch has ⌈N/B⌉ iterations; epoch e orders the sequences by a pseudo-random permutation π_e keyed
 * by (seed, e) ({@link IndexPermutation}) and iteration j of the epoch takes the sequences with
 * {@code π_e(i) ∈ [j·B, (j+1)·B)} (the last batch of an epoch is the remainder, as PyTorch's DataLoader without
 * drop_last). Every sequence is used exactly once per epoch and the whole cursor is the iteration number.
 *
 * <p>Each partition holds a contiguous range of global indexes ({@code partitionStarts[p]} is its first), and finds
 * its members where the data are: nothing moves over the network. A partition computes its sequences' iterations
 * once per epoch and keeps them in its executor ({@link #select}). {@code batchSize == 0} means all sequences every
 * iteration (full-batch gradient descent), in stored order.
 */
public final class BatchSchedule implements Serializable {

    private static final long serialVersionUID = 2L;

    /** Epoch plans kept per executor JVM; older epochs of the same schedule are dropped as a new one is planned. */
    private static final int MAX_PLANS = 1024;
    private static final Map<PlanKey, EpochPlan> PLANS = new LinkedHashMap<>(16, 0.75f, true);

    private final long totalSequences;
    private final int batchSize;
    private final long seed;
    private final long[] partitionStarts;

    /**
     * @param partitionStarts the global index of each partition's first sequence (partition p holds
     *                        {@code [partitionStarts[p], partitionStarts[p] + size)}); may be null for a full batch
     */
    public BatchSchedule(long totalSequences, int batchSize, long seed, long[] partitionStarts) {
        if (totalSequences < 1) {
            throw new IllegalArgumentException("no training sequence to schedule");
        }
        if (batchSize < 0) {
            throw new IllegalArgumentException("batch size must be positive or 0 (all), got " + batchSize);
        }
        this.totalSequences = totalSequences;
        this.batchSize = batchSize;
        this.seed = seed;
        this.partitionStarts = partitionStarts == null ? null : partitionStarts.clone();
        if (!fullBatch() && partitionStarts == null) {
            throw new IllegalArgumentException("mini-batches need each partition's first global index");
        }
    }

    /**
     * The schedule of {@code batchSize} (0: all), asking {@code partitionStarts} (a job over the data) only when
     * there are mini-batches to place: a full batch needs no global indexes.
     */
    public static BatchSchedule of(long totalSequences, int batchSize, long seed,
                                   java.util.function.Supplier<long[]> partitionStarts) {
        return new BatchSchedule(totalSequences, batchSize, seed,
                isFullBatch(totalSequences, batchSize) ? null : partitionStarts.get());
    }

    /** A full batch every iteration: no partition offsets needed. */
    public static BatchSchedule fullBatch(long totalSequences, long seed) {
        return new BatchSchedule(totalSequences, 0, seed, null);
    }

    public long totalSequences() {
        return totalSequences;
    }

    public int batchSize() {
        return batchSize;
    }

    public long seed() {
        return seed;
    }

    /**
     * The dropout seed of an iteration: every partition draws its masks from it (see
     * {@link org.sparkrnn.kernel.DropoutMask}), so the masks do not depend on the partitioning.
     */
    public long dropoutSeed(long iteration) {
        return mix(mix(seed ^ 0x5DEECE66DL) ^ iteration);
    }

    public boolean fullBatch() {
        return isFullBatch(totalSequences, batchSize);
    }

    private static boolean isFullBatch(long totalSequences, int batchSize) {
        return batchSize == 0 || batchSize >= totalSequences;
    }

    public long iterationsPerEpoch() {
        return fullBatch() ? 1 : (totalSequences + batchSize - 1) / batchSize;
    }

    public long epochOf(long iteration) {
        return iteration / iterationsPerEpoch();
    }

    /**
     * The positions (0-based, inside the partition, ascending) of partition {@code partition}'s sequences in
     * iteration {@code iteration}'s batch, or null for all of them in order (full batch).
     */
    public int[] select(int partition, int partitionSize, long iteration) {
        if (fullBatch()) {
            return null;
        }
        if (partition >= partitionStarts.length) {
            throw new IllegalStateException("partition " + partition + " is not in this schedule's "
                    + partitionStarts.length + " partitions");
        }
        long perEpoch = iterationsPerEpoch();
        long epoch = iteration / perEpoch;
        EpochPlan plan = plan(partitionStarts[partition], partitionSize, epoch);
        return plan.positions((int) (iteration % perEpoch));
    }

    /** Where global index {@code index} falls in epoch {@code epoch}'s shuffled order (0 ≤ slot < N). */
    public long slotOf(long index, long epoch) {
        return permutation(epoch).apply(index);
    }

    private IndexPermutation permutation(long epoch) {
        return new IndexPermutation(totalSequences, mix(mix(seed) ^ epoch) ^ 0x632BE59BD9B4E019L);
    }

    private EpochPlan plan(long start, int size, long epoch) {
        PlanKey key = new PlanKey(seed, totalSequences, batchSize, start, size, epoch);
        synchronized (PLANS) {
            EpochPlan plan = PLANS.get(key);
            if (plan != null) {
                return plan;
            }
        }
        EpochPlan plan = EpochPlan.of(permutation(epoch), start, size, batchSize, (int) iterationsPerEpoch());
        synchronized (PLANS) {
            for (Iterator<PlanKey> keys = PLANS.keySet().iterator(); keys.hasNext(); ) {
                PlanKey old = keys.next();
                if (old.sameRangeOf(key) && old.epoch < epoch || PLANS.size() >= MAX_PLANS) {
                    keys.remove();
                }
            }
            PLANS.put(key, plan);
        }
        return plan;
    }

    private record PlanKey(long seed, long total, int batchSize, long start, int size, long epoch) {
        boolean sameRangeOf(PlanKey other) {
            return seed == other.seed && total == other.total && batchSize == other.batchSize
                   && start == other.start && size == other.size;
        }
    }

    /** One partition's sequences in one epoch, grouped by iteration: positions in CSR form. */
    private record EpochPlan(int[] positions, int[] offsets) {
        static EpochPlan of(IndexPermutation permutation, long start, int size, int batchSize, int iterations) {
            int[] iterationOf = new int[size];
            int[] offsets = new int[iterations + 1];
            for (int i = 0; i < size; i++) {
                int j = (int) (permutation.apply(start + i) / batchSize);
                iterationOf[i] = j;
                offsets[j + 1]++;
            }
            for (int j = 0; j < iterations; j++) {
                offsets[j + 1] += offsets[j];
            }
            int[] fill = Arrays.copyOf(offsets, iterations);
            int[] positions = new int[size];
            for (int i = 0; i < size; i++) {
                positions[fill[iterationOf[i]]++] = i;
            }
            return new EpochPlan(positions, offsets);
        }

        int[] positions(int iteration) {
            return Arrays.copyOfRange(positions, offsets[iteration], offsets[iteration + 1]);
        }
    }

    private static long mix(long z) {
        return IndexPermutation.mix(z);
    }
}
