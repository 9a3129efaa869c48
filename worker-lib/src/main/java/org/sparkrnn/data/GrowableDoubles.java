package org.sparkrnn.data;

import java.util.Arrays;

/** An append-only primitive double list, so building a batch does not box every number. */
public final class GrowableDoubles {
    private double[] data = new double[64];
    private int size;

    public void add(double value) {
        ensure(1);
        data[size++] = value;
    }

    public void addAll(double[] source, int from, int count) {
        ensure(count);
        System.arraycopy(source, from, data, size, count);
        size += count;
    }

    /** Room for {@code extra} more values without growing again (a builder that knows what is coming). */
    public void reserve(int extra) {
        if (size + extra > data.length) {
            data = Arrays.copyOf(data, size + extra);
        }
    }

    public double get(int index) {
        return data[index];
    }

    public int size() {
        return size;
    }

    public double[] toArray() {
        return Arrays.copyOf(data, size);
    }

    private void ensure(int extra) {
        if (size + extra > data.length) {
            data = Arrays.copyOf(data, Math.max(size + extra, data.length * 2));
        }
    }
}
