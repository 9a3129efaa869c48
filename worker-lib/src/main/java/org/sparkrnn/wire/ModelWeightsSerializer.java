package org.sparkrnn.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.sparkrnn.model.ModelWeights;
import org.sparkrnn.model.NetworkSpec;

/** {@link ModelWeights}: the spec, then the parameters as float64 (exact) or float32 ({@code floatWire}). */
final class ModelWeightsSerializer extends Serializer<ModelWeights> {

    @Override
    public void write(Kryo kryo, Output out, ModelWeights weights) {
        kryo.writeObject(out, weights.spec());
        out.writeBoolean(weights.floatWire());
        if (weights.floatWire()) {
            WireArrays.writeDoublesAsFloats(out, weights.params());
        } else {
            WireArrays.writeDoubles(out, weights.params());
        }
    }

    @Override
    public ModelWeights read(Kryo kryo, Input in, Class<ModelWeights> type) {
        NetworkSpec spec = kryo.readObject(in, NetworkSpec.class);
        boolean floatWire = in.readBoolean();
        double[] params = floatWire ? WireArrays.readFloatsAsDoubles(in) : WireArrays.readDoubles(in);
        return new ModelWeights(spec, params, floatWire);
    }
}
