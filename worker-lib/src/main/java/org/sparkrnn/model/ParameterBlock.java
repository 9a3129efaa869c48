package org.sparkrnn.model;

/**
 * One named matrix (or vector, {@code cols == 1}) inside the flat parameter array: row-major, {@code rows × cols}
 * values starting at {@code offset}.
 */
public record ParameterBlock(String name, int offset, int rows, int cols) {

    public int size() {
        return rows * cols;
    }

    /** One past the last index of this block. */
    public int end() {
        return offset + size();
    }

    public boolean contains(int index) {
        return index >= offset && index < end();
    }
}
