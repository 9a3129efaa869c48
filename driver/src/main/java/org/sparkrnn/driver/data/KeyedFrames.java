package org.sparkrnn.driver.data;

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
import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.driver.DataFormatError;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.config.DataOptions;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The project's own formats as DataFrames of sequences for prediction, each row keyed by what identifies its input,
 * so that predictions join back to it: a CSV window by the time of its last step ({@code time}), up to the window
 * that ends at the last value (the forecast past the data); a JSON Lines record by its other scalar fields (an
 * {@code id}, any key), or by {@code line} (and {@code file}, for several files) when it has none. The sequences
 * are in the column {@link #FEATURES}; labels in the input are not read. With {@code --on-bad-record skip} a bad
 * record is left out (a CSV value that is not a number becomes a gap).
 */
public final class KeyedFrames {

    /** The column holding each row's sequence (steps × features). */
    public static final String FEATURES = "features";

    private static final DataType STEPS = DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType));

    private KeyedFrames() {
    }

    /** Every gap-free window of {@code --window} steps of the CSV column, keyed by the time of its last step. */
    public static Dataset<Row> csvWindows(JavaSparkContext sc, SparkSession spark, DataOptions options, String path) {
        List<String> files = DataFiles.list(sc.hadoopConfiguration(), path);
        if (files.size() != 1) {
            throw new UserError(path + ": csv input must be one file, found " + files.size());
        }
        String file = files.get(0);
        // --on-bad-record skip: a value that is not a number becomes a gap (no window reads it)
        List<String> skipped = options.skipBadRecords() ? new ArrayList<>() : null;
        CsvSeries series = CsvSeries.parse(file, DataFiles.readLines(sc.hadoopConfiguration(), file),
                options.column(), options.timeColumn(), skipped, options.delimiter(), options.header())
                .withMissingPolicy(options.missing());
        int window = options.window();
        List<Integer> starts = series.inputStarts(window);
        if (starts.isEmpty()) {
            throw new UserError(file + ": " + series.values().length + " values make no gap-free window of "
                    + window + " steps");
        }
        List<Row> rows = new ArrayList<>(starts.size());
        for (int start : starts) {
            double[][] steps = new double[window][1];
            for (int t = 0; t < window; t++) {
                steps[t][0] = series.values()[start + t];
            }
            rows.add(RowFactory.create(series.times()[start + window - 1], steps));
        }
        StructType schema = new StructType().add("time", DataTypes.StringType).add(FEATURES, STEPS);
        int partitions = options.partitions() > 0 ? options.partitions() : sc.defaultParallelism();
        return spark.createDataFrame(sc.parallelize(rows, Math.max(1, Math.min(partitions, rows.size()))), schema);
    }

    /**
     * Every record of the JSON Lines files, with the scalar fields of the first record as typed key columns (a later
     * record's field of another type is an error naming its line), or {@code line} (with {@code file} for several
     * files) when there is none. Read on the executors, split as training reads it.
     */
    public static Dataset<Row> jsonLines(JavaSparkContext sc, SparkSession spark, DataOptions options, String path,
                                         RecordShape model) {
        List<String> files = DataFiles.list(sc.hadoopConfiguration(), path);
        RecordShape unlabelled = new RecordShape(model.inputSize(), false, LabelShape.PER_SEQUENCE, LabelKind.NONE,
                0, 0);
        Map<String, Object> firstKeys = firstKeys(sc, files, unlabelled);
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
        schema = schema.add(FEATURES, STEPS);
        long[] sizes = DataFiles.sizes(sc.hadoopConfiguration(), files);
        long total = Math.max(1, Arrays.stream(sizes).sum());
        int partitions = Partitioning.partitions(sc, options, total);
        List<JavaRDD<Tuple2<LongWritable, Text>>> lines = new ArrayList<>();
        for (int f = 0; f < files.size(); f++) {
            lines.add(TextSplits.lines(sc, files.get(f),
                    (int) Math.max(1, Math.round((double) partitions * sizes[f] / total))));
        }
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

    private static Map<String, Object> firstKeys(JavaSparkContext sc, List<String> files, RecordShape shape) {
        for (String file : files) {
            DataFiles.Line first = DataFiles.firstRecord(sc.hadoopConfiguration(), file);
            if (first != null) {
                byte[] utf8 = first.text().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                try {
                    return new JsonLinesParser(file, shape).parseKeyed(utf8, utf8.length).keys;
                } catch (DataFormatError e) {
                    throw e.atLine(first.number());
                }
            }
        }
        throw new UserError(String.join(", ", files) + ": the data set is empty (no record)");
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
        return new Iterator<>() {
            private Row next;
            private long index = -1;
            private long firstPosition = -1;
            private long splitFirstLine = firstLine;

            @Override
            public boolean hasNext() {
                while (next == null && lines.hasNext()) {
                    Tuple2<LongWritable, Text> line = lines.next();
                    index++;
                    long position = line._1().get();
                    if (firstPosition < 0) {
                        firstPosition = position;
                    }
                    byte[] utf8 = line._2().getBytes();
                    int length = line._2().getLength();
                    if (position == 0 && TextSplits.startsWithBom(utf8, length)) {
                        utf8 = Arrays.copyOfRange(utf8, 3, length);
                        length -= 3;
                    }
                    if (TextSplits.blank(utf8, length)) {
                        continue;
                    }
                    try {
                        next = row(parser.parseKeyed(utf8, length));
                    } catch (DataFormatError e) {
                        if (!skip) {
                            throw e.atLine(lineNumber());
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

            private long lineNumber() {
                if (splitFirstLine < 0) {
                    splitFirstLine = JsonLinesSource.lineNumberAt(file, firstPosition);
                }
                return splitFirstLine < 0 ? -1 : splitFirstLine + index;
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
                    values[c++] = lineNumber();
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
                    throw new DataFormatError(file, lineNumber(), "field '" + key + "' is " + value + ", the first"
                            + " record's was " + type.simpleString());
                }
                return value;
            }
        };
    }
}
