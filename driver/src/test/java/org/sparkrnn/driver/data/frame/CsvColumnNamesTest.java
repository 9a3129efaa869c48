package org.sparkrnn.driver.data.frame;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.driver.SharedSpark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A CSV table's columns, read from its first line on the driver (no Spark job), are the names Spark's own reader
 * infers from the same line: quoted names, delimiters inside quotes, spaces, another delimiter, no header; a name
 * Spark would rename (empty, repeated) is left to Spark.
 */
@Tag("every-spark-line")
@Tag("no-numerics")
class CsvColumnNamesTest {

    @TempDir
    Path tmp;

    @Test
    void theNamesAreThoseSparkInfers() throws Exception {
        SparkSession spark = SparkSession.builder().sparkContext(SharedSpark.get().sc()).getOrCreate();
        String[][] cases = {{"year,date,co2,season", ","}, {"\"store id\",\"day, local\",sales", ","},
            {" a , b ,c", ","}, {"a;b;c", ";"}, {"x\ty", "\t"}, {"\"say \\\"hi\\\"\",b", ","}};
        for (String[] c : cases) {
            Path file = Files.writeString(tmp.resolve("t" + Arrays.hashCode(c) + ".csv"), c[0] + "\n1" + c[1] + "2\n");
            for (boolean header : new boolean[] {true, false}) {
                String[] spark35And4 = spark.read().option("header", header).option("sep", c[1]).csv(file.toString())
                        .columns();
                if (!header) {
                    for (int i = 0; i < spark35And4.length; i++) {
                        spark35And4[i] = String.valueOf(i + 1); // what readCsv names them without a header
                    }
                }
                assertArrayEquals(spark35And4, FrameSource.columnNames(c[0], c[1].charAt(0), header), c[0]);
            }
        }
        assertNull(FrameSource.columnNames("a,,c", ',', true), "an empty name: Spark names it _c1");
        assertNull(FrameSource.columnNames("a,b,A", ',', true), "a repeated name: Spark makes it unique");
    }
}
