package org.sparkrnn.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBatch;

/** {@link SequenceBatch}: its flat arrays; the constructor re-checks every invariant on arrival. */
final class SequenceBatchSerializer extends Serializer<SequenceBatch> {

    SequenceBatchSerializer() {
        setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output out, SequenceBatch batch) {
        out.writeVarInt(batch.inputSize(), true);
        out.writeString(batch.labelShape().name());
        out.writeString(batch.labelKind().name());
        out.writeVarInt(batch.labelWidth(), true);
        int[] lengths = new int[batch.size()];
        for (int b = 0; b < lengths.length; b++) {
            lengths[b] = batch.length(b);
        }
        WireArrays.writeInts(out, lengths);
        WireArrays.writeDoubles(out, batch.features());
        WireArrays.writeInts(out, batch.tokens());
        WireArrays.writeDoubles(out, batch.values());
        WireArrays.writeInts(out, batch.classes());
        WireArrays.writeBooleans(out, batch.labelledMask());
        out.writeVarInt(batch.futureSteps(), true);
        WireArrays.writeDoubles(out, batch.future());
    }

    @Override
    public SequenceBatch read(Kryo kryo, Input in, Class<SequenceBatch> type) {
        int inputSize = in.readVarInt(true);
        LabelShape shape = LabelShape.valueOf(in.readString());
        LabelKind kind = LabelKind.valueOf(in.readString());
        int width = in.readVarInt(true);
        int[] lengths = WireArrays.readInts(in);
        double[] features = WireArrays.readDoubles(in);
        int[] tokens = WireArrays.readInts(in);
        double[] values = WireArrays.readDoubles(in);
        int[] classes = WireArrays.readInts(in);
        boolean[] labelled = WireArrays.readBooleans(in);
        int futureSteps = in.readVarInt(true);
        double[] future = WireArrays.readDoubles(in);
        return new SequenceBatch(inputSize, lengths, features, tokens, shape, kind, width, values, classes, labelled,
                futureSteps, future);
    }
}
