package org.sparkrnn.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.sparkrnn.aggregate.GradientAccumulator;

/**
 * {@link GradientAccumulator}: sums exactly (float64), or the gradient as float32 when the accumulator asks for it
 * ({@code floatWire}); an empty one is a few bytes.
 */
final class GradientAccumulatorSerializer extends Serializer<GradientAccumulator> {

    @Override
    public void write(Kryo kryo, Output out, GradientAccumulator acc) {
        out.writeLong(acc.layoutFingerprint());
        out.writeDouble(acc.lossSum());
        out.writeVarLong(acc.count(), true);
        out.writeVarLong(acc.sequences(), true);
        out.writeBoolean(acc.floatWire());
        if (acc.floatWire()) {
            WireArrays.writeDoublesAsFloats(out, acc.gradient());
        } else {
            WireArrays.writeDoubles(out, acc.gradient());
        }
    }

    @Override
    public GradientAccumulator read(Kryo kryo, Input in, Class<GradientAccumulator> type) {
        long fingerprint = in.readLong();
        double lossSum = in.readDouble();
        long count = in.readVarLong(true);
        long sequences = in.readVarLong(true);
        boolean floatWire = in.readBoolean();
        double[] gradient = floatWire ? WireArrays.readFloatsAsDoubles(in) : WireArrays.readDoubles(in);
        GradientAccumulator acc = GradientAccumulator.of(fingerprint, gradient, lossSum, count, sequences);
        return floatWire ? acc.useFloatWire() : acc;
    }
}
