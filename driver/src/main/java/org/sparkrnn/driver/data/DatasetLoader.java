package org.sparkrnn.driver.data;

import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.sparkrnn.data.DataStatistics;
import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.data.SequenceBlock;
import org.sparkrnn.data.SeriesScaling;
import org.sparkrnn.data.Standardization;
import org.sparkrnn.data.TransformedWindows;
import org.sparkrnn.driver.Reporter;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.config.DataOptions;
import org.sparkrnn.driver.config.Defaults;
import org.sparkrnn.driver.config.Frequency;
import org.sparkrnn.driver.config.SettingError;
import org.sparkrnn.driver.config.TableLayout;
import org.sparkrnn.driver.data.files.CsvWindowSource;
import org.sparkrnn.driver.data.files.JsonLinesSource;
import org.sparkrnn.driver.data.files.TextSource;
import org.sparkrnn.driver.data.frame.FrameColumns;
import org.sparkrnn.driver.data.frame.FrameSource;
import org.sparkrnn.driver.data.records.Blocks;
import org.sparkrnn.driver.data.records.DataFiles;
import org.sparkrnn.driver.data.records.NumberedSequences;
import org.sparkrnn.driver.data.records.Partitioning;
import org.sparkrnn.driver.data.records.ReadContext;
import org.sparkrnn.driver.data.records.RecordShape;
import org.sparkrnn.driver.data.records.RejectsWriter;
import org.sparkrnn.driver.data.records.SourceBlocks;
import org.sparkrnn.driver.data.records.SplitSide;
import org.sparkrnn.driver.data.records.ValidationRule;
import org.sparkrnn.driver.data.table.LongTableSource;
import org.sparkrnn.driver.data.table.SmallCsvTable;
import org.sparkrnn.driver.data.table.TableInput;
import org.sparkrnn.driver.exec.DistributedSums;
import org.sparkrnn.driver.exec.InternalFrames;

/**
 * The loading pipeline every source shares: a source ({@link JsonLinesSource}, {@link FrameSource},
 * {@link CsvWindowSource}, {@link TextSource}) reads a data set into blocks, one {@link SequenceBlock} per
 * partition (packed sequences, or series with their windows made on demand), with the held-out share split off;
 * sources that number their sequences (text windows) are cut into P contiguous blocks here. Then the pipeline
 * takes the training statistics, resolves K, standardises with training-set statistics when asked, caches, and
 * checks that neither side is empty. Data are parsed and checked once, on the executors; the first bad record stops
 * the load with its file and line (or, when skipped, is written by the {@link RejectsWriter}). A new source plugs
 * into {@link #read}; prediction reads through the same sources ({@link #predictionRows}).
 */
public final class DatasetLoader {

    private final JavaSparkContext sc;
    private final DistributedSums sums;
    private final RejectsWriter rejects;
    private final JsonLinesSource jsonLines;
    private final FrameSource frames;
    private final CsvWindowSource csvWindows;
    private final TextSource text;
    private final LongTableSource tables;

    /**
     * A loader whose statistics and counts are summed as evaluation sums always are (the default tree depth): what
     * every caller but training uses.
     *
     * @param reporter where warnings (skipped records) go
     */
    public DatasetLoader(JavaSparkContext sc, Reporter reporter) {
        this(sc, new DistributedSums(sc, Defaults.Values.AGGREGATION_DEPTH), reporter);
    }

    /** @param reporter where warnings (skipped records) go */
    public DatasetLoader(JavaSparkContext sc, DistributedSums sums, Reporter reporter) {
        this.sc = sc;
        this.sums = sums;
        this.rejects = new RejectsWriter(sc.hadoopConfiguration(), reporter);
        this.jsonLines = new JsonLinesSource(sc, rejects);
        this.frames = new FrameSource(sc, rejects);
        this.csvWindows = new CsvWindowSource(sc, rejects);
        this.text = new TextSource(sc);
        this.tables = new LongTableSource(sc, reporter);
    }

