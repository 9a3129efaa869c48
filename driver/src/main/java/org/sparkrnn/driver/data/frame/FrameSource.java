package org.sparkrnn.driver.data.frame;

import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.sparkrnn.data.ParsedBlock;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.driver.DataFormatError;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.config.DataOptions;
import org.sparkrnn.driver.data.records.Blocks;
import org.sparkrnn.driver.data.records.DataFiles;
import org.sparkrnn.driver.data.records.HoldOut;
import org.sparkrnn.driver.data.records.Partitioning;
import org.sparkrnn.driver.data.records.ReadContext;
import org.sparkrnn.driver.data.records.RecordChecker;
import org.sparkrnn.driver.data.records.RecordShape;
import org.sparkrnn.driver.data.records.RejectsWriter;
import org.sparkrnn.driver.data.records.SequenceRecord;
import org.sparkrnn.driver.data.records.SourceBlocks;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * DataFrames as sequences: any Spark data source read by name ({@code --format parquet}), or the Spark ML
 * estimators' input, with the columns {@link FrameColumns} names. Rows go straight into blocks as JSON Lines do: one
 * pass over each partition (rejects collected in it), no shuffle. The random hold-out decides by a hash of each
 * record's content (so it does not depend on partitioning or Spark version), the tail hold-out by the row's position
 * in the frame.
 */
public final class FrameSource {

    private final JavaSparkContext sc;
    private final RejectsWriter rejects;

    public FrameSource(JavaSparkContext sc, RejectsWriter rejects) {
        this.sc = sc;
        this.rejects = rejects;
    }

    /**
     * The SparkSession over this context: the one already made on it (the command line makes it with the context),
     * else a new one with the context's settings (e.g. spark.sql.*).
     */
    public SparkSession session() {
        scala.Option<SparkSession> existing = SparkSession.getDefaultSession();
        if (existing.isDefined() && existing.get().sparkContext() == sc.sc()) {
            return existing.get();
        }
        return SparkSession.builder().config(sc.getConf()).getOrCreate();
    }

    /**
     * A Spark data source ({@code spark.read().format(format)}), e.g. parquet or orc, with the errors of the other
     * formats: a missing path, an unknown format, an unreadable file.
     */
    public Dataset<Row> readFrame(String format, String path) {
        SparkSession spark = session();
        DataFiles.list(sc.hadoopConfiguration(), path); // the same "no such file" message as the other formats
        try {
            return spark.read().format(format).load(path);
        } catch (Exception e) { // Scala throws checked ones too (SparkClassNotFoundException)
            String message = String.valueOf(e.getMessage());
            if (message.contains("DATA_SOURCE_NOT_FOUND") || message.contains("Failed to find data source")) {
                throw new UserError("unknown --format '" + format + "': neither jsonl, csv, text nor a Spark data"
                        + " source (e.g. parquet, orc, json)");
            }
            throw new UserError(path + ": cannot read as " + format + ": " + message.split("\n")[0]);
        }
    }

    /**
     * A CSV file or directory as a table by Spark's reader: every column as text (numbers are parsed where they are
     * used, so a bad value is named), the header's names, or 1, 2, ... without one. The columns are read from the
     * first line of the first file here, on the driver, and given to Spark as the schema: Spark would otherwise run a
     * job to read that line (a job and its planning before the load's own, for every table).
     */
    public Dataset<Row> readCsv(String path, char delimiter, boolean header) {
        List<String> names = csvColumns(path, delimiter, header);
        org.apache.spark.sql.DataFrameReader reader = session().read().option("header", header)
                .option("sep", String.valueOf(delimiter));
        if (names != null) {
            return reader.schema(csvSchema(names)).csv(path);
        }
        Dataset<Row> table = reader.csv(path); // no line to read the columns from: Spark's own inference
        return header ? table : table.toDF(numbered(table.columns().length));
    }

    /**
     * The columns {@link #readCsv} reads a CSV table as, from the first line of its first file (read here, on the
     * driver), or null when Spark's reader names them itself (no line, or an empty or repeated name).
     */
    public List<String> csvColumns(String path, char delimiter, boolean header) {
        List<String> files = DataFiles.list(sc.hadoopConfiguration(), path); // "no such file", as other formats
        DataFiles.Line first = DataFiles.firstRecord(sc.hadoopConfiguration(), files.get(0));
        String[] names = first == null ? null : columnNames(first.text(), delimiter, header);
        return names == null ? null : List.of(names);
    }

    /** A CSV table's schema as {@link #readCsv} gives it: every column text, nullable. */
    public static org.apache.spark.sql.types.StructType csvSchema(List<String> names) {
        org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType();
        for (String name : names) {
            schema = schema.add(name, org.apache.spark.sql.types.DataTypes.StringType, true);
        }
        return schema;
    }

    /** The names of a CSV table's columns without a header: 1, 2, ... */
    private static String[] numbered(int columns) {
        String[] names = new String[columns];
        for (int i = 0; i < columns; i++) {
            names[i] = String.valueOf(i + 1);
        }
        return names;
    }

