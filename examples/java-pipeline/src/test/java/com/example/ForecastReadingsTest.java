package com.example;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.driver.docs.DocExamples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example runs in a default session and in a Kryo session with registration required, learns, and prints what
 * the README (in this repository, two directories up) says it prints, to the digits it shows.
 */
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
        Path readme = Path.of("../../README.md");
        if (Files.exists(readme)) {
            Matcher shown = Pattern.compile("It prints `(Result\\[[^`]*\\])`").matcher(Files.readString(readme));
            assertTrue(shown.find(), "the README shows what the example prints");
            assertTrue(DocExamples.agrees(shown.group(1), result.toString()), "the README shows " + shown.group(1)
                    + "; printed: " + result);
        }
    }
}
