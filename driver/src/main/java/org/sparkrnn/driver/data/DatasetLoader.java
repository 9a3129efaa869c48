package org.sparkrnn.driver.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.sparkrnn.data.DataStatistics;
import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.RelativeToLast;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.data.Standardization;
import org.sparkrnn.driver.DataFormatError;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.train.DistributedSums;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads a data set into the cached form training uses: one {@link SequenceBatch} per partition (flat arrays, not one
 * object per number), training and held-out sides, standardised with training-set statistics when asked, cached.
 * JSON Lines, the large format, go straight from each input split into its partition's blocks in one pass
 * ({@code jsonBlocks}). CSV windows and text become sequences numbered in file order, a {@link ValidationRule} holds
 * some out, and each side is cut into P contiguous blocks ({@link BlockPartitioner}), sorted and packed. Data are
 * parsed and checked once, on the executors; the first bad record stops the load with its file and line.
 */
public final class DatasetLoader {

    /**
     * Records between parsing and packing are kept serialized (Kryo, flat arrays): a load holds them and the packed
     * blocks at once, and one object per record would not fit where the packed data do.
     */
    private static final StorageLevel INTERMEDIATE = StorageLevel.MEMORY_AND_DISK_SER();

    private final JavaSparkContext sc;
    private final DistributedSums sums;
    private final Configuration hadoop;
    private long rejected;

    public DatasetLoader(JavaSparkContext sc, DistributedSums sums) {
        this.sc = sc;
        this.sums = sums;
        this.hadoop = sc.hadoopConfiguration();
    }

    /**
     * What a saved model fixes about data it reads: the record shape, the vocabulary (text) and the
     * standardisation; null members are inferred or computed from the training data.
     */
    public record Context(RecordShape shape, Vocabulary vocabulary, Standardization standardization,
                          boolean normalize) {
        public static Context fresh(boolean normalize) {
            return new Context(null, null, null, normalize);
        }
    }

    /** Training data (and validation data when the options ask for it). */
    public LoadedData loadForTraining(DataOptions options, Context context) {
        if (options.validationPath() != null && (options.validationFraction() > 0 || options.validateFrom() != null)) {
            throw new UserError("give either --validation FILE or a held-out share (--validation-fraction,"
                    + " --validate-from), not both");
        }
        Raw train = rawBlocks(options, options.path(), context, true, options.validationPath() == null);
        Raw separate = null;
        if (options.validationPath() != null) {
            Context sameShape = new Context(train.shape, train.vocabulary, null, context.normalize());
            separate = rawBlocks(options, options.validationPath(), sameShape, true, false);
        }
        return finishTraining(options, context, train, separate);
    }

    /**
     * Training data from the {@code columns} of a DataFrame (the Spark ML estimators), with a held-out share when
     * {@code options} ask for one; {@code options.path()} only names the frame in messages.
     */
    public LoadedData loadForTraining(Dataset<Row> frame, FrameColumns columns, DataOptions options,
                                      Context context) {
        return finishTraining(options, context,
                frameBlocks(frame, columns, options.path(), options, context, true, true), null);
    }

    private LoadedData finishTraining(DataOptions options, Context context, Raw train, Raw separate) {
        JavaRDD<SequenceBatch> validationRaw = separate != null ? separate.train : train.validation;
        // Without standardisation the blocks are final as parsed: cache them in the pass that takes the statistics.
        boolean scaled = context.standardization() != null || context.normalize();
        JavaRDD<SequenceBatch> trainBlocks = scaled ? train.train : finish(train.train, null, "training data");
        DataStatistics stats = sums.statistics(trainBlocks, "load: training data statistics");
        if (stats.sequences() == 0) {
            throw new UserError(options.path() + ": no training sequence"
                    + (validationRaw != null && separate == null ? " left after holding out the validation share"
                    : ""));
        }
        if (stats.labelledSteps() == 0) {
            throw new UserError(options.path() + ": no labelled step in the training data");
        }
        RecordShape shape = resolveClasses(train.shape, stats, options.path());
        Standardization standardization = context.standardization() != null ? context.standardization()
                : context.normalize() ? Standardization.from(stats, !shape.oneHot()) : null;
        if (scaled) {
            trainBlocks = finish(train.train, standardization, "training data");
            sums.statistics(trainBlocks, "load: caching the standardised training data");
        }
        JavaRDD<SequenceBatch> validationBlocks = null;
        long validationCount = 0;
        if (validationRaw != null) {
            validationBlocks = finish(validationRaw, standardization, "validation data");
            validationCount = sums.statistics(validationBlocks, "load: validation data statistics").sequences();
            if (validationCount == 0) {
                throw new UserError("the validation split is empty: "
                        + (options.validationPath() != null ? options.validationPath() + " holds no sequence"
                        : "no sequence of " + options.path() + " was held out (check --validation-fraction /"
                        + " --validate-from)"));
            }
        }
        train.release.run();
        if (separate != null) {
            separate.release.run();
        }
        return new LoadedData(trainBlocks, validationBlocks, shape, stats, validationCount, standardization,
                train.vocabulary);
    }

