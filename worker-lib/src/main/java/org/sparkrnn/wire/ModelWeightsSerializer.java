package org.sparkrnn.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.sparkrnn.model.ModelWeights;
import org.sparkrnn.model.NetworkSpec;

/** {@link ModelWeights}: the spec, then the float64 parameters exactly. */
final class ModelWeightsSerializer extends Serializer<ModelWeights> {

    @Override
    public void write(Kryo kryo, Output out, ModelWeights weights) {
        kryo.writeObject(out, weights.spec());
        WireArrays.writeDoubles(out, weights.params());
    }

    @Override
    public ModelWeights read(Kryo kryo, Input in, Class<ModelWeights> type) {
        NetworkSpec spec = kryo.readObject(in, NetworkSpec.class);
        return new ModelWeights(spec, WireArrays.readDoubles(in));
    }
}
