package org.sparkrnn.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.sparkrnn.data.SequenceBlock;
import org.sparkrnn.data.Standardization;
import org.sparkrnn.data.TransformedWindows;
import org.sparkrnn.data.WindowTransform;

/**
 * {@link TransformedWindows}: the raw windows (their own serializer), the window transform and the standardisation, if
 * any.
 */
final class TransformedWindowsSerializer extends Serializer<TransformedWindows> {

    TransformedWindowsSerializer() {
        setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output out, TransformedWindows block) {
        kryo.writeClassAndObject(out, block.windows());
        out.writeByte(block.transform().ordinal());
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
        SequenceBlock windows = (SequenceBlock) kryo.readClassAndObject(in);
        WindowTransform transform = WindowTransform.values()[in.readByte()];
        Standardization s = null;
        if (in.readBoolean()) {
            s = new Standardization(WireArrays.readDoubles(in), WireArrays.readDoubles(in),
                    WireArrays.readDoubles(in), WireArrays.readDoubles(in));
        }
        return new TransformedWindows(windows, transform, s);
    }
}
