package org.sparkrnn.data;

import java.util.Arrays;

/** An append-only primitive int list. */
public final class GrowableInts {
    private int[] data = new int[16];
    private int size;

    public void add(int value) {
        ensure(1);
        data[size++] = value;
    }

    public void addAll(int[] source, int from, int count) {
        ensure(count);
        System.arraycopy(source, from, data, size, count);
        size += count;
    }

    public int get(int index) {
        return data[index];
    }

    public int size() {
        return size;
    }

    public int[] toArray() {
        return Arrays.copyOf(data, size);
    }

    private void ensure(int extra) {
        if (size + extra > data.length) {
            data = Arrays.copyOf(data, Math.max(size + extra, data.length * 2));
        }
    }
}
