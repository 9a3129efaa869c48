package org.sparkrnn.driver.data.table;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

import java.util.function.Supplier;

/**
 * A long table as a load reads it: its columns and session at once, its rows as a DataFrame only when a query needs
 * them. A small CSV file that is read without a query ({@link SmallCsvTable}) never asks: not even Spark SQL's
 * relation over the file is made (in a fresh JVM, a third of a small table's load).
 */
public final class TableInput {

    private final StructType schema;
    private final SparkSession session;
    private final Supplier<Dataset<Row>> frame;
    private final SmallCsvTable csv;
    private Dataset<Row> made;

    private TableInput(StructType schema, SparkSession session, Supplier<Dataset<Row>> frame, SmallCsvTable csv) {
        this.schema = schema;
        this.session = session;
        this.frame = frame;
        this.csv = csv;
    }

    /** A DataFrame as it is. */
    public static TableInput of(Dataset<Row> frame) {
        TableInput input = new TableInput(frame.schema(), frame.sparkSession(), () -> frame, null);
        input.made = frame;
        return input;
    }

    /**
     * A small CSV file with the columns {@code schema} (what Spark's reader would give), read by {@code csv} where
     * the load allows, else by {@code frame} (Spark's reader, asked at most once).
     */
    public static TableInput csv(StructType schema, SparkSession session, Supplier<Dataset<Row>> frame,
                                 SmallCsvTable csv) {
        return new TableInput(schema, session, frame, csv);
    }

    public StructType schema() {
        return schema;
    }

    public SparkSession session() {
        return session;
    }

    /** The small CSV file this table is, or null. */
    public SmallCsvTable csv() {
        return csv;
    }

    /** The table as a DataFrame, made at the first call. */
    public Dataset<Row> frame() {
        if (made == null) {
            made = frame.get();
        }
        return made;
    }
}