    /**
     * The column names of a CSV table from its first line, split as Spark's reader splits it (its parser, quotes
     * and escapes, spaces kept): the header's cells, or 1, 2, ... Null when Spark would name them otherwise (an
     * empty or repeated name: Spark makes those unique), so that Spark's own inference decides.
     */
    static String[] columnNames(String line, char delimiter, boolean header) {
        com.univocity.parsers.csv.CsvParserSettings settings = new com.univocity.parsers.csv.CsvParserSettings();
        settings.getFormat().setDelimiter(delimiter);
        settings.getFormat().setQuote('"');
        settings.getFormat().setQuoteEscape('\\');
        settings.setIgnoreLeadingWhitespaces(false);
        settings.setIgnoreTrailingWhitespaces(false);
        settings.setMaxCharsPerColumn(-1);
        settings.setNullValue("");
        String[] cells = new com.univocity.parsers.csv.CsvParser(settings).parseLine(line);
        if (cells == null || cells.length == 0) {
            return null;
        }
        if (!header) {
            return numbered(cells.length);
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String cell : cells) {
            if (cell == null || cell.isEmpty() || !seen.add(cell.toLowerCase(java.util.Locale.ROOT))) {
                return null;
            }
        }
        return cells;
    }

    public SourceBlocks read(Dataset<Row> frame, FrameColumns columns, String source, DataOptions options,
                      ReadContext context, boolean requireLabels, boolean holdOut) {
        columns.check(frame.schema(), source);
        String[] names = columns.selected();
        Dataset<Row> selected = frame.select(names[0], Arrays.copyOfRange(names, 1, names.length));
        RecordShape shape = context.shape();
        if (shape == null || !requireLabels) {
            sc.setJobDescription("load: the first row");
            List<Row> first = selected.limit(1).collectAsList();
            if (first.isEmpty()) {
                throw new UserError(source + ": the data set is empty (no row)");
            }
            RecordShape inferred = RecordChecker.inferShape(source, "row", 1, columns.read(first.get(0), source, 1),
                    options.classification(), options.classes(), requireLabels);
            if (shape != null && inferred.inputSize() != shape.inputSize()) {
                throw new DataFormatError(source, "row", 1, "steps have " + inferred.inputSize()
                        + " features, the model expects " + shape.inputSize());
            }
            shape = inferred;
            if (columns.future() != null && requireLabels) {
                SequenceRecord first0 = columns.read(first.get(0), source, 1);
                shape = shape.withFuture(first0.future.size(), knownInputs(frame.schema(), columns.future(), source));
            }
        }
        JavaRDD<Row> rows = selected.javaRDD();
        int wanted = options.partitions();
        if (wanted > 0 && wanted != rows.getNumPartitions()) {
            rows = wanted < rows.getNumPartitions() ? rows.coalesce(wanted) : rows.repartition(wanted);
        }
        HoldOut rule = holdOut ? Partitioning.holdOut(options) : null;
        JavaPairRDD<Row, Long> keyed;
        if (rule != null && rule.tail()) {
            keyed = rows.zipWithIndex();
            rule = new HoldOut(rule.fraction(), true, rule.seed(), keyed.count());
        } else {
            keyed = rows.mapToPair(row -> new Tuple2<>(row, -1L));
        }
        RecordShape finalShape = shape;
        HoldOut heldOut = rule;
        boolean skip = options.skipBadRecords();
        JavaRDD<ParsedBlock> cached = keyed.mapPartitionsWithIndex(
                (partition, part) -> rowBlock(partition, part, columns, source, finalShape, heldOut, skip), true)
                .persist(StorageLevel.MEMORY_AND_DISK());
        if (skip) {
            rejects.write(cached.flatMap(block -> block.rejects().iterator()), options.rejectsPath());
        }
        return SourceBlocks.of(cached, rule != null, shape);
    }

    /** The metadata key of a future-rows column naming which inputs of a row are known in advance. */
    public static final String KNOWN_INPUTS = "sparkrnn_known_inputs";

    /**
     * Which inputs of a future row a decoder reads: the column's metadata ({@link #KNOWN_INPUTS}, as
     * {@code SequenceWindows} writes it).
     */
    private static java.util.List<Integer> knownInputs(org.apache.spark.sql.types.StructType schema, String column,
                                                       String source) {
        org.apache.spark.sql.types.Metadata metadata = schema.apply(column).metadata();
        if (!metadata.contains(KNOWN_INPUTS)) {
            throw new UserError(source + ": column '" + column + "' does not say which inputs are known in advance"
                    + " (its metadata '" + KNOWN_INPUTS + "'): make it with SequenceWindows' futureCol");
        }
        return java.util.Arrays.stream(metadata.getLongArray(KNOWN_INPUTS)).mapToInt(Math::toIntExact).boxed()
                .toList();
    }

    private static Iterator<ParsedBlock> rowBlock(int partition, Iterator<Tuple2<Row, Long>> rows,
                                                  FrameColumns columns, String source, RecordShape shape,
                                                  HoldOut holdOut, boolean skip) {
        String where = source + " partition " + partition;
        RecordChecker checker = new RecordChecker(where, "row", shape);
        SequenceBatch.Builder train = Blocks.builderFor(shape);
        SequenceBatch.Builder validation = Blocks.builderFor(shape);
        List<String> rejected = new ArrayList<>();
        long number = 0;
        while (rows.hasNext()) {
            Tuple2<Row, Long> row = rows.next();
            number++;
            try {
                SequenceRecord record = columns.read(row._1(), where, number);
                boolean held = holdOut != null
                        && holdOut.isValidation(row._2() >= 0 ? row._2() : record.contentHash());
                checker.addInto(record, number, held ? validation : train);
            } catch (DataFormatError e) {
                if (!skip) {
                    throw e;
                }
                rejected.add(e.getMessage() + "\t" + row._1());
            }
        }
        return Collections.singletonList(new ParsedBlock(train.build(), validation.build(), rejected)).iterator();
    }
}
