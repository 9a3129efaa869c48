package org.sparkrnn.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.sparkrnn.data.SeriesWindows;

/** {@link SeriesWindows}: the shape, the stored rows, the window starts and scales; checked again when read. */
final class SeriesWindowsSerializer extends Serializer<SeriesWindows> {

    SeriesWindowsSerializer() {
        setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output out, SeriesWindows windows) {
        out.writeVarInt(windows.inputSize(), true);
        out.writeVarInt(windows.targetWidth(), true);
        out.writeVarInt(windows.window(), true);
        WireArrays.writeInts(out, windows.horizonSteps());
        WireArrays.writeDoubles(out, windows.featureRows());
        boolean shared = windows.targetRows() == windows.featureRows(); // one column, its own target: sent once
        out.writeBoolean(shared);
        if (!shared) {
            WireArrays.writeDoubles(out, windows.targetRows());
        }
        WireArrays.writeInts(out, windows.windowStarts());
        out.writeBoolean(windows.scaled());
        if (windows.scaled()) {
            WireArrays.writeDoubles(out, windows.windowScales());
        }
        WireArrays.writeInts(out, windows.knownColumns());
    }

    @Override
    public SeriesWindows read(Kryo kryo, Input in, Class<SeriesWindows> type) {
        int inputSize = in.readVarInt(true);
        int targetWidth = in.readVarInt(true);
        int window = in.readVarInt(true);
        int[] horizons = WireArrays.readInts(in);
        double[] features = WireArrays.readDoubles(in);
        double[] targets = in.readBoolean() ? features : WireArrays.readDoubles(in);
        int[] starts = WireArrays.readInts(in);
        boolean withScales = in.readBoolean();
        double[] scales = withScales ? WireArrays.readDoubles(in) : null;
        int[] known = WireArrays.readInts(in);
        return new SeriesWindows(inputSize, targetWidth, window, horizons, features, targets, starts, scales, known);
    }
}
