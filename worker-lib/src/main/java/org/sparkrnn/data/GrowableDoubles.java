package org.sparkrnn.data;

import java.util.Arrays;

/** An append-only primitive double list, so building a batch does not box every number. */
final class GrowableDoubles {
    private double[] data = new double[64];
    private int size;

    void add(double value) {
        ensure(1);
        data[size++] = value;
    }

    void addAll(double[] source, int from, int count) {
        ensure(count);
        System.arraycopy(source, from, data, size, count);
        size += count;
    }

    double[] toArray() {
        return Arrays.copyOf(data, size);
    }

    private void ensure(int extra) {
        if (size + extra > data.length) {
            data = Arrays.copyOf(data, Math.max(size + extra, data.length * 2));
        }
    }
}