    /** Training data (and validation data when the options ask for it). */
    public LoadedData loadForTraining(DataOptions options, ReadContext context) {
        if (options.validationPath() != null && (options.validationFraction() > 0 || options.validateFrom() != null)) {
            throw new SettingError("give either {--validation} FILE or a held-out share ({--validation-fraction},"
                    + " {--validate-from}), not both");
        }
        SourceBlocks train = read(options, options.path(), context, true, options.validationPath() == null);
        SourceBlocks separate = null;
        if (options.validationPath() != null) {
            ReadContext sameShape = new ReadContext(train.shape(), train.vocabulary(), null, context.normalize(),
                    train.seriesScaling(), train.frequency());
            separate = read(options, options.validationPath(), sameShape, true, false);
        }
        return finishTraining(options, context, train, separate);
    }

    /**
     * Training data from the {@code columns} of a DataFrame (the Spark ML estimators), with a held-out share when
     * {@code options} ask for one; {@code options.path()} only names the frame in messages.
     */
    public LoadedData loadForTraining(Dataset<Row> frame, FrameColumns columns, DataOptions options,
                                      ReadContext context) {
        SourceBlocks read = frames.read(frame, columns, options.path(), options, context, true, true);
        org.sparkrnn.data.WindowTransform transform = options.windowTransform();
        if (!transform.isIdentity()) {
            // the DataFrame's sequences are windows (SequenceWindows' rows): each expressed by its own values
            RecordShape shape = read.shape();
            if (shape.oneHot() || shape.labelShape() != org.sparkrnn.data.LabelShape.PER_SEQUENCE
                    || shape.labelKind() != org.sparkrnn.data.LabelKind.VALUES) {
                throw new SettingError((transform.scaled() ? "{--normalize} window scales" : "{--relative-to-last}"
                        + " measures") + " windows labelled with numbers (one label per sequence); these data have "
                        + shape.describeLabels());
            }
            read = new SourceBlocks(read.train().map(block -> TransformedWindows.of(block, transform)),
                    read.validation() == null ? null
                            : read.validation().map(block -> TransformedWindows.of(block, transform)),
                    shape, read.vocabulary(), read.release());
        }
        return finishTraining(options, context, read, null);
    }

    /**
     * Training data from a long table, one row per series and time, cut into windows as {@code layout} says; the
     * options' hold-out ({@code --validation-fraction} random or tail) or the layout's {@code validateFrom} holds
     * windows out; {@code source} names the table in messages.
     */
    public LoadedData loadForTraining(Dataset<Row> table, String source, TableLayout layout, DataOptions options,
                                      ReadContext context) {
        LongTableSource.HoldOutSpec holdOut = LongTableSource.HoldOutSpec.of(options);
        TableInput input = TableInput.of(table);
        Partitioning.TablePartitions partitions = tablePartitions(options, input);
        return finishTraining(options, context, tables.read(input, source, layout, holdOut, partitions, null, null),
                null);
    }

    /**
     * Data for evaluating a saved model, split as its run split its data (the options' validation set, held-out
     * share or {@code --validate-from}); the model fixes the shape, vocabulary and standardisation. The training
     * side may be empty (new data wholly after the run's validation time); the validation side is null without a
     * split.
     */
    public LoadedData loadForEvaluation(DataOptions options, ReadContext context) {
        SourceBlocks all = read(options, options.path(), context, true, options.validationPath() == null);
        SourceBlocks separate = options.validationPath() == null ? null
                : read(options, options.validationPath(), context, true, false);
        JavaRDD<SequenceBlock> train = finish(all.train(), context.standardization(), "training data");
        DataStatistics stats = sums.counts(train, "load: training data statistics");
        JavaRDD<SequenceBlock> validationRaw = separate != null ? separate.train() : all.validation();
        JavaRDD<SequenceBlock> validation = null;
        long validationCount = 0;
        if (validationRaw != null) {
            validation = finish(validationRaw, context.standardization(), "validation data");
            validationCount = sums.counts(validation, "load: validation data statistics").sequences();
        }
        all.release().run();
        if (separate != null) {
            separate.release().run();
        }
        if (stats.sequences() + validationCount == 0) {
            throw new UserError(options.path() + ": no sequence");
        }
        return new LoadedData(train, validation, all.shape(), stats, validationCount, context.standardization(),
                all.vocabulary(), all.seriesScaling(), all.frequency());
    }

