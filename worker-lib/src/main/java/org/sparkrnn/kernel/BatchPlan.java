package org.sparkrnn.kernel;

import org.sparkrnn.data.SequenceBatch;

/**
 * How a batch of variable-length sequences is laid out for the kernel, the way PyTorch packs a padded batch:
 * sequences sorted by length, longest first (stable), so that at step t the sequences still running are the first
 * n_t packed positions. Step t occupies packed rows {@code rowStart[t] .. rowStart[t] + n_t - 1}; row
 * {@code rowStart[t] + p} is step t of batch sequence {@code order[p]}. No padding is ever computed, so padding
 * cannot change anything, and the state of position p at step t−1 sits at row {@code rowStart[t-1] + p}.
 */
final class BatchPlan {

    final int batchSize;      // B
    final int maxLength;      // T
    final int[] order;        // [B] packed position -> batch index
    final int[] active;       // [T] n_t, non-increasing, n_0 = B
    final int[] rowStart;     // [T + 1], rowStart[T] = N

    private BatchPlan(int batchSize, int maxLength, int[] order, int[] active, int[] rowStart) {
        this.batchSize = batchSize;
        this.maxLength = maxLength;
        this.order = order;
        this.active = active;
        this.rowStart = rowStart;
    }

    static BatchPlan of(SequenceBatch batch) {
        int b = batch.size();
        int t = batch.maxLength();
        // Sort keys (T - length, index): ascending = longest first, ties in batch order.
        long[] keys = new long[b];
        for (int s = 0; s < b; s++) {
            keys[s] = ((long) (t - batch.length(s)) << 32) | s;
        }
        java.util.Arrays.sort(keys);
        int[] order = new int[b];
        for (int p = 0; p < b; p++) {
            order[p] = (int) keys[p];
        }
        int[] active = new int[t];
        for (int s = 0; s < b; s++) {
            active[batch.length(s) - 1]++;
        }
        for (int step = t - 2; step >= 0; step--) {
            active[step] += active[step + 1];
        }
        int[] rowStart = new int[t + 1];
        for (int step = 0; step < t; step++) {
            rowStart[step + 1] = rowStart[step] + active[step];
        }
        return new BatchPlan(b, t, order, active, rowStart);
    }

    /** n_{t} for t in [0, T], with n_T = 0. */
    int activeAt(int t) {
        return t < maxLength ? active[t] : 0;
    }

    /** Rows of the largest chunk when steps are taken {@code chunkLength} at a time. */
    int maxChunkRows(int chunkLength) {
        int max = 0;
        for (int t0 = 0; t0 < maxLength; t0 += chunkLength) {
            int t1 = Math.min(t0 + chunkLength, maxLength);
            max = Math.max(max, rowStart[t1] - rowStart[t0]);
        }
        return max;
    }

    /** The labelled steps, each with its label row in the batch. */
    RowSelection labelled(SequenceBatch batch) {
        RowSelection.Builder sel = new RowSelection.Builder(this);
        for (int t = 0; t < maxLength; t++) {
            sel.startStep(t);
            for (int p = 0; p < active[t]; p++) {
                int b = order[p];
                if (batch.isLabelled(b, t)) {
                    sel.add(rowStart[t] + p, batch.labelRow(b, t));
                }
            }
        }
        return sel.build();
    }

    /** Every step, each with its row in the batch's N × I step order ({@code stepOffset(b) + t}). */
    RowSelection everyStep(SequenceBatch batch) {
        RowSelection.Builder sel = new RowSelection.Builder(this);
        for (int t = 0; t < maxLength; t++) {
            sel.startStep(t);
            for (int p = 0; p < active[t]; p++) {
                sel.add(rowStart[t] + p, batch.stepOffset(order[p]) + t);
            }
        }
        return sel.build();
    }

    /** Each sequence's last step, with the sequence's batch index. */
    RowSelection lastStep() {
        RowSelection.Builder sel = new RowSelection.Builder(this);
        for (int t = 0; t < maxLength; t++) {
            sel.startStep(t);
            for (int p = activeAt(t + 1); p < active[t]; p++) {
                sel.add(rowStart[t] + p, order[p]);
            }
        }
        return sel.build();
    }
}
