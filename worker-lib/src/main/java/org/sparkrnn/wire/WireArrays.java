package org.sparkrnn.wire;

import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

/** Length-prefixed primitive arrays; length −1 encodes null. */
final class WireArrays {

    private WireArrays() {
    }

    static void writeDoubles(Output out, double[] values) {
        out.writeVarInt(values == null ? -1 : values.length, false);
        if (values != null) {
            out.writeDoubles(values);
        }
    }

    static double[] readDoubles(Input in) {
        int length = in.readVarInt(false);
        return length < 0 ? null : in.readDoubles(length);
    }

    /** Doubles sent as floats (length −1 = null); they come back as the doubles of those floats. */
    static void writeDoublesAsFloats(Output out, double[] values) {
        out.writeVarInt(values == null ? -1 : values.length, false);
        if (values != null) {
            float[] floats = new float[values.length];
            for (int j = 0; j < floats.length; j++) {
                floats[j] = (float) values[j];
            }
            out.writeFloats(floats);
        }
    }

    static double[] readFloatsAsDoubles(Input in) {
        int length = in.readVarInt(false);
        if (length < 0) {
            return null;
        }
        float[] floats = in.readFloats(length);
        double[] values = new double[length];
        for (int j = 0; j < length; j++) {
            values[j] = floats[j];
        }
        return values;
    }

    static void writeInts(Output out, int[] values) {
        out.writeVarInt(values == null ? -1 : values.length, false);
        if (values != null) {
            out.writeInts(values, false);
        }
    }

    static int[] readInts(Input in) {
        int length = in.readVarInt(false);
        return length < 0 ? null : in.readInts(length, false);
    }

    static void writeBooleans(Output out, boolean[] values) {
        out.writeVarInt(values == null ? -1 : values.length, false);
        if (values != null) {
            for (boolean value : values) {
                out.writeBoolean(value);
            }
        }
    }

    static boolean[] readBooleans(Input in) {
        int length = in.readVarInt(false);
        if (length < 0) {
            return null;
        }
        boolean[] values = new boolean[length];
        for (int j = 0; j < length; j++) {
            values[j] = in.readBoolean();
        }
        return values;
    }
}
