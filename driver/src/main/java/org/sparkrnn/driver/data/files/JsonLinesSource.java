package org.sparkrnn.driver.data.files;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.ParsedBlock;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.driver.DataFormatError;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.config.DataOptions;
import org.sparkrnn.driver.data.frame.FrameColumns;
import org.sparkrnn.driver.data.records.Blocks;
import org.sparkrnn.driver.data.records.DataFiles;
import org.sparkrnn.driver.data.records.HoldOut;
import org.sparkrnn.driver.data.records.Partitioning;
import org.sparkrnn.driver.data.records.ReadContext;
import org.sparkrnn.driver.data.records.RecordShape;
import org.sparkrnn.driver.data.records.RejectsWriter;
import org.sparkrnn.driver.data.records.SequenceRecord;
import org.sparkrnn.driver.data.records.SourceBlocks;
import scala.Tuple2;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * JSON Lines straight into blocks: every input split of the files (about P of them, each file's share by size;
 * a compressed file is decompressed and is one split) is read once, each line's UTF-8 bytes handed to the parser
 * without decoding to a string, into the training and held-out blocks of its partition and, with
 * {@code --on-bad-record skip}, the rejected lines with their problem: no object per record, no shuffle, no second
 * parse. The hold-out is decided per record (random: a seeded hash of its content; tail: the last records in file
 * order, counted in one extra reading pass). A byte-order mark at the start of a file is skipped. A bad line's number
 * is only worked out when there is one to report.
 */
public final class JsonLinesSource {