    /** All sequences of {@code path} as one data set shaped as a saved model expects (evaluate, predict). */
    public LoadedData loadForModel(DataOptions options, String path, ReadContext context, boolean requireLabels) {
        SourceBlocks all = read(options, path, context, requireLabels, false);
        JavaRDD<SequenceBlock> blocks = finish(all.train(), context.standardization(), "data");
        DataStatistics stats = sums.counts(blocks, "load: data statistics");
        all.release().run();
        if (stats.sequences() == 0) {
            throw new UserError(path + ": no sequence");
        }
        return new LoadedData(blocks, null, all.shape(), stats, 0, context.standardization(), all.vocabulary(),
                all.seriesScaling(), all.frequency());
    }

    /** Records skipped as bad so far ({@code --on-bad-record skip}). */
    public long rejectedRecords() {
        return rejects.total();
    }

    /** The SparkSession over this loader's context (its settings, e.g. spark.sql.*, passed on). */
    public SparkSession session() {
        return frames.session();
    }

    /** A Spark data source by name, with the errors of the other formats (see {@link FrameSource#readFrame}). */
    public Dataset<Row> readFrame(String format, String path) {
        return frames.readFrame(format, path);
    }

    /** A data set as packed blocks from the source its format names, with its held-out share when allowed. */
    private SourceBlocks read(DataOptions options, String path, ReadContext context, boolean requireLabels,
                              boolean holdOut) {
        if (options.table() != null) {
            return table(options, path, context, holdOut);
        }
        return switch (options.format()) {
            case "jsonl" -> jsonLines.read(options, path, context, requireLabels, holdOut);
            case "csv" -> csvWindows.read(options, path, context, holdOut);
            case "text" -> blocks(options, text.read(options, path, context), holdOut);
            default -> {
                Dataset<Row> frame = frames.readFrame(options.format(), path);
                yield frames.read(frame, FrameColumns.cliDefaults(frame.schema(), requireLabels), path, options,
                        context, requireLabels, holdOut);
            }
        };
    }

    /**
     * The rows a saved model predicts, each keyed by what identifies its input so that predictions join back to it,
     * the sequences in {@link FrameColumns#FEATURES}: a long table's windows (series key, {@code time} of each
     * window's last step, {@code forecast_time} of each step it predicts, by the layout's time step, else
     * {@code knownStep}, else the data's most common; every window whose inputs are whole, the forecast windows
     * included); a CSV column's
     * gap-free windows keyed by {@code time}; JSON Lines records keyed by their other scalar fields (or {@code line},
     * and {@code file} for several files); any other Spark source as it is, in {@code --partitions} partitions when
     * given. Null for text, which is read as numbered windows ({@link #loadForModel}). With
     * {@code --on-bad-record skip} a bad record is left out (a CSV value that is not a number becomes a gap).
     */
    public Dataset<Row> predictionRows(DataOptions options, RecordShape model, Frequency knownStep) {
        String path = options.path();
        if (options.table() != null) {
            TableInput table = tableInput(options, path);
            return tables.windowsForPrediction(table, path, options.table(), tablePartitions(options, table),
                    knownStep);
        }
        return switch (options.format()) {
            case "csv" -> csvWindows.keyedWindows(session(), options, path);
            case "jsonl" -> jsonLines.keyedRecords(session(), options, path, model);
            case "text" -> null;
            default -> {
                Dataset<Row> frame = frames.readFrame(options.format(), path);
                int wanted = options.partitions();
                int have = frame.rdd().getNumPartitions();
                // fewer: neighbours merged, input order kept; more: a shuffle (the key columns still join back)
                yield wanted == 0 || wanted == have ? frame
                        : wanted < have ? frame.coalesce(wanted) : frame.repartition(wanted);
            }
        };
    }

