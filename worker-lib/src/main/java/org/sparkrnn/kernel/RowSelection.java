package org.sparkrnn.kernel;

import java.util.Arrays;

/**
 * Some packed rows of a {@link BatchPlan}, in step order, each paired with a target index (a label row, an output
 * row). Rows of steps [t0, t1) are entries {@code stepStart[t0] .. stepStart[t1] - 1}, so a chunk of steps selects a
 * contiguous run.
 */
final class RowSelection {

    final int[] rows;       // packed row of each entry
    final int[] targets;    // target index of each entry
    final int[] stepStart;  // [T + 1]

    private RowSelection(int[] rows, int[] targets, int[] stepStart) {
        this.rows = rows;
        this.targets = targets;
        this.stepStart = stepStart;
    }

    int size() {
        return rows.length;
    }

    int countIn(int t0, int t1) {
        return stepStart[t1] - stepStart[t0];
    }

    int maxCountPerChunk(int maxLength, int chunkLength) {
        int max = 0;
        for (int t0 = 0; t0 < maxLength; t0 += chunkLength) {
            max = Math.max(max, countIn(t0, Math.min(t0 + chunkLength, maxLength)));
        }
        return max;
    }

    static final class Builder {
        private final int[] stepStart;
        private int[] rows;
        private int[] targets;
        private int size;
        private int nextStep;

        Builder(BatchPlan plan) {
            stepStart = new int[plan.maxLength + 1];
            rows = new int[Math.max(1, plan.batchSize)];
            targets = new int[rows.length];
        }

        void startStep(int t) {
            while (nextStep <= t) {
                stepStart[nextStep++] = size;
            }
        }

        void add(int row, int target) {
            if (size == rows.length) {
                rows = Arrays.copyOf(rows, size * 2);
                targets = Arrays.copyOf(targets, size * 2);
            }
            rows[size] = row;
            targets[size] = target;
            size++;
        }

        RowSelection build() {
            while (nextStep < stepStart.length) {
                stepStart[nextStep++] = size;
            }
            return new RowSelection(Arrays.copyOf(rows, size), Arrays.copyOf(targets, size), stepStart);
        }
    }
}
