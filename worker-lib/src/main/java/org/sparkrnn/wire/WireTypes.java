package org.sparkrnn.wire;

import com.esotericsoftware.kryo.Kryo;
import org.sparkrnn.aggregate.GradientAccumulator;
import org.sparkrnn.data.DataStatistics;
import org.sparkrnn.data.ParsedBlock;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.data.SeriesWindows;
import org.sparkrnn.data.TransformedWindows;
import org.sparkrnn.evaluate.EvaluationSums;
import org.sparkrnn.model.ModelWeights;
import org.sparkrnn.model.NetworkSpec;

import java.util.List;

/**
 * The one place where everything that crosses the network is registered with Kryo, each with an explicit
 * serializer. Spark names the driver's registrator in {@code spark.kryo.registrator}; it calls
 * {@link #registerAll}. Tests run with {@code registrationRequired=true}, so a type missing here fails loudly.
 */
public final class WireTypes {

    private WireTypes() {
    }

    /** The project's own wire types, in registration order. */
    public static final List<Class<?>> TYPES = List.of(
            NetworkSpec.class, ModelWeights.class, SequenceBatch.class, GradientAccumulator.class,
            EvaluationSums.class, DataStatistics.class, ParsedBlock.class, SeriesWindows.class,
            TransformedWindows.class);

    public static void registerAll(Kryo kryo) {
        kryo.register(NetworkSpec.class, new NetworkSpecSerializer());
        kryo.register(ModelWeights.class, new ModelWeightsSerializer());
        kryo.register(SequenceBatch.class, new SequenceBatchSerializer());
        kryo.register(GradientAccumulator.class, new GradientAccumulatorSerializer());
        kryo.register(EvaluationSums.class, new EvaluationSumsSerializer());
        kryo.register(DataStatistics.class, new DataStatisticsSerializer());
        kryo.register(ParsedBlock.class, new ParsedBlockSerializer());
        kryo.register(SeriesWindows.class, new SeriesWindowsSerializer());
        kryo.register(TransformedWindows.class, new TransformedWindowsSerializer());
        // primitive arrays that travel bare (broadcast parameters, cached feature blocks)
        kryo.register(double[].class);
        kryo.register(float[].class);
        kryo.register(int[].class);
        kryo.register(boolean[].class);
    }
}