    /** Packed blocks before standardisation: training side, held-out side (or null), and how to free them. */
    private record Raw(JavaRDD<SequenceBatch> train, JavaRDD<SequenceBatch> validation, RecordShape shape,
                       Vocabulary vocabulary, Runnable release) {
    }

    /** A data set as packed blocks, with its held-out share split off when {@code holdOut} allows one. */
    private Raw rawBlocks(DataOptions options, String path, Context context, boolean requireLabels, boolean holdOut) {
        if (options.format().equals("jsonl")) {
            return jsonBlocks(options, path, context, requireLabels, holdOut);
        }
        if (!DataOptions.OWN_FORMATS.contains(options.format())) {
            Dataset<Row> frame = readFrame(options.format(), path);
            return frameBlocks(frame, FrameColumns.cliDefaults(frame.schema(), requireLabels), path, options, context,
                    requireLabels, holdOut);
        }
        Numbered numbered = numbered(options, path, context, requireLabels);
        ValidationRule rule = holdOut ? sized(numbered.rule, numbered.pairs) : null;
        int partitions = partitions(options, numbered.inputBytes);
        JavaPairRDD<Long, SequenceBatch> trainPairs = numbered.pairs;
        JavaRDD<SequenceBatch> validation = null;
        if (rule != null) {
            ValidationRule heldOut = rule;
            validation = blocks(numbered.pairs.filter(pair -> heldOut.isValidation(pair._1())), numbered.shape,
                    partitions);
            trainPairs = numbered.pairs.filter(pair -> !heldOut.isValidation(pair._1()));
        }
        JavaRDD<SequenceBatch> train = blocks(trainPairs, numbered.shape, partitions);
        if (options.relativeToLast()) {
            train = train.map(RelativeToLast::apply);
            validation = validation == null ? null : validation.map(RelativeToLast::apply);
        }
        return new Raw(train, validation, numbered.shape, numbered.vocabulary, numbered::release);
    }

    /** Records skipped as bad so far ({@code --on-bad-record skip}). */
    public long rejectedRecords() {
        return rejected;
    }

    /** All sequences of {@code path} as one data set shaped as a saved model expects (evaluate, predict). */
    public LoadedData loadForModel(DataOptions options, String path, Context context, boolean requireLabels) {
        Raw all = rawBlocks(options, path, context, requireLabels, false);
        JavaRDD<SequenceBatch> blocks = finish(all.train, context.standardization(), "data");
        DataStatistics stats = sums.statistics(blocks, "load: data statistics");
        all.release.run();
        if (stats.sequences() == 0) {
            throw new UserError(path + ": no sequence");
        }
        return new LoadedData(blocks, null, all.shape, stats, 0, context.standardization(), all.vocabulary);
    }

    /** Sequences numbered in file order, their shape, and the held-out rule their format implies. */
    private record Numbered(JavaPairRDD<Long, SequenceBatch> pairs, JavaRDD<SequenceBatch> source,
                            RecordShape shape, Vocabulary vocabulary, ValidationRule rule, long inputBytes) {
        /** Releases the numbered sequences and what they were computed from, once the blocks are cached. */
        void release() {
            pairs.unpersist(false);
            if (source != null) {
                source.unpersist(false);
            }
        }
    }

    private Numbered numbered(DataOptions options, String path, Context context, boolean requireLabels) {
        return switch (options.format()) {
            case "jsonl" -> throw new IllegalStateException("JSON Lines are read by jsonBlocks");
            case "csv" -> csvWindows(options, path, context);
            case "text" -> textWindows(options, path, context);
            default -> throw new UserError("unknown --format '" + options.format() + "', expected jsonl, csv or text");
        };
    }

