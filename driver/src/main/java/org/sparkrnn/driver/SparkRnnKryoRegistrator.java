package org.sparkrnn.driver;

import com.esotericsoftware.kryo.Kryo;
import org.apache.spark.serializer.KryoRegistrator;
import org.sparkrnn.wire.WireTypes;

/**
 * What {@code spark.kryo.registrator} names: registers every wire type of the project (see {@link WireTypes}), so
 * Spark can run with {@code spark.kryo.registrationRequired=true}.
 */
public final class SparkRnnKryoRegistrator implements KryoRegistrator {

    @Override
    public void registerClasses(Kryo kryo) {
        WireTypes.registerAll(kryo);
    }
}
