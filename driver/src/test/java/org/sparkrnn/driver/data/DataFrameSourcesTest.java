package org.sparkrnn.driver.data;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.driver.Printed;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.TestData;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.cli.Main;
import org.sparkrnn.driver.cli.TrainCommand;
import org.sparkrnn.driver.train.Trainer;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parquet (any Spark data source) with the columns of JSON Lines: the command line trains on it as on the JSON Lines
 * it was written from, predicts from it into Parquet keeping the other columns, and names a bad row.
 */
@Tag("every-spark-line")
class DataFrameSourcesTest {

    private static final PrintStream QUIET = new PrintStream(java.io.OutputStream.nullOutputStream());

    @TempDir
    Path tmp;

    private static SparkSession spark() {
        return SparkSession.builder().config(SharedSpark.get().getConf()).getOrCreate();
    }

    private static String[] run(String data, String format, Path modelDir) {
        return new String[] {"--data", data, "--format", format, "--hidden", "5,3", "--iterations", "8",
            "--batch-size", "all", "--precision", "float64", "--lr", "0.02", "--seed", "9",
            "--model-dir", modelDir.toString()};
    }

    @Test
    void parquetTrainsAsTheJsonLinesItWasWrittenFromAndPredictsIntoParquet() throws Exception {
        Path json = TestData.perStepRegression(tmp, "steps.jsonl", 40, 3, 7, 21);
        Path parquet = tmp.resolve("steps.parquet");
        Dataset<Row> frame = spark().read().json(json.toString()).withColumn("id", functions.monotonically_increasing_id());
        frame.coalesce(3).write().parquet(parquet.toString());

        Trainer.Result fromJson = new Trainer(SharedSpark.get(),
                TrainCommand.parse(run(json.toString(), "jsonl", tmp.resolve("json-model"))), QUIET).run();
        Trainer.Result fromParquet = new Trainer(SharedSpark.get(),
                TrainCommand.parse(run(parquet.toString(), "parquet", tmp.resolve("parquet-model"))), QUIET).run();
        assertEquals(fromJson.data().trainStatistics().labelledSteps(),
                fromParquet.data().trainStatistics().labelledSteps(), "the same labelled steps (nulls unlabelled)");
        double[] a = fromJson.finalParams();
        double[] b = fromParquet.finalParams();
        for (int j = 0; j < a.length; j++) {
            assertEquals(a[j], b[j], 1e-9, "parameter " + j); // full batch: the same sums in another order
        }

        SharedSpark.stop();
        Path out = tmp.resolve("predictions");
        assertEquals(0, Printed.quietly(() -> Main.run("predict", "--model-dir",
                tmp.resolve("parquet-model").toString(), "--data", parquet.toString(), "--format", "parquet",
                "--output", out.toString(), "--output-format", "parquet", "--master", "local[2]")));
        List<Row> predicted = spark().read().parquet(out.toString()).orderBy("id").collectAsList();
        List<Row> input = spark().read().parquet(parquet.toString()).orderBy("id").collectAsList();
        assertEquals(40, predicted.size());
        assertEquals(List.of("id", "prediction"), List.of(spark().read().parquet(out.toString()).columns()),
                "features and labels dropped, other columns kept");
        for (int r = 0; r < 40; r++) {
            assertEquals(input.get(r).getLong(input.get(r).fieldIndex("id")), predicted.get(r).getLong(0));
            int steps = input.get(r).getList(input.get(r).fieldIndex("features")).size();
            assertEquals(steps, predicted.get(r).getList(1).size(), "one prediction per step");
        }
    }

    @Test
    void aBadRowIsNamedWithItsPartitionAndRow() throws Exception {
        Path json = TestData.write(tmp, "bad.jsonl",
                "{\"features\": [[1.0, 2.0], [3.0, 4.0]], \"label\": 1.0}",
                "{\"features\": [[1.0, 2.0], [3.0]], \"label\": 2.0}");
        Path parquet = tmp.resolve("bad.parquet");
        spark().read().json(json.toString()).coalesce(1).write().parquet(parquet.toString());
        Exception failure = assertThrows(Exception.class, () -> new Trainer(SharedSpark.get(),
                TrainCommand.parse(run(parquet.toString(), "parquet", tmp.resolve("m"))), QUIET).run());
        UserError error = UserError.findIn(failure);
        assertTrue(error != null, String.valueOf(failure));
        assertEquals(parquet + " partition 0 row 2: step 1 has 1 features, expected 2 (the first record had 2)",
                error.getMessage());

        UserError unknown = assertThrows(UserError.class, () -> new Trainer(SharedSpark.get(),
                TrainCommand.parse(run(parquet.toString(), "nosuchformat", tmp.resolve("m2"))), QUIET).run());
        assertTrue(unknown.getMessage().startsWith("unknown --format 'nosuchformat'"), unknown.getMessage());
    }
}
