package org.sparkrnn.examples;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.driver.SharedSpark;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's Java example runs, and learns: its RMSE is well below predicting the mean. */
class PipelineExampleTest {

    @TempDir
    Path tmp;

    @Test
    void theReadmeExampleRuns() throws Exception {
        SparkSession spark = SparkSession.builder().config(SharedSpark.get().getConf()).getOrCreate();
        StructType schema = new StructType().add("id", DataTypes.LongType)
                .add("values", DataTypes.createArrayType(DataTypes.DoubleType)).add("target", DataTypes.DoubleType);
        SplittableRandom random = new SplittableRandom(1);
        List<Row> rows = new ArrayList<>();
        for (long id = 0; id < 400; id++) {
            double phase = random.nextDouble(0, 6.28);
            List<Double> values = new ArrayList<>();
            for (int t = 0; t < 12; t++) {
                values.add(Math.sin(phase + 0.5 * t));
            }
            rows.add(RowFactory.create(id, values, Math.sin(phase + 0.5 * 12)));
        }
        Dataset<Row> readings = spark.createDataFrame(rows, schema);
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(java.io.OutputStream.nullOutputStream()));
        List<Row> out;
        try {
            out = PipelineExample.fitSaveLoadPredict(spark, readings, tmp.resolve("model").toString())
                    .collectAsList();
        } finally {
            System.setOut(stdout);
        }
        assertEquals(400, out.size());
        double squared = 0;
        double variance = 0;
        for (Row r : out) {
            squared += Math.pow(r.getDouble(2) - r.getDouble(1), 2);
            variance += Math.pow(r.getDouble(1), 2); // the targets' mean is about 0
        }
        assertTrue(squared < 0.05 * variance, "rmse " + Math.sqrt(squared / 400) + " vs sd "
                + Math.sqrt(variance / 400));
    }
}