    /**
     * JSON Lines straight into blocks: every input split of the files (about P of them, each file's share by size)
     * is read once, each line's UTF-8 bytes handed to the parser without decoding to a string, into the training and
     * held-out blocks of its partition: no object per record, no shuffle. The hold-out decides by byte position
     * (random: per line, seeded; tail: the last share of the data by size). A bad line's number is only worked out
     * when there is one to report.
     */
    private Raw jsonBlocks(DataOptions options, String path, Context context, boolean requireLabels,
                           boolean holdOut) {
        List<String> files = DataFiles.list(hadoop, path);
        RecordShape shape = jsonShape(options, path, files, context, requireLabels);
        long[] sizes = DataFiles.sizes(hadoop, files);
        long totalBytes = java.util.Arrays.stream(sizes).sum();
        int partitions = partitions(options, totalBytes);
        HoldOut rule = holdOut ? holdOut(options) : null;
        if (rule != null && rule.tail()) {
            rule = new HoldOut(rule.fraction(), true, rule.seed(), totalBytes);
        }
        boolean skip = options.skipBadRecords();
        JavaRDD<Tuple2<SequenceBatch, SequenceBatch>> parsed = null;
        JavaRDD<String> rejects = null;
        long fileStart = 0;
        for (int f = 0; f < files.size(); f++) {
            String file = files.get(f);
            long bytes = sizes[f];
            int splits = (int) Math.max(1, Math.round((double) partitions * bytes / Math.max(1, totalBytes)));
            JsonLinesParser parser = new JsonLinesParser(file, shape);
            // random hold-out: any position unique to the line; tail: its position in all the data
            long offset = rule != null && rule.tail() ? fileStart : ((long) f) << 40;
            HoldOut heldOut = rule;
            JavaRDD<Tuple2<SequenceBatch, SequenceBatch>> blocks = sc.hadoopFile(file,
                            org.apache.hadoop.mapred.TextInputFormat.class, org.apache.hadoop.io.LongWritable.class,
                            org.apache.hadoop.io.Text.class, splits)
                    .mapPartitions(part -> parseBlock(part, file, parser, shape, heldOut, offset, skip), true);
            parsed = parsed == null ? blocks : parsed.union(blocks);
            if (skip) {
                JavaRDD<String> bad = sc.textFile(file, splits).zipWithIndex()
                        .filter(line -> !line._1().isBlank())
                        .flatMap(line -> rejectOf(parser, shape, line._1(), line._2() + 1).iterator());
                rejects = rejects == null ? bad : rejects.union(bad);
            }
            fileStart += bytes;
        }
        if (parsed.getNumPartitions() > partitions) {
            // more splits than wanted (many small files): merge neighbouring blocks without a shuffle
            parsed = parsed.coalesce(partitions).mapPartitions(DatasetLoader::mergeBlocks, true);
        }
        JavaRDD<Tuple2<SequenceBatch, SequenceBatch>> cached = parsed.persist(StorageLevel.MEMORY_AND_DISK());
        if (rejects != null) {
            reportRejects(rejects, options.rejectsPath());
        }
        return new Raw(cached.map(Tuple2::_1), rule == null ? null : cached.map(Tuple2::_2), shape, null,
                () -> cached.unpersist(false));
    }

    /** The SparkSession over this loader's context (its settings, e.g. spark.sql.*, passed on). */
    public SparkSession session() {
        return SparkSession.builder().config(sc.getConf()).getOrCreate();
    }