    /**
     * A long table's windows as rows for a Spark ML pipeline: series key, {@code time} of the last step,
     * {@code forecast_time} of each step predicted, {@code featuresCol} and {@code labelCol}; {@code unlabelled}
     * keeps windows without all their targets (label null), each series' forecast window among them.
     */
    public Dataset<Row> tableWindows(Dataset<Row> table, String source, TableLayout layout, String featuresCol,
                                     String labelCol, boolean unlabelled) {
        return tables.windowRows(table, source, layout, Partitioning.forTable(Math.max(1, sc.defaultParallelism()),
                false, InternalFrames.estimatedBytes(table)), featuresCol, labelCol, unlabelled, null);
    }

    /** The columns {@link #tableWindows(Dataset, String, TableLayout, String, String, boolean)} gives. */
    public static org.apache.spark.sql.types.StructType tableWindowsSchema(
            org.apache.spark.sql.types.StructType table, TableLayout layout, String featuresCol, String labelCol,
            boolean unlabelled) {
        return LongTableSource.windowSchema(table, layout, featuresCol, labelCol, unlabelled);
    }

    /** A long table's windows (csv read by Spark's reader, or any Spark data source), held out as asked. */
    private SourceBlocks table(DataOptions options, String path, ReadContext context, boolean holdOut) {
        TableLayout layout = holdOut ? options.table() : options.table().withoutTimeSplit();
        TableInput table = tableInput(options, path);
        LongTableSource.HoldOutSpec spec = holdOut ? LongTableSource.HoldOutSpec.of(options)
                : LongTableSource.HoldOutSpec.NONE;
        Partitioning.TablePartitions partitions = tablePartitions(options, table);
        SourceBlocks blocks = tables.read(table, path, layout, spec, partitions, context.seriesScaling(),
                context.frequency());
        RecordShape expected = context.shape();
        if (expected != null && (expected.inputSize() != blocks.shape().inputSize()
                || expected.outputs() != blocks.shape().outputs())) {
            blocks.release().run();
            throw new UserError(path + ": the model reads " + expected.inputSize() + " feature(s) per step and"
                    + " predicts " + expected.outputs() + " value(s); this table gives " + blocks.shape().inputSize()
                    + " and " + blocks.shape().outputs() + " (--feature-columns, --known-columns, --static-columns,"
                    + " --calendar, --target-column, --horizon)");
        }
        return blocks;
    }

    /**
     * A long table's windows of one side, per series (key: the series id), split as the options say and standardised
     * as a saved model reads them ({@code standardization} null: raw), each window divided by its series' scale when the model
     * scales each series ({@code seriesScaling}): what {@code --per-series} scores. Lazy.
     */
    public JavaPairRDD<Object, SequenceBlock> tableWindowsBySeries(DataOptions options, Standardization standardization,
                                                                   SeriesScaling seriesScaling,
                                                                   Frequency frequency, SplitSide side) {
        if (options.table() == null) {
            throw new SettingError("{--per-series} reads a long table: give {--id-column}, {--time-column} and"
                    + " {--target-column} (or train on one)");
        }
        TableInput table = tableInput(options, options.path());
        LongTableSource.HoldOutSpec holdOut = LongTableSource.HoldOutSpec.of(options);
        JavaPairRDD<Object, SequenceBlock> series = tables.windowsBySeries(table, options.path(), options.table(),
                holdOut, tablePartitions(options, table), side, seriesScaling, frequency);
        return standardization == null ? series : series.mapValues(block -> block.standardized(standardization));
    }

