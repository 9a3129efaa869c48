package org.sparkrnn.driver.data.files;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBlock;
import org.sparkrnn.data.SeriesWindows;
import org.sparkrnn.data.WindowTransform;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.config.ColumnWindows;
import org.sparkrnn.driver.config.DataOptions;
import org.sparkrnn.driver.data.frame.FrameColumns;
import org.sparkrnn.driver.data.records.BlockPartitioner;
import org.sparkrnn.driver.data.records.DataFiles;
import org.sparkrnn.driver.data.records.HoldOut;
import org.sparkrnn.driver.data.records.Partitioning;
import org.sparkrnn.driver.data.records.ReadContext;
import org.sparkrnn.driver.data.records.RecordShape;
import org.sparkrnn.driver.data.records.RejectsWriter;
import org.sparkrnn.driver.data.records.SourceBlocks;
import org.sparkrnn.driver.data.records.ValidationRule;

import java.util.ArrayList;
import java.util.List;

/**
 * Sliding windows over one column of a CSV file: {@code --window T} steps, the target {@code --horizon h} steps
 * after the window, gaps by {@code --missing}, validation by {@code --validate-from} on the time column (or the
 * options' hold-out). Windows are numbered in file order and cut into P contiguous blocks (window i of N in block
 * ⌊i·P/N⌋, as {@link BlockPartitioner}); each block stores the series' rows its windows read once
 * ({@link SeriesWindows}) and makes the windows a batch selects, relative to their last value with
 * {@code --relative-to-last}.
 */
public final class CsvWindowSource {

    private final JavaSparkContext sc;
    private final Configuration hadoop;
    private final RejectsWriter rejects;

    public CsvWindowSource(JavaSparkContext sc, RejectsWriter rejects) {
        this.sc = sc;
        this.hadoop = sc.hadoopConfiguration();
        this.rejects = rejects;
    }

    public SourceBlocks read(DataOptions options, String path, ReadContext context, boolean holdOut) {
        List<String> rejected = options.skipBadRecords() ? new ArrayList<>() : null;
        ColumnWindows cut = options.columnWindows();
        CsvSeries series = series(options, path, rejected);
        if (rejected != null && !rejected.isEmpty()) {
            rejects.write(sc.parallelize(rejected, 1), options.rejectsPath());
        }
        int window = cut.window();
        int horizon = cut.horizon();
        List<Integer> starts = series.windowStarts(window, horizon);
        if (starts.isEmpty()) {
            throw new UserError(series.file() + ": " + series.values().length + " values make no gap-free window of "
                    + window + " steps plus a horizon of " + horizon);
        }
        ValidationRule rule = null;
        if (holdOut) {
            rule = Partitioning.holdOut(options);
            if (rule instanceof HoldOut h && h.tail()) {
                rule = new HoldOut(h.fraction(), true, h.seed(), starts.size());
            }
            if (cut.validateFrom() != null) {
                boolean[] flags = new boolean[starts.size()];
                for (int w = 0; w < flags.length; w++) {
                    String time = series.times()[starts.get(w) + window + horizon - 1];
                    flags[w] = CsvSeries.atOrAfter(time, cut.validateFrom());
                }
                rule = new ValidationRule.Flags(flags);
            }
        }
        RecordShape shape = context.shape() != null ? context.shape()
                : new RecordShape(1, false, LabelShape.PER_SEQUENCE, LabelKind.VALUES, 1, 0);
        double[] values = series.values();
        // one column, its own target: inputs and targets are one array, stored once
        SeriesWindows all = new SeriesWindows(1, 1, window, new int[] {horizon}, values, values,
                starts.stream().mapToInt(Integer::intValue).toArray());
        List<Long> trainIndexes = new ArrayList<>();
        List<Long> validationIndexes = new ArrayList<>();
        for (long w = 0; w < starts.size(); w++) {
            (rule != null && rule.isValidation(w) ? validationIndexes : trainIndexes).add(w);
        }
        int partitions = Partitioning.partitions(sc, options, 8L * starts.size() * window);
        JavaRDD<SequenceBlock> train = blocks(all, trainIndexes, partitions, options.windowTransform());
        JavaRDD<SequenceBlock> validation = rule == null ? null
                : blocks(all, validationIndexes, partitions, options.windowTransform());
        return new SourceBlocks(train, validation, shape, null, () -> { });
    }

    /**
     * The windows {@code indexes} (global, in file order) cut into {@code partitions} contiguous blocks as
     * {@link BlockPartitioner} cuts numbered sequences, each block over only the rows its windows read.
     */
    private JavaRDD<SequenceBlock> blocks(SeriesWindows all, List<Long> indexes, int partitions,
                                          WindowTransform transform) {
        BlockPartitioner partitioner = new BlockPartitioner(partitions, indexes.size());
        List<List<Integer>> chosen = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            chosen.add(new ArrayList<>());
        }
        for (long index : indexes) {
            chosen.get(partitioner.getPartition(index)).add((int) index);
        }
        List<SequenceBlock> blocks = new ArrayList<>(partitions);
        for (List<Integer> which : chosen) {
            SeriesWindows part = all.subset(which.stream().mapToInt(Integer::intValue).toArray());
            blocks.add(part.transformed(transform));
        }
        return sc.parallelize(blocks, partitions);
    }

    /** Every gap-free window of {@code --window} steps of the CSV column, keyed by the time of its last step. */
    public Dataset<Row> keyedWindows(SparkSession spark, DataOptions options, String path) {
        // --on-bad-record skip: a value that is not a number becomes a gap (no window reads it)
        List<String> skipped = options.skipBadRecords() ? new ArrayList<>() : null;
        CsvSeries series = series(options, path, skipped);
        String file = series.file();
        int window = options.columnWindows().window();
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
        StructType schema = new StructType().add("time", DataTypes.StringType).add(FrameColumns.FEATURES,
                DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType)));
        int partitions = options.partitions() > 0 ? options.partitions() : sc.defaultParallelism();
        return spark.createDataFrame(sc.parallelize(rows, Math.max(1, Math.min(partitions, rows.size()))), schema);
    }


    /**
     * The one file of {@code path} read as a series of its csv column, gaps as {@code --missing} says; with
     * {@code rejected}, values that are not numbers become gaps and are listed there.
     */
    private CsvSeries series(DataOptions options, String path, List<String> rejected) {
        List<String> files = DataFiles.list(hadoop, path);
        if (files.size() != 1) {
            throw new UserError(path + ": csv input must be one file, found " + files.size());
        }
        String file = files.get(0);
        ColumnWindows cut = options.columnWindows();
        return CsvSeries.parse(file, DataFiles.readLines(hadoop, file), cut.column(), cut.timeColumn(), rejected,
                options.delimiter(), options.header()).withMissingPolicy(cut.missing());
    }
}
