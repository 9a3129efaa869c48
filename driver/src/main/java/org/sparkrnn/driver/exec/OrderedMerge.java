package org.sparkrnn.driver.exec;

import org.apache.spark.api.java.function.Function2;

import java.util.HashMap;
import java.util.Map;

/**
 * Merges values numbered 0, 1, 2, ... in that order whatever order they arrive in: a value is merged as soon as all
 * before it are, so only those that came early are held. The driver's last step of {@link DistributedSums}, which
 * makes its sums independent of which task finishes first. Not thread-safe.
 */
final class OrderedMerge<T> {

    private final Function2<T, T, T> merge;
    private final Map<Integer, T> early = new HashMap<>();
    private int next;
    private T sums;

    OrderedMerge(Function2<T, T, T> merge) {
        this.merge = merge;
    }

    /** Value number {@code index} (null: nothing to merge, but its place is taken). */
    void add(int index, T value) {
        if (index < next || early.containsKey(index)) {
            throw new IllegalStateException("value " + index + " given twice");
        }
        early.put(index, value);
        while (early.containsKey(next)) {
            T ready = early.remove(next++);
            if (ready != null) {
                try {
                    sums = sums == null ? ready : merge.call(sums, ready);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /** The merged values, or {@code empty} when none had any; every value given must have come in order. */
    T total(T empty) {
        if (!early.isEmpty()) {
            throw new IllegalStateException("values " + early.keySet() + " came without those before them");
        }
        return sums == null ? empty : sums;
    }
}
