package org.sparkrnn.data;

import java.util.Arrays;

/** An append-only primitive int list. */
final class GrowableInts {
    private int[] data = new int[16];
    private int size;

    void add(int value) {
        ensure(1);
        data[size++] = value;
    }

    void addAll(int[] source, int from, int count) {
        ensure(count);
        System.arraycopy(source, from, data, size, count);
        size += count;
    }

    int get(int index) {
        return data[index];
    }

    int size() {
        return size;
    }

    int[] toArray() {
        return Arrays.copyOf(data, size);
    }

    private void ensure(int extra) {
        if (size + extra > data.length) {
            data = Arrays.copyOf(data, Math.max(size + extra, data.length * 2));
        }
    }
}
