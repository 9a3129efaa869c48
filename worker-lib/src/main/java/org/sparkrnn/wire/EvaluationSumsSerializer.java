package org.sparkrnn.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.sparkrnn.evaluate.EvaluationSums;

/** {@link EvaluationSums}: seven numbers. */
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
    }

    @Override
    public EvaluationSums read(Kryo kryo, Input in, Class<EvaluationSums> type) {
        return EvaluationSums.of(in.readDouble(), in.readVarLong(true), in.readDouble(), in.readDouble(),
                in.readVarLong(true), in.readVarLong(true), in.readVarLong(true));
    }
}
