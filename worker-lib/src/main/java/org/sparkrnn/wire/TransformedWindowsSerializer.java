package org.sparkrnn.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.sparkrnn.data.SeriesWindows;
import org.sparkrnn.data.Standardization;
import org.sparkrnn.data.TransformedWindows;

/** {@link TransformedWindows}: the raw windows (their own serializer), the flag and the standardisation, if any. */
final class TransformedWindowsSerializer extends Serializer<TransformedWindows> {

    TransformedWindowsSerializer() {
        setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output out, TransformedWindows block) {
        kryo.writeObject(out, block.windows());
        out.writeBoolean(block.relativeToLast());
        Standardization s = block.standardization();
        out.writeBoolean(s != null);
        if (s != null) {
            WireArrays.writeDoubles(out, s.featureMean());
            WireArrays.writeDoubles(out, s.featureStd());
            WireArrays.writeDoubles(out, s.targetMean());
            WireArrays.writeDoubles(out, s.targetStd());
        }
    }

    @Override
    public TransformedWindows read(Kryo kryo, Input in, Class<TransformedWindows> type) {
        SeriesWindows windows = kryo.readObject(in, SeriesWindows.class);
        boolean relative = in.readBoolean();
        Standardization s = null;
        if (in.readBoolean()) {
            s = new Standardization(WireArrays.readDoubles(in), WireArrays.readDoubles(in),
                    WireArrays.readDoubles(in), WireArrays.readDoubles(in));
        }
        return new TransformedWindows(windows, relative, s);
    }
}
