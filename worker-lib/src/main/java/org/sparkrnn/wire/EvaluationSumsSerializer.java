package org.sparkrnn.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.sparkrnn.evaluate.EvaluationSums;

/** {@link EvaluationSums}: seven numbers, then the sums per value of a label (each array, or null). */
final class EvaluationSumsSerializer extends Serializer<EvaluationSums> {

    @Override
    public void write(Kryo kryo, Output out, EvaluationSums sums) {
        out.writeDouble(sums.lossSum());
        out.writeVarLong(sums.lossCount(), true);
        out.writeDouble(sums.squaredError());
        out.writeDouble(sums.absoluteError());
        out.writeVarLong(sums.elements(), true);
        out.writeVarLong(sums.correct(), true);
        out.writeVarLong(sums.labelledSteps(), true);
        WireArrays.writeDoubles(out, sums.squaredByValue());
        WireArrays.writeDoubles(out, sums.absoluteByValue());
        long[] counts = sums.countByValue();
        out.writeVarInt(counts == null ? -1 : counts.length, false);
        if (counts != null) {
            out.writeLongs(counts);
        }
    }

    @Override
    public EvaluationSums read(Kryo kryo, Input in, Class<EvaluationSums> type) {
        double lossSum = in.readDouble();
        long lossCount = in.readVarLong(true);
        double squared = in.readDouble();
        double absolute = in.readDouble();
        long elements = in.readVarLong(true);
        long correct = in.readVarLong(true);
        long labelled = in.readVarLong(true);
        double[] squaredByValue = WireArrays.readDoubles(in);
        double[] absoluteByValue = WireArrays.readDoubles(in);
        int n = in.readVarInt(false);
        long[] counts = n < 0 ? null : in.readLongs(n);
        return EvaluationSums.of(lossSum, lossCount, squared, absolute, elements, correct, labelled, squaredByValue,
                absoluteByValue, counts);
    }
}