    /**
     * The latest {@code count} distinct times among a long table's labelled rows, latest first, as text the hold-out
     * options read (a backtest's cutoffs).
     */
    public java.util.List<String> latestTableTimes(DataOptions options, int count) {
        return tables.latestTimes(readTable(options, options.path()), options.path(), options.table(), count);
    }

    /**
     * The chosen series' rows of a long table (key as text → each row's time as the table writes it and its first
     * target, in time order; rows without the target left out): what a chart draws. One Spark job.
     */
    public java.util.Map<String, java.util.List<java.util.Map.Entry<String, Double>>> seriesValues(
            DataOptions options, java.util.List<String> keys) {
        return tables.seriesValues(readTable(options, options.path()), options.path(), options.table(), keys);
    }

    /**
     * A long table to load: a CSV table that is one small plain file is read without Spark SQL where the load allows
     * ({@link SmallCsvTable}; not a directory or glob, even of one file: Spark lists those itself), Spark's reader
     * made only if it is needed; any other table by Spark's reader.
     */
    private TableInput tableInput(DataOptions options, String path) {
        if (options.format().equals("csv")) {
            java.util.List<String> columns = frames.csvColumns(path, options.delimiter(), options.header());
            java.util.List<String> files = org.sparkrnn.driver.data.records.DataFiles.list(sc.hadoopConfiguration(),
                    path);
            SmallCsvTable csv = columns == null || files.size() != 1 || !files.get(0).equals(path) ? null
                    : SmallCsvTable.of(sc.hadoopConfiguration(), path, options.delimiter(), options.header(), columns,
                    Partitioning.ONE_RANGE_BYTES);
            if (csv != null) { // Spark's reader is asked only if the load cannot do without it
                return TableInput.csv(FrameSource.csvSchema(columns), session(), () -> readTable(options, path), csv);
            }
        }
        return TableInput.of(readTable(options, path));
    }

    /** A long table: csv by Spark's reader, or any Spark data source by name. */
    private Dataset<Row> readTable(DataOptions options, String path) {
        return options.format().equals("csv") ? frames.readCsv(path, options.delimiter(), options.header())
                : frames.readFrame(options.format(), path);
    }

    /**
     * The partitions a long table is sorted into: --partitions, else Spark's default parallelism raised so that no
     * partition reads more than its share of the table's files ({@link Partitioning#partitions}): each partition's
     * rows are held in memory while its windows are cut. A small table left at the default is ordered as one range
     * ({@link Partitioning#forTable}).
     */
    private Partitioning.TablePartitions tablePartitions(DataOptions options, TableInput input) {
        SmallCsvTable csv = input.csv();
        if (csv != null) { // one uncompressed file: its length is Spark's estimate too, without planning a query
            return Partitioning.forTable(Partitioning.partitions(sc, options, csv.bytes()), options.partitions() > 0,
                    csv.bytes());
        }
        Dataset<Row> table = input.frame();
        String[] files = table.inputFiles();
        long bytes = 0;
        for (long size : DataFiles.sizes(sc.hadoopConfiguration(), java.util.Arrays.asList(files))) {
            bytes += size;
        }
        return Partitioning.forTable(Partitioning.partitions(sc, options, bytes), options.partitions() > 0,
                InternalFrames.estimatedBytes(table));
    }

    /** Numbered sequences (text windows) cut into contiguous blocks, the held-out ones apart. */
    private SourceBlocks blocks(DataOptions options, NumberedSequences numbered, boolean holdOut) {
        ValidationRule rule = holdOut ? Partitioning.sized(numbered.rule(), numbered.pairs()) : null;
        int partitions = Partitioning.partitions(sc, options, numbered.inputBytes());
        JavaPairRDD<Long, SequenceBatch> trainPairs = numbered.pairs();
        JavaRDD<SequenceBatch> validation = null;
        if (rule != null) {
            ValidationRule heldOut = rule;
            validation = Partitioning.blocks(numbered.pairs().filter(pair -> heldOut.isValidation(pair._1())),
                    numbered.shape(), partitions);
            trainPairs = numbered.pairs().filter(pair -> !heldOut.isValidation(pair._1()));
        }
        JavaRDD<SequenceBatch> train = Partitioning.blocks(trainPairs, numbered.shape(), partitions);
        return new SourceBlocks(Blocks.widen(train), validation == null ? null : Blocks.widen(validation),
                numbered.shape(), numbered.vocabulary(), numbered::release);
    }

