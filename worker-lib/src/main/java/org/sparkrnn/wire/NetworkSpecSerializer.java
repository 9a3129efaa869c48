package org.sparkrnn.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.sparkrnn.model.Activation;
import org.sparkrnn.model.CellType;
import org.sparkrnn.model.Decoder;
import org.sparkrnn.model.LayerSpec;
import org.sparkrnn.model.Loss;
import org.sparkrnn.model.NetworkSpec;
import org.sparkrnn.model.Pooling;

import java.util.ArrayList;
import java.util.List;

/** {@link NetworkSpec} (a record, which Kryo 4 cannot serialize by itself); enums travel by name. */
final class NetworkSpecSerializer extends Serializer<NetworkSpec> {

    NetworkSpecSerializer() {
        setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output out, NetworkSpec spec) {
        out.writeVarInt(spec.inputSize(), true);
        out.writeVarInt(spec.layerCount(), true);
        for (LayerSpec layer : spec.layers()) {
            out.writeString(layer.cell().name());
            out.writeVarInt(layer.hiddenSize(), true);
            out.writeString(layer.activation().name());
        }
        out.writeVarInt(spec.outputSize(), true);
        out.writeString(spec.loss().name());
        out.writeBoolean(spec.bidirectional());
        out.writeDouble(spec.dropout());
        out.writeString(spec.pooling().name());
        out.writeBoolean(spec.hasDecoder());
        if (spec.hasDecoder()) {
            out.writeVarInt(spec.decoder().hiddenSize(), true);
            out.writeVarInt(spec.decoder().steps(), true);
            WireArrays.writeInts(out, spec.decoder().featureIndices());
        }
        WireArrays.writeDoubles(out, spec.quantiles().stream().mapToDouble(Double::doubleValue).toArray());
    }

    @Override
    public NetworkSpec read(Kryo kryo, Input in, Class<NetworkSpec> type) {
        int inputSize = in.readVarInt(true);
        int count = in.readVarInt(true);
        List<LayerSpec> layers = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            CellType cell = CellType.valueOf(in.readString());
            int hidden = in.readVarInt(true);
            layers.add(new LayerSpec(cell, hidden, Activation.valueOf(in.readString())));
        }
        int outputSize = in.readVarInt(true);
        Loss loss = Loss.valueOf(in.readString());
        boolean bidirectional = in.readBoolean();
        double dropout = in.readDouble();
        Pooling pooling = Pooling.valueOf(in.readString());
        Decoder decoder = null;
        if (in.readBoolean()) {
            int hidden = in.readVarInt(true);
            int steps = in.readVarInt(true);
            decoder = new Decoder(hidden, steps, java.util.Arrays.stream(WireArrays.readInts(in)).boxed().toList());
        }
        List<Double> quantiles = java.util.Arrays.stream(WireArrays.readDoubles(in)).boxed().toList();
        return new NetworkSpec(inputSize, layers, outputSize, loss, bidirectional, dropout, pooling, decoder,
                quantiles);
    }
}
