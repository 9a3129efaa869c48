package org.sparkrnn.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.sparkrnn.data.DataStatistics;
import org.sparkrnn.data.RunningMoments;

/** {@link DataStatistics} with its feature and target moments. */
final class DataStatisticsSerializer extends Serializer<DataStatistics> {

    @Override
    public void write(Kryo kryo, Output out, DataStatistics stats) {
        out.writeVarLong(stats.sequences(), true);
        out.writeVarLong(stats.steps(), true);
        out.writeVarLong(stats.labelledSteps(), true);
        out.writeVarInt(stats.maxLength(), true);
        out.writeVarInt(stats.maxClass(), false);
        writeMoments(out, stats.features());
        writeMoments(out, stats.targets());
    }

    @Override
    public DataStatistics read(Kryo kryo, Input in, Class<DataStatistics> type) {
        return DataStatistics.of(in.readVarLong(true), in.readVarLong(true), in.readVarLong(true),
                in.readVarInt(true), in.readVarInt(false), readMoments(in), readMoments(in));
    }

    private static void writeMoments(Output out, RunningMoments moments) {
        out.writeBoolean(moments != null);
        if (moments != null) {
            out.writeVarLong(moments.count(), true);
            WireArrays.writeDoubles(out, moments.mean());
            WireArrays.writeDoubles(out, moments.m2());
        }
    }

    private static RunningMoments readMoments(Input in) {
        if (!in.readBoolean()) {
            return null;
        }
        long count = in.readVarLong(true);
        return RunningMoments.of(count, WireArrays.readDoubles(in), WireArrays.readDoubles(in));
    }
}