    private LoadedData finishTraining(DataOptions options, ReadContext context, SourceBlocks train,
                                      SourceBlocks separate) {
        JavaRDD<SequenceBlock> validationRaw = separate != null ? separate.train() : train.validation();
        // Without standardisation the blocks are final as parsed: cache them in the pass that takes the statistics.
        boolean scaled = context.standardization() != null || context.normalize();
        JavaRDD<SequenceBlock> trainBlocks = scaled ? train.train() : finish(train.train(), null, "training data");
        boolean moments = context.standardization() == null && context.normalize(); // a standardisation to compute
        DataStatistics stats = moments ? sums.statistics(trainBlocks, "load: training data statistics")
                : sums.counts(trainBlocks, "load: training data statistics");
        if (stats.sequences() == 0) {
            throw new UserError(options.path() + ": no training sequence"
                    + (validationRaw != null && separate == null ? " left after holding out the validation share"
                    : ""));
        }
        if (stats.labelledSteps() == 0) {
            throw new UserError(options.path() + ": no labelled step in the training data");
        }
        RecordShape shape = resolveClasses(train.shape(), stats, options.path());
        Standardization standardization = context.standardization() != null ? context.standardization()
                : context.normalize() ? (context.countTargets() ? Standardization.from(stats, !shape.oneHot())
                .withoutTargets() : Standardization.from(stats, !shape.oneHot())) : null;
        if (scaled) {
            trainBlocks = finish(train.train(), standardization, "training data");
        }
        JavaRDD<SequenceBlock> validationBlocks = null;
        long validationCount = 0;
        if (validationRaw != null) {
            validationBlocks = finish(validationRaw, standardization, "validation data");
            // one job caches both sides: the standardised training data and the validation data (with its count)
            validationCount = scaled ? sums.counts(trainBlocks, validationBlocks,
                    "load: caching the standardised training data; validation data statistics")[1].sequences()
                    : sums.counts(validationBlocks, "load: validation data statistics").sequences();
            if (validationCount == 0) {
                throw new SettingError("the validation split is empty: "
                        + (options.validationPath() != null ? options.validationPath() + " holds no sequence"
                        : "no sequence of " + options.path() + " was held out (check {--validation-fraction} /"
                        + " {--validate-from})"));
            }
        } else if (scaled) {
            sums.counts(trainBlocks, "load: caching the standardised training data");
        }
        train.release().run();
        if (separate != null) {
            separate.release().run();
        }
        return new LoadedData(trainBlocks, validationBlocks, shape, stats, validationCount, standardization,
                train.vocabulary(), train.seriesScaling(), train.frequency());
    }

    private static JavaRDD<SequenceBlock> finish(JavaRDD<SequenceBlock> blocks, Standardization standardization,
                                                 String name) {
        JavaRDD<SequenceBlock> ready = standardization == null ? blocks
                : blocks.map(block -> block.standardized(standardization));
        return ready.setName(name).persist(StorageLevel.MEMORY_AND_DISK());
    }

    private static RecordShape resolveClasses(RecordShape shape, DataStatistics stats, String path) {
        if (shape.labelKind() != LabelKind.CLASSES || shape.classes() > 0) {
            return shape;
        }
        int k = stats.maxClass() + 1;
        if (k < 2) {
            throw new SettingError(path + ": classification needs at least 2 classes, the labels hold " + k
                    + " (give {--classes} K if some classes do not occur)");
        }
        return shape.withClasses(k);
    }
}