    /**
     * A Spark data source ({@code spark.read().format(format)}), e.g. parquet or orc, with the errors of the other
     * formats: a missing path, an unknown format, an unreadable file.
     */
    public Dataset<Row> readFrame(String format, String path) {
        SparkSession spark = session();
        DataFiles.list(hadoop, path); // the same "no such file" message as the other formats
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
     * DataFrame rows straight into blocks, as {@link #jsonBlocks}: one pass over each partition, no shuffle. The
     * random hold-out decides by a hash of each record's content (so it does not depend on partitioning or Spark
     * version), the tail hold-out by the row's position in the frame.
     */
    private Raw frameBlocks(Dataset<Row> frame, FrameColumns columns, String source, DataOptions options,
                            Context context, boolean requireLabels, boolean holdOut) {
        columns.check(frame.schema(), source);
        String[] names = columns.selected();
        Dataset<Row> selected = frame.select(names[0], java.util.Arrays.copyOfRange(names, 1, names.length));
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
        }
        JavaRDD<Row> rows = selected.javaRDD();
        int wanted = options.partitions();
        if (wanted > 0 && wanted != rows.getNumPartitions()) {
            rows = wanted < rows.getNumPartitions() ? rows.coalesce(wanted) : rows.repartition(wanted);
        }
        HoldOut rule = holdOut ? holdOut(options) : null;
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
        JavaRDD<Tuple2<SequenceBatch, SequenceBatch>> cached = keyed.mapPartitionsWithIndex(
                (partition, part) -> rowBlock(partition, part, columns, source, finalShape, heldOut, skip), true)
                .persist(StorageLevel.MEMORY_AND_DISK());
        if (skip) {
            reportRejects(keyed.mapPartitionsWithIndex((partition, part) ->
                    rowRejects(partition, part, columns, source, finalShape), true), options.rejectsPath());
        }
        return new Raw(cached.map(Tuple2::_1), rule == null ? null : cached.map(Tuple2::_2), shape, null,
                () -> cached.unpersist(false));
    }

