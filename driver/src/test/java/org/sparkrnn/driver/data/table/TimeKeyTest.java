package org.sparkrnn.driver.data.table;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sparkrnn.driver.SharedSpark;

import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Time keys: {@code --validate-from} as a plain number is read on the driver (no Spark job before the load's first)
 * and gives the key Spark's own cast gives; dates written as text in a CSV long table are times, under Spark 4's ANSI
 * mode too (a cast of "2000-01-01" to a number fails the query there instead of giving null).
 */
@Tag("every-spark-line")
@Tag("no-numerics")
class TimeKeyTest {

    @Test
    void aPlainNumberIsTheKeySparksCastGives() {
        SparkSession spark = SparkSession.builder().sparkContext(SharedSpark.get().sc()).getOrCreate();
        for (DataType type : new DataType[] {DataTypes.StringType, DataTypes.IntegerType, DataTypes.LongType,
            DataTypes.DoubleType, DataTypes.createDecimalType(10, 2)}) {
            StructType schema = new StructType().add("t", type);
            for (String text : new String[] {"19950101", "1995", "2.5", "-3", " 42 ", "+7", "0.1", "5.", ".5", "1e5"}) {
                double spark35And4 = spark.range(1).select(lit(text).cast(DataTypes.DoubleType)).first().getDouble(0);
                assertEquals(spark35And4, TableProjection.timeKeyOf(text, schema, "t", null, "table", spark), 0.0,
                        text + " as " + type.simpleString());
            }
        }
        // a date in a text column: Spark's timestamp parsing, as before
        StructType text = new StructType().add("t", DataTypes.StringType);
        double key = spark.range(1).select(org.apache.spark.sql.functions.to_timestamp(lit("2001-12-29"))
                .cast(DataTypes.DoubleType)).first().getDouble(0);
        assertEquals(key, TableProjection.timeKeyOf("2001-12-29", text, "t", null, "table", spark), 0.0);
    }

    @Test
    void aCsvTableWithDatesAsTextTrainsAndHoldsOutByDate(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        java.util.List<String> lines = new java.util.ArrayList<>(java.util.List.of("store,day,sales"));
        java.time.LocalDate first = java.time.LocalDate.of(2000, 1, 1);
        for (String store : new String[] {"a", "b"}) {
            for (int d = 0; d < 60; d++) {
                lines.add(store + "," + first.plusDays(d) + "," + (d % 7 + (store.equals("b") ? 10 : 0)));
            }
        }
        java.nio.file.Path table = java.nio.file.Files.write(tmp.resolve("sales.csv"), lines);
        SharedSpark.stop();
        org.sparkrnn.driver.Printed.Output<Integer> run = org.sparkrnn.driver.Printed.commandLine(false, "train",
                "--data", table.toString(), "--format", "csv", "--id-column", "store", "--time-column", "day",
                "--target-column", "sales", "--window", "5", "--validate-from", "2000-02-15", "--iterations", "1",
                "--model-dir", tmp.resolve("model").toString(), "--master", "local[1]");
        assertEquals(0, run.value(), run.text());
        // 55 windows per store; those whose target is on or after 15 February (15 to 29 February 2000) are held out
        assertEquals(true, run.text().contains("data: 80 training sequences (400 steps, 80 labelled), 30 validation"),
                run.text());
    }
}
