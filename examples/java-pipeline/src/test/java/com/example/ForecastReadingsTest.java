package com.example;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The example runs in a default session and in a Kryo session with registration required, and learns. */
class ForecastReadingsTest {

    @TempDir
    Path dir;

    @Test
    void aDefaultSession() throws Exception {
        check(false);
    }

    @Test
    void aKryoSessionWithRegistrationRequired() throws Exception {
        check(true);
    }

    private void check(boolean kryo) throws Exception {
        SparkSession spark = ForecastReadings.session(kryo);
        ForecastReadings.Result result;
        try {
            result = ForecastReadings.run(spark, dir.toString());
        } finally {
            spark.stop();
        }
        System.out.println((kryo ? "kryo: " : "default: ") + result);
        assertTrue(result.rmse() < 0.5 * result.naiveRmse(), result.toString());
        assertEquals(0.02, result.bestLr(), result.toString());
        assertTrue(result.streamed() > 30, result.toString());
        assertTrue(result.streamedVsBatch() < 1e-5, result.toString());
    }
}