    private static final DataType STEPS = DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType));


    private final JavaSparkContext sc;
    private final Configuration hadoop;
    private final RejectsWriter rejects;

    public JsonLinesSource(JavaSparkContext sc, RejectsWriter rejects) {
        this.sc = sc;
        this.hadoop = sc.hadoopConfiguration();
        this.rejects = rejects;
    }

    public SourceBlocks read(DataOptions options, String path, ReadContext context, boolean requireLabels,
                      boolean holdOut) {
        List<String> files = DataFiles.list(hadoop, path);
        RecordShape shape = shape(options, path, files, context, requireLabels);
        Splits splits = splits(options, files);
        List<JavaRDD<Tuple2<LongWritable, Text>>> lines = splits.lines();
        HoldOut rule = holdOut ? Partitioning.holdOut(options) : null;
        long[] firstRecord = null; // tail hold-out: the global index of each input split's first record
        if (rule != null && rule.tail()) {
            firstRecord = recordOffsets(lines);
            rule = new HoldOut(rule.fraction(), true, rule.seed(), firstRecord[firstRecord.length - 1]);
        }
        boolean skip = options.skipBadRecords();
        JavaRDD<ParsedBlock> parsed = null;
        int firstPartition = 0;
        for (int f = 0; f < files.size(); f++) {
            String file = files.get(f);
            JsonLinesParser parser = new JsonLinesParser(file, shape);
            HoldOut heldOut = rule;
            long[] offsets = firstRecord;
            int first = firstPartition;
            JavaRDD<ParsedBlock> blocks = lines.get(f).mapPartitionsWithIndex((split, part) -> parseBlock(part,
                    file, parser, shape, heldOut, offsets == null ? -1 : offsets[first + split], skip), true);
            parsed = parsed == null ? blocks : parsed.union(blocks);
            firstPartition += lines.get(f).getNumPartitions();
        }
        if (parsed.getNumPartitions() > splits.partitions()) {
            // more splits than wanted (many small files): merge neighbouring blocks without a shuffle
            parsed = parsed.coalesce(splits.partitions()).mapPartitions(Blocks::merge, true);
        }
        JavaRDD<ParsedBlock> cached = parsed.persist(StorageLevel.MEMORY_AND_DISK());
        if (skip) {
            rejects.write(cached.flatMap(block -> block.rejects().iterator()), options.rejectsPath());
        }
        return SourceBlocks.of(cached, rule != null, shape);
    }

    /** The files' lines in input splits, about {@code partitions} of them in all, each file's share by its size. */
    private record Splits(int partitions, List<JavaRDD<Tuple2<LongWritable, Text>>> lines) {
    }

    /** The files split as the options' partitions (or their size) ask: training and prediction read them alike. */
    private Splits splits(DataOptions options, List<String> files) {
        long[] sizes = DataFiles.sizes(hadoop, files);
        long totalBytes = Arrays.stream(sizes).sum();
        int partitions = Partitioning.partitions(sc, options, totalBytes);
        List<JavaRDD<Tuple2<LongWritable, Text>>> lines = new ArrayList<>();
        for (int f = 0; f < files.size(); f++) {
            int splits = (int) Math.max(1, Math.round((double) partitions * sizes[f] / Math.max(1, totalBytes)));
            lines.add(TextSplits.lines(sc, files.get(f), splits));
        }
        return new Splits(partitions, lines);
    }

    /** The first record of the files, in order, with its file; null when none holds one. */
    private FirstRecord firstRecord(List<String> files) {
        for (String file : files) {
            DataFiles.Line first = DataFiles.firstRecord(hadoop, file);
            if (first != null) {
                return new FirstRecord(file, first);
            }
        }
        return null;
    }

    private record FirstRecord(String file, DataFiles.Line line) {
    }

    /** For a tail hold-out: the number of records before each input split, and the total at the end. */
    private long[] recordOffsets(List<JavaRDD<Tuple2<LongWritable, Text>>> lines) {
        long[] counts = TextSplits.countsPerSplit(sc, lines, false, "load: counting records for the tail hold-out");
        long[] offsets = new long[counts.length + 1];
        for (int i = 0; i < counts.length; i++) {
            offsets[i + 1] = offsets[i] + counts[i];
        }
        return offsets;
    }

    /**
     * One input split parsed into its training and held-out blocks; bad records stop it unless skipped. A record is
     * held out by its content (random: a seeded hash of its text, so neither line endings, compression nor splits
     * change the choice) or by its index in the data (tail: {@code firstRecord} is this split's first).
     */
    private static Iterator<ParsedBlock> parseBlock(Iterator<Tuple2<LongWritable, Text>> lines, String file,
                                                    JsonLinesParser parser, RecordShape shape, HoldOut holdOut,
                                                    long firstRecord, boolean skip) {
        SequenceBatch.Builder train = Blocks.builderFor(shape);
        SequenceBatch.Builder validation = Blocks.builderFor(shape);
        List<String> rejected = new ArrayList<>();
        SplitRecords split = new SplitRecords(lines, file, -1);
        long records = 0; // records of this split so far
        while (split.next()) {
            byte[] utf8 = split.bytes();
            int length = split.length();
            long record = firstRecord >= 0 ? firstRecord + records : contentKey(utf8, length);
            records++;
            SequenceBatch.Builder into = holdOut != null && holdOut.isValidation(record) ? validation : train;
            try {
                parser.parseInto(utf8, length, into);
            } catch (DataFormatError e) {
                DataFormatError located = e.atLine(split.lineNumber());
                if (!skip) {
                    throw located;
                }
                rejected.add(located.getMessage() + "\t" + new String(utf8, 0, length, StandardCharsets.UTF_8));
            }
        }
        return Collections.singletonList(new ParsedBlock(train.build(), validation.build(), rejected)).iterator();
    }

    /** A 64-bit hash of a record's text without trailing white space (so CRLF and LF lines hash alike). */
    static long contentKey(byte[] utf8, int length) {
        int end = length;
        while (end > 0 && (utf8[end - 1] == '\r' || utf8[end - 1] == ' ' || utf8[end - 1] == '\t')) {
            end--;
        }
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < end; i++) {
            hash = (hash ^ (utf8[i] & 0xff)) * 0x100000001b3L;
        }
        return hash;
    }

    /** The shape a saved model fixes, or the one the first record shows (checked against the model's). */
    private RecordShape shape(DataOptions options, String path, List<String> files, ReadContext context,
                              boolean requireLabels) {
        RecordShape shape = context.shape();
        if (shape != null && requireLabels) {
            return shape;
        }
        FirstRecord first = firstRecord(files);
        if (first == null) {
            throw new UserError(path + ": the data set is empty (no record in " + files.size() + " file(s))");
        }
        RecordShape inferred = JsonLinesParser.inferShape(first.file(), first.line().number(), first.line().text(),
                options.classification(), options.classes(), requireLabels);
        if (shape != null && inferred.inputSize() != shape.inputSize()) {
            throw new DataFormatError(first.file(), first.line().number(), "steps have " + inferred.inputSize()
                    + " features, the model expects " + shape.inputSize());
        }
        return inferred;
    }

    /**
     * Every record of the JSON Lines files, with the scalar fields of the first record as typed key columns (a later
     * record's field of another type is an error naming its line), or {@code line} (with {@code file} for several
     * files) when there is none. Read on the executors, split as training reads it.
     */
    public Dataset<Row> keyedRecords(SparkSession spark, DataOptions options, String path, RecordShape model) {
        List<String> files = DataFiles.list(hadoop, path);
        RecordShape unlabelled = new RecordShape(model.inputSize(), false, LabelShape.PER_SEQUENCE, LabelKind.NONE,
                0, 0);
        Map<String, Object> firstKeys = firstKeys(files, unlabelled);
        List<String> keyNames = new ArrayList<>(firstKeys.keySet());
        StructType schema = new StructType();
        for (String name : keyNames) {
            schema = schema.add(name, typeOf(firstKeys.get(name)));
        }
        boolean numbered = keyNames.isEmpty();
        boolean named = numbered && files.size() > 1;
        if (named) {
            schema = schema.add("file", DataTypes.StringType);
        }
        if (numbered) {
            schema = schema.add("line", DataTypes.LongType);
        }
        schema = schema.add(FrameColumns.FEATURES, STEPS);
        List<JavaRDD<Tuple2<LongWritable, Text>>> lines = splits(options, files).lines();
        JavaRDD<Row> rows = null;
        DataType[] types = Arrays.stream(schema.fields()).map(StructField::dataType).toArray(DataType[]::new);
        long[] linesPerSplit = numbered
                ? TextSplits.countsPerSplit(sc, lines, true, "predict: numbering lines") : null;
        int firstSplit = 0;
        for (int f = 0; f < files.size(); f++) {
            String file = files.get(f);
            int splits = lines.get(f).getNumPartitions();
            long[] firstLines = numbered ? firstLines(linesPerSplit, firstSplit, splits) : null;
            firstSplit += splits;
            JsonLinesParser parser = new JsonLinesParser(file, unlabelled);
            boolean skip = options.skipBadRecords();
            JavaRDD<Row> fileRows = lines.get(f).mapPartitionsWithIndex((split, part) -> keyedRows(part, file, parser,
                    keyNames, types, named, firstLines == null ? -1 : firstLines[split], skip), true);
            rows = rows == null ? fileRows : rows.union(fileRows);
        }
        return spark.createDataFrame(rows, schema);
    }

    private Map<String, Object> firstKeys(List<String> files, RecordShape shape) {
        FirstRecord first = firstRecord(files);
        if (first == null) {
            throw new UserError(String.join(", ", files) + ": the data set is empty (no record)");
        }
        byte[] utf8 = first.line().text().getBytes(StandardCharsets.UTF_8);
        try {
            return new JsonLinesParser(first.file(), shape).parseKeyed(utf8, utf8.length).keys;
        } catch (DataFormatError e) {
            throw e.atLine(first.line().number());
        }
    }

    private static DataType typeOf(Object value) {
        if (value instanceof Long) {
            return DataTypes.LongType;
        }
        if (value instanceof Double) {
            return DataTypes.DoubleType;
        }
        if (value instanceof Boolean) {
            return DataTypes.BooleanType;
        }
        return DataTypes.StringType;
    }

    /** The 1-based number, within its file, of the first line of each of a file's splits. */
    private static long[] firstLines(long[] linesPerSplit, int firstSplit, int splits) {
        long[] first = new long[splits];
        long line = 1;
        for (int i = 0; i < splits; i++) {
            first[i] = line;
            line += linesPerSplit[firstSplit + i];
        }
        return first;
    }

    private static Iterator<Row> keyedRows(Iterator<Tuple2<LongWritable, Text>> lines, String file,
                                           JsonLinesParser parser, List<String> keys, DataType[] types,
                                           boolean named, long firstLine, boolean skip) {
        SplitRecords split = new SplitRecords(lines, file, firstLine);
        return new Iterator<>() {
            private Row next;

            @Override
            public boolean hasNext() {
                while (next == null && split.next()) {
                    try {
                        next = row(parser.parseKeyed(split.bytes(), split.length()));
                    } catch (DataFormatError e) {
                        if (!skip) {
                            throw e.atLine(split.lineNumber());
                        }
                    }
                }
                return next != null;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                Row row = next;
                next = null;
                return row;
            }

            private Row row(SequenceRecord record) {
                Object[] values = new Object[types.length];
                int c = 0;
                for (String key : keys) {
                    values[c] = typed(record.keys.get(key), types[c], key);
                    c++;
                }
                if (named) {
                    values[c++] = file;
                }
                if (keys.isEmpty()) {
                    values[c++] = split.lineNumber();
                }
                values[c] = record.steps.toArray(new double[0][]);
                return RowFactory.create(values);
            }

            private Object typed(Object value, DataType type, String key) {
                if (value == null || type == DataTypes.StringType) {
                    return value == null ? null : String.valueOf(value);
                }
                if (type == DataTypes.DoubleType && value instanceof Long whole) {
                    return whole.doubleValue();
                }
                if (typeOf(value) != type) {
                    throw new DataFormatError(file, split.lineNumber(), "field '" + key + "' is " + value
                            + ", the first record's was " + type.simpleString());
                }
                return value;
            }
        };
    }
}