    private static java.util.Iterator<Tuple2<SequenceBatch, SequenceBatch>> rowBlock(
            int partition, java.util.Iterator<Tuple2<Row, Long>> rows, FrameColumns columns, String source,
            RecordShape shape, HoldOut holdOut, boolean skip) {
        String where = source + " partition " + partition;
        RecordChecker checker = new RecordChecker(where, "row", shape);
        SequenceBatch.Builder train = builderFor(shape);
        SequenceBatch.Builder validation = builderFor(shape);
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
            }
        }
        return java.util.Collections.singletonList(new Tuple2<>(train.build(), validation.build())).iterator();
    }

    /** "problem TAB row" for every bad row of a partition. */
    private static java.util.Iterator<String> rowRejects(int partition, java.util.Iterator<Tuple2<Row, Long>> rows,
                                                         FrameColumns columns, String source, RecordShape shape) {
        String where = source + " partition " + partition;
        RecordChecker checker = new RecordChecker(where, "row", shape);
        List<String> rejects = new ArrayList<>();
        long number = 0;
        while (rows.hasNext()) {
            Row row = rows.next()._1();
            number++;
            try {
                checker.addInto(columns.read(row, where, number), number, builderFor(shape));
            } catch (DataFormatError e) {
                rejects.add(e.getMessage() + "\t" + row);
            }
        }
        return rejects.iterator();
    }

    /** One input split parsed into its (training, held-out) blocks; bad records stop it unless skipped. */
    private static java.util.Iterator<Tuple2<SequenceBatch, SequenceBatch>> parseBlock(
            java.util.Iterator<Tuple2<org.apache.hadoop.io.LongWritable, org.apache.hadoop.io.Text>> lines,
            String file, JsonLinesParser parser, RecordShape shape, HoldOut holdOut, long offset, boolean skip) {
        SequenceBatch.Builder train = builderFor(shape);
        SequenceBatch.Builder validation = builderFor(shape);
        while (lines.hasNext()) {
            Tuple2<org.apache.hadoop.io.LongWritable, org.apache.hadoop.io.Text> line = lines.next();
            byte[] utf8 = line._2().getBytes(); // reused by the reader: parsed before the next line is read
            int length = line._2().getLength();
            if (blank(utf8, length)) {
                continue;
            }
            long position = line._1().get();
            SequenceBatch.Builder into = holdOut != null && holdOut.isValidation(offset + position) ? validation
                    : train;
            try {
                parser.parseInto(utf8, length, into);
            } catch (DataFormatError e) {
                if (!skip) {
                    throw e.atLine(lineNumberAt(file, position));
                }
            }
        }
        return java.util.Collections.singletonList(new Tuple2<>(train.build(), validation.build())).iterator();
    }

    private static boolean blank(byte[] utf8, int length) {
        for (int i = 0; i < length; i++) {
            if (utf8[i] != ' ' && utf8[i] != '\t' && utf8[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    /** The 1-based number of the line starting at byte {@code position} of {@code file} (read only on an error). */
    static long lineNumberAt(String file, long position) {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file);
        try (var in = new java.io.BufferedInputStream(path.getFileSystem(new Configuration()).open(path), 1 << 16)) {
            long line = 1;
            for (long i = 0; i < position; i++) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                line += b == '\n' ? 1 : 0;
            }
            return line;
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /** The shape a saved model fixes, or the one the first record shows (checked against the model's). */
    private RecordShape jsonShape(DataOptions options, String path, List<String> files, Context context,
                                  boolean requireLabels) {
        RecordShape shape = context.shape();
        if (shape != null && requireLabels) {
            return shape;
        }
        DataFiles.Line first = null;
        String firstFile = null;
        for (String file : files) {
            first = DataFiles.firstRecord(hadoop, file);
            if (first != null) {
                firstFile = file;
                break;
            }
        }
        if (first == null) {
            throw new UserError(path + ": the data set is empty (no record in " + files.size() + " file(s))");
        }
        RecordShape inferred = JsonLinesParser.inferShape(firstFile, first.number(), first.text(),
                options.classification(), options.classes(), requireLabels);
        if (shape != null && inferred.inputSize() != shape.inputSize()) {
            throw new DataFormatError(firstFile, first.number(), "steps have " + inferred.inputSize()
                    + " features, the model expects " + shape.inputSize());
        }
        return inferred;
    }

    /** The blocks of several splits that coalesce put in one partition, as one block pair, in order. */
    private static java.util.Iterator<Tuple2<SequenceBatch, SequenceBatch>> mergeBlocks(
            java.util.Iterator<Tuple2<SequenceBatch, SequenceBatch>> blocks) {
        List<SequenceBatch> train = new ArrayList<>();
        List<SequenceBatch> validation = new ArrayList<>();
        blocks.forEachRemaining(pair -> {
            train.add(pair._1());
            validation.add(pair._2());
        });
        return java.util.Collections.singletonList(new Tuple2<>(SequenceBatch.concat(train.get(0), train),
                SequenceBatch.concat(validation.get(0), validation))).iterator();
    }

    private static SequenceBatch.Builder builderFor(RecordShape shape) {
        return shape.oneHot()
                ? SequenceBatch.tokenBuilder(shape.inputSize(), shape.labelShape(), shape.labelKind(),
                shape.labelWidth())
                : shape.labelKind() == LabelKind.NONE ? SequenceBatch.unlabelledBuilder(shape.inputSize())
                : SequenceBatch.builder(shape.inputSize(), shape.labelShape(), shape.labelKind(), shape.labelWidth());
    }

    /** "problem TAB record" for a bad record, nothing for a good one. */
    private static List<String> rejectOf(JsonLinesParser parser, RecordShape shape, String line, long number) {
        try {
            parser.parseInto(line, number, builderFor(shape));
            return List.of();
        } catch (DataFormatError e) {
            return List.of(e.getMessage() + "\t" + line);
        }
    }

    /** Counts the rejected records, writes them (when a place is given) and says so. */
    private void reportRejects(JavaRDD<String> rejects, String path) {
        sc.setJobDescription("load: rejected records");
        JavaRDD<String> cached = rejects.persist(StorageLevel.MEMORY_AND_DISK());
        long count = cached.count();
        if (count > 0) {
            String first = cached.first();
            String where = "";
            if (path != null) {
                try {
                    org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(path);
                    target.getFileSystem(hadoop).delete(target, true);
                } catch (java.io.IOException e) {
                    throw new UserError("cannot replace " + path + ": " + e.getMessage());
                }
                cached.coalesce(1).saveAsTextFile(path);
                where = ", written to " + path;
            }
            System.out.println("warning: skipped " + count + " bad record(s)" + where + "; the first: "
                    + first.substring(0, first.indexOf('\t')));
        }
        rejected += count;
        cached.unpersist(false);
    }

    private Numbered csvWindows(DataOptions options, String path, Context context) {
        List<String> files = DataFiles.list(hadoop, path);
        if (files.size() != 1) {
            throw new UserError(path + ": csv input must be one file, found " + files.size());
        }
        String file = files.get(0);
        if (options.window() < 1 || options.horizon() < 1) {
            throw new UserError("csv data need --window T >= 1 and --horizon h >= 1");
        }
        List<String> rejects = options.skipBadRecords() ? new ArrayList<>() : null;
        CsvSeries series = CsvSeries.parse(file, DataFiles.readLines(hadoop, file), options.column(),
                options.timeColumn(), rejects).withMissingPolicy(options.missing());
        if (rejects != null && !rejects.isEmpty()) {
            reportRejects(sc.parallelize(rejects, 1), options.rejectsPath());
        }
        List<Integer> starts = series.windowStarts(options.window(), options.horizon());
        if (starts.isEmpty()) {
            throw new UserError(file + ": " + series.values().length + " values make no gap-free window of "
                    + options.window() + " steps plus a horizon of " + options.horizon());
        }
        ValidationRule rule = holdOut(options);
        if (options.validateFrom() != null) {
            boolean[] flags = new boolean[starts.size()];
            for (int w = 0; w < flags.length; w++) {
                String time = series.times()[starts.get(w) + options.window() + options.horizon() - 1];
                flags[w] = CsvSeries.atOrAfter(time, options.validateFrom());
            }
            rule = new ValidationRule.Flags(flags);
        }
        RecordShape shape = context.shape() != null ? context.shape()
                : new RecordShape(1, false, LabelShape.PER_SEQUENCE, LabelKind.VALUES, 1, 0);
        double[] values = series.values();
        int window = options.window();
        int horizon = options.horizon();
        List<Tuple2<Long, Integer>> numberedStarts = new ArrayList<>();
        for (int w = 0; w < starts.size(); w++) {
            numberedStarts.add(new Tuple2<>((long) w, starts.get(w)));
        }
        JavaPairRDD<Long, SequenceBatch> pairs = sc.parallelizePairs(numberedStarts, Math.max(1, sc.defaultParallelism()))
                .mapValues(start -> csvWindow(values, start, window, horizon));
        return new Numbered(pairs.persist(INTERMEDIATE), null, shape, null, rule, 8L * starts.size() * window);
    }

    private static SequenceBatch csvWindow(double[] values, int start, int window, int horizon) {
        double[][] steps = new double[window][1];
        for (int t = 0; t < window; t++) {
            steps[t][0] = values[start + t];
        }
        return SequenceBatch.builder(1, LabelShape.PER_SEQUENCE, LabelKind.VALUES, 1)
                .add(steps, new double[] {values[start + window + horizon - 1]}).build();
    }

    private Numbered textWindows(DataOptions options, String path, Context context) {
        if (options.window() < 1) {
            throw new UserError("text data need --window T >= 1 (characters per sequence)");
        }
        List<String> files = DataFiles.list(hadoop, path);
        JavaPairRDD<String, String> texts = sc.wholeTextFiles(String.join(",", files))
                .persist(StorageLevel.MEMORY_AND_DISK());
        Vocabulary vocabulary = context.vocabulary();
        if (vocabulary == null) {
            sc.setJobDescription("load: vocabulary");
            String symbols = texts.values().map(DatasetLoader::distinctChars)
                    .reduce((a, b) -> distinctChars(a + b));
            vocabulary = Vocabulary.of(symbols);
            if (vocabulary.size() < 2) {
                throw new UserError(path + ": the text has fewer than 2 distinct characters");
            }
        }
        Vocabulary vocab = vocabulary;
        int window = options.window();
        JavaRDD<SequenceBatch> windows = texts.sortByKey().values()
                .flatMap(text -> textWindows(text, vocab, window).iterator())
                .persist(INTERMEDIATE);
        RecordShape shape = new RecordShape(vocab.size(), true, LabelShape.PER_STEP, LabelKind.CLASSES, 1,
                vocab.size());
        Numbered numbered = new Numbered(number(windows), windows, shape, vocab, holdOut(options),
                java.util.Arrays.stream(DataFiles.sizes(hadoop, files)).sum());
        texts.unpersist(false);
        return numbered;
    }

    /** Windows of T characters, each step labelled with the next character; consecutive windows overlap by one. */
    static List<SequenceBatch> textWindows(String text, Vocabulary vocabulary, int window) {
        int[] ids = encodeKnown(text, vocabulary);
        List<SequenceBatch> windows = new ArrayList<>();
        for (int start = 0; start + 1 < ids.length; start += window) {
            int length = Math.min(window, ids.length - 1 - start);
            int[] inputs = java.util.Arrays.copyOfRange(ids, start, start + length);
            int[] next = java.util.Arrays.copyOfRange(ids, start + 1, start + length + 1);
            windows.add(SequenceBatch.tokenBuilder(vocabulary.size(), LabelShape.PER_STEP, LabelKind.CLASSES, 1)
                    .addTokensPerStep(inputs, next).build());
        }
        return windows;
    }

    /** Text as ids, dropping characters the vocabulary lacks (text read with a saved model's vocabulary). */
    private static int[] encodeKnown(String text, Vocabulary vocabulary) {
        int[] ids = new int[text.length()];
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            int id = vocabulary.idOf(text.charAt(i));
            if (id >= 0) {
                ids[n++] = id;
            }
        }
        return java.util.Arrays.copyOf(ids, n);
    }

    private static String distinctChars(String text) {
        return text.chars().distinct().collect(StringBuilder::new, StringBuilder::appendCodePoint,
                StringBuilder::append).toString();
    }

    /** Input per partition when --partitions is left at 0: packing a block needs a few times its size in memory. */
    static final long BYTES_PER_PARTITION = 32L << 20;

    /** --partitions, or Spark's default parallelism raised so that no partition holds more than ~32 MB of input. */
    private int partitions(DataOptions options, long inputBytes) {
        if (options.partitions() > 0) {
            return options.partitions();
        }
        return (int) Math.max(sc.defaultParallelism(), (inputBytes + BYTES_PER_PARTITION - 1) / BYTES_PER_PARTITION);
    }

    /** Numbers (cached) sequences in file order: partition order, then order inside a partition. */
    private static JavaPairRDD<Long, SequenceBatch> number(JavaRDD<SequenceBatch> cached) {
        return cached.zipWithIndex().mapToPair(Tuple2::swap).persist(INTERMEDIATE);
    }

    /** The held-out share the options ask for, or null for none; a tail share is sized later by {@link #sized}. */
    private static HoldOut holdOut(DataOptions options) {
        if (options.validationFraction() < 0 || options.validationFraction() >= 1) {
            throw new UserError("--validation-fraction must be in [0, 1), got " + options.validationFraction());
        }
        if (!options.split().equals("random") && !options.split().equals("tail")) {
            throw new UserError("unknown --split '" + options.split() + "', expected random or tail");
        }
        if (options.validationFraction() == 0) {
            return null;
        }
        return new HoldOut(options.validationFraction(), options.split().equals("tail"), options.seed(), 0);
    }

    /** A tail hold-out needs the number of sequences; other rules are returned as they are. */
    private static ValidationRule sized(ValidationRule rule, JavaPairRDD<Long, SequenceBatch> pairs) {
        if (rule instanceof HoldOut h && h.tail()) {
            return new HoldOut(h.fraction(), true, h.seed(), pairs.count());
        }
        return rule;
    }

    /** Contiguous blocks of P, each sorted by index and packed into one batch. */
    private JavaRDD<SequenceBatch> blocks(JavaPairRDD<Long, SequenceBatch> pairs, RecordShape shape, int partitions) {
        sc.setJobDescription("load: counting sequences");
        long total = pairs.count();
        return pairs.partitionBy(new BlockPartitioner(partitions, total))
                .mapPartitions(part -> {
                    List<Tuple2<Long, SequenceBatch>> sequences = new ArrayList<>();
                    part.forEachRemaining(sequences::add);
                    sequences.sort(Comparator.comparing(Tuple2::_1));
                    List<SequenceBatch> ordered = new ArrayList<>(sequences.size());
                    sequences.forEach(sequence -> ordered.add(sequence._2()));
                    return java.util.Collections.singletonList(SequenceBatch.concat(emptyOfShape(shape), ordered))
                            .iterator();
                }, true);
    }

    /** A batch of no sequence with the record shape: what an empty partition holds. */
    private static SequenceBatch emptyOfShape(RecordShape shape) {
        return builderFor(shape).build();
    }

    private static JavaRDD<SequenceBatch> finish(JavaRDD<SequenceBatch> blocks, Standardization standardization,
                                                 String name) {
        JavaRDD<SequenceBatch> ready = standardization == null ? blocks : blocks.map(standardization::apply);
        return ready.setName(name).persist(StorageLevel.MEMORY_AND_DISK());
    }

    private static RecordShape resolveClasses(RecordShape shape, DataStatistics stats, String path) {
        if (shape.labelKind() != LabelKind.CLASSES || shape.classes() > 0) {
            return shape;
        }
        int k = stats.maxClass() + 1;
        if (k < 2) {
            throw new UserError(path + ": classification needs at least 2 classes, the labels hold " + k
                    + " (give --classes K if some classes do not occur)");
        }
        return shape.withClasses(k);
    }
}
