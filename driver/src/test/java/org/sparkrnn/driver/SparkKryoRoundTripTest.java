package org.sparkrnn.driver;

import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sparkrnn.aggregate.GradientAccumulator;
import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.kernel.NetworkKernel;
import org.sparkrnn.kernel.Precision;
import org.sparkrnn.model.InitOptions;
import org.sparkrnn.model.Initializer;
import org.sparkrnn.model.LayerSpec;
import org.sparkrnn.model.Loss;
import org.sparkrnn.model.ModelWeights;
import org.sparkrnn.model.NetworkSpec;
import org.sparkrnn.model.ParameterLayout;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

import java.nio.ByteBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Every wire type through Spark's own {@link KryoSerializer}, configured as a job is: our registrator named in
 * {@code spark.kryo.registrator} and {@code spark.kryo.registrationRequired=true}.
 */
@Tag("every-spark-line")
class SparkKryoRoundTripTest {

    private static SerializerInstance sparkKryo() {
        SparkConf conf = new SparkConf(false)
                .set("spark.serializer", KryoSerializer.class.getName())
                .set("spark.kryo.registrator", SparkRnnKryoRegistrator.class.getName())
                .set("spark.kryo.registrationRequired", "true");
        return new KryoSerializer(conf).newInstance();
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(SerializerInstance serializer, T value) {
        ClassTag<Object> tag = ClassTag$.MODULE$.AnyRef();
        ByteBuffer bytes = serializer.serialize(value, tag);
        return (T) serializer.deserialize(bytes, tag);
    }

    /** The project's classes the registrator names as text (layers above it) exist under those names, and travel. */
    @Test
    void everyProjectClassTheRegistratorNamesExistsAndIsRegistered() throws Exception {
        com.esotericsoftware.kryo.Kryo kryo = new com.esotericsoftware.kryo.Kryo();
        kryo.setRegistrationRequired(true);
        new SparkRnnKryoRegistrator().registerClasses(kryo);
        for (String name : SparkRnnKryoRegistrator.PROJECT_CLASSES) {
            assertEquals(name, kryo.getRegistration(Class.forName(name)).getType().getName());
        }
        assertEquals(3, SparkRnnKryoRegistrator.PROJECT_CLASSES.size());
    }

    @Test
    void wireTypesRoundTripThroughSparksKryo() {
        SerializerInstance kryo = sparkKryo();
        NetworkSpec spec = new NetworkSpec(2, List.of(LayerSpec.lstm(3)), 1, Loss.MSE);
        double[] params = Initializer.initialize(new ParameterLayout(spec), InitOptions.defaults());
        ModelWeights weights = roundTrip(kryo, new ModelWeights(spec, params));
        assertEquals(spec, weights.spec());
        assertArrayEquals(params, weights.params());

        SequenceBatch batch = SequenceBatch.builder(2, LabelShape.PER_SEQUENCE, LabelKind.VALUES, 1)
                .add(new double[][] {{1, 2}, {3, 4}}, new double[] {0.5})
                .add(new double[][] {{5, 6}}, new double[] {-1})
                .build();
        assertEquals(batch, roundTrip(kryo, batch));

        GradientAccumulator acc = new GradientAccumulator();
        NetworkKernel.create(spec, Precision.FLOAT64).accumulate(params, batch, acc);
        GradientAccumulator back = roundTrip(kryo, acc);
        assertArrayEquals(acc.gradient(), back.gradient());
        assertEquals(acc.lossSum(), back.lossSum(), 0);
        assertEquals(acc.count(), back.count());
        assertEquals(true, roundTrip(kryo, new GradientAccumulator()).isEmpty());
    }

    @Test
    void registrationRequiredIsReallyOn() {
        SerializerInstance kryo = sparkKryo();
        // a class nobody registered must be refused, or the round trips above prove nothing about registration
        assertThrows(Exception.class, () -> roundTrip(kryo, new java.util.concurrent.atomic.AtomicLong(3)));
    }
}
