package org.sparkrnn.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.sparkrnn.evaluate.EvaluationSums;
import org.sparkrnn.evaluate.ForecastSums;

/**
 * {@link EvaluationSums}: seven numbers, then the sums per value of a label (each array, or null), then the
 * forecasting sums (a flag, then their levels, width and arrays).
 */
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
        ForecastSums forecast = sums.forecast();
        out.writeBoolean(forecast != null);
        if (forecast != null) {
            WireArrays.writeDoubles(out, forecast.levels());
            out.writeVarInt(forecast.width(), true);
            WireArrays.writeDoubles(out, forecast.pinballSums());
            WireArrays.writeDoubles(out, forecast.absActualSums());
            writeLongs(out, forecast.counts());
            writeLongs(out, forecast.insideCounts());
            WireArrays.writeDoubles(out, forecast.smapeSums());
            WireArrays.writeDoubles(out, forecast.scaledAbsSums());
            writeLongs(out, forecast.scaledCounts());
        }
    }

    private static void writeLongs(Output out, long[] values) {
        out.writeVarInt(values.length, true);
        out.writeLongs(values);
    }

    private static long[] readLongs(Input in) {
        return in.readLongs(in.readVarInt(true));
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
        EvaluationSums sums = EvaluationSums.of(lossSum, lossCount, squared, absolute, elements, correct, labelled,
                squaredByValue, absoluteByValue, counts);
        if (in.readBoolean()) {
            double[] levels = WireArrays.readDoubles(in);
            int width = in.readVarInt(true);
            sums.withForecast(ForecastSums.of(levels, width, WireArrays.readDoubles(in), WireArrays.readDoubles(in),
                    readLongs(in), readLongs(in), WireArrays.readDoubles(in), WireArrays.readDoubles(in),
                    readLongs(in)));
        }
        return sums;
    }
}
