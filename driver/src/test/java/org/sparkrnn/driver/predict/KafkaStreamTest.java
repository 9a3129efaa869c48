package org.sparkrnn.driver.predict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.driver.LocalKafka;
import org.sparkrnn.driver.Printed;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.cli.Main;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code lstm-spark stream} from Kafka to Kafka with a real broker (KRaft, its own JVM, on 127.0.0.1) and Spark's
 * Kafka connector: the CO2 table's rows sent as JSON values keyed by series over three partitions, months interleaved,
 * in two halves with the query stopped between them: the forecasts on the output topic equal batch {@code predict}
 * for every window, to 1e-12 in float64, none lost or repeated. A value that is not a JSON row stops the query with
 * one line naming the topic, partition and offset, or (skip) is reported and the rest forecast.
 */
@Tag("every-spark-line")
@Tag("no-numerics")
class KafkaStreamTest {

    @TempDir
    Path tmp;

    @Test
    void forecastsFromKafkaToKafkaEqualBatchPredictionAcrossARestart() throws Exception {
        Path model = StreamForecasterTest.trainAndPredict(tmp);
        SparkSession spark = SparkSession.builder().sparkContext(SharedSpark.get().sc()).getOrCreate();
        Map<String, Double> batch = StreamForecasterTest.predictions(spark, tmp.resolve("batch"));

        // the table as JSON values keyed by year, a month of every year after the other
        List<String> lines = Files.readAllLines(Path.of("../data/co2-by-year.csv"));
        List<List<Map.Entry<String, String>>> months = new ArrayList<>();
        for (int month = 1; month <= 12; month++) {
            List<Map.Entry<String, String>> records = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",", -1);
                if (Integer.parseInt(f[1].substring(4, 6)) == month) {
                    records.add(new AbstractMap.SimpleEntry<>(f[0], "{\"year\":" + f[0] + ",\"date\":" + f[1]
                            + ",\"co2\":" + (f[2].isEmpty() ? "null" : f[2]) + ",\"season\":" + f[3] + "}"));
                }
            }
            months.add(records);
        }
        try (LocalKafka kafka = LocalKafka.start(tmp)) {
            kafka.createTopic("co2", 3);
            kafka.createTopic("forecasts", 2);
            SharedSpark.stop();
            for (int half = 0; half < 2; half++) {
                for (int m = 6 * half; m < 6 * half + 6; m++) {
                    kafka.send("co2", months.get(m));
                }
                String out = stream(0, "--model-dir", model.toString(), "--source", "kafka", "--kafka-bootstrap",
                        kafka.bootstrap(), "--kafka-topic", "co2", "--output", "kafka", "--kafka-output-topic",
                        "forecasts", "--checkpoint-location", tmp.resolve("ck").toString(), "--trigger",
                        "available-now", "--kafka-option", "maxOffsetsPerTrigger=400", "--precision", "float64",
                        "--master", "local[2]");
                assertTrue(out.lines().filter(line -> line.startsWith("batch ")).count() >= 3,
                        "several micro-batches of at most 400 records:\n" + out);
            }
            spark = SparkSession.builder().sparkContext(SharedSpark.get().sc()).getOrCreate();
            Map<String, Double> streamed = new HashMap<>();
            ObjectMapper json = new ObjectMapper();
            for (Row record : spark.read().format("kafka").option("kafka.bootstrap.servers", kafka.bootstrap())
                    .option("subscribe", "forecasts").option("startingOffsets", "earliest").load()
                    .selectExpr("CAST(key AS STRING)", "CAST(value AS STRING)").collectAsList()) {
                JsonNode forecast = json.readTree(record.getString(1));
                assertEquals(forecast.get("year").asText(), record.getString(0), "keyed by its series");
                String key = forecast.get("year").asText() + "@" + forecast.get("time").asText();
                assertEquals(null, streamed.put(key, forecast.get("prediction").asDouble()), "once: " + key);
            }
            assertEquals(batch.keySet(), streamed.keySet(), "every window of the table, once");
            double worst = 0;
            for (Map.Entry<String, Double> entry : batch.entrySet()) {
                worst = Math.max(worst, Math.abs(entry.getValue() - streamed.get(entry.getKey())));
            }
            assertTrue(worst <= 1e-12, "largest difference " + worst);

            // a value that is not a row: the query stops naming where it is, or (skip) reports it and goes on
            kafka.createTopic("bad", 1);
            List<Map.Entry<String, String>> bad = new ArrayList<>(months.get(0).subList(0, 20));
            bad.add(5, new AbstractMap.SimpleEntry<>("1960", "temperature=21"));
            kafka.send("bad", bad);
            SharedSpark.stop();
            String failed = stream(2, "--model-dir", model.toString(), "--source", "kafka", "--kafka-bootstrap",
                    kafka.bootstrap(), "--kafka-topic", "bad", "--output", tmp.resolve("bad-out").toString(),
                    "--checkpoint-location", tmp.resolve("ck-bad").toString(), "--trigger", "available-now",
                    "--master", "local[2]");
            assertTrue(failed.matches("(?s).*kafka topic bad: a row that cannot be read \\(a wrong number of columns,"
                    + " or not JSON\\): 'temperature=21' \\(kafka topic bad, partition 0, offset 5\\).*"), failed);
            String skipped = stream(0, "--model-dir", model.toString(), "--source", "kafka", "--kafka-bootstrap",
                    kafka.bootstrap(), "--kafka-topic", "bad", "--output", tmp.resolve("skip-out").toString(),
                    "--checkpoint-location", tmp.resolve("ck-skip").toString(), "--trigger", "available-now",
                    "--on-bad-record", "skip", "--master", "local[2]");
            assertTrue(skipped.contains("rejected: kafka topic bad: a row that cannot be read"), skipped);
            assertTrue(skipped.contains("1 rows rejected so far"), skipped);
        }
        assertEquals(2, Main.run("stream", "--model-dir", model.toString(), "--source", "kafka", "--output",
                "console", "--kafka-topic", "co2"), "no --kafka-bootstrap: refused");
        assertEquals(2, Main.run("stream", "--model-dir", model.toString(), "--source", "kafka", "--output",
                "console", "--kafka-bootstrap", "127.0.0.1:9"), "no --kafka-topic: refused");
    }

    /** Runs {@code lstm-spark args} expecting exit code {@code expected}; what it printed (stdout and stderr). */
    private static String stream(int expected, String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "stream";
        System.arraycopy(args, 0, command, 1, args.length);
        Printed.Output<Integer> run = Printed.capture(true, () -> Main.run(command));
        assertEquals(expected, run.value(), run.text());
        return run.text();
    }
}
