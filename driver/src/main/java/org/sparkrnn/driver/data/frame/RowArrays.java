package org.sparkrnn.driver.data.frame;

import java.util.List;

/**
 * Array values of a Spark {@code Row}: a Scala {@code Seq} (on both Scala lines) or a {@code java.util.List}, read
 * without knowing which; and a cell that holds a number or an array of them (a forecast of one step or several).
 */
public final class RowArrays {

    private RowArrays() {
    }

    public static int size(Object seq) {
        return seq instanceof List<?> list ? list.size() : ((scala.collection.Seq<?>) seq).length();
    }

    public static Object get(Object seq, int i) {
        return seq instanceof List<?> list ? list.get(i) : ((scala.collection.Seq<?>) seq).apply(i);
    }

    /** A number as one value, an array of numbers as its values. */
    public static double[] doubles(Object value) {
        if (value instanceof Number number) {
            return new double[] {number.doubleValue()};
        }
        double[] out = new double[size(value)];
        for (int j = 0; j < out.length; j++) {
            out[j] = ((Number) get(value, j)).doubleValue();
        }
        return out;
    }

    /** An array's values as text, or the one value's. */
    public static String[] texts(Object value) {
        if (!(value instanceof List<?>) && !(value instanceof scala.collection.Seq<?>)) {
            return new String[] {String.valueOf(value)};
        }
        String[] out = new String[size(value)];
        for (int j = 0; j < out.length; j++) {
            out[j] = String.valueOf(get(value, j));
        }
        return out;
    }
}
