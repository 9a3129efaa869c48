package org.sparkrnn.driver.data.table;

import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBlock;
import org.sparkrnn.data.SeriesScaling;
import org.sparkrnn.data.SeriesWindows;
import org.sparkrnn.data.WindowTransform;
import org.sparkrnn.driver.Reporter;
import org.sparkrnn.driver.DataFormatError;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.config.DataOptions;
import org.sparkrnn.driver.config.Frequency;
import org.sparkrnn.driver.config.MissingValues;
import org.sparkrnn.driver.config.SettingError;
import org.sparkrnn.driver.config.Split;
import org.sparkrnn.driver.config.TableLayout;
import org.sparkrnn.driver.data.frame.FrameColumns;
import org.sparkrnn.driver.data.frame.FrameSource;
import org.sparkrnn.driver.data.records.BlockPartitioner;
import org.sparkrnn.driver.data.records.Partitioning;
import org.sparkrnn.driver.data.records.RecordShape;
import org.sparkrnn.driver.data.records.SourceBlocks;
import org.sparkrnn.driver.data.records.SplitSide;
import scala.Tuple2;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.apache.spark.sql.functions.col;

/**
 * A long table, one row per series and time (any Spark data source, a CSV file with a header, a DataFrame), cut
 * into windows on the executors, never gathered on the driver:
 * <ol>
 *   <li>the table is sorted by (series, time) into R ranges ({@code repartitionByRange}), so a long series may span
 *       several partitions; a small table left at the default partitions is one range, sorted in one task (no
 *       sample of range bounds, no shuffle: {@link Partitioning#forTable}); with {@code --missing interpolate} each
 *       series stays whole in one of P partitions hashed by its key instead (filling a gap needs the known values
 *       on both sides of it);</li>
 *   <li>the one pass over the ordered table reads each partition's rows into one columnar piece ({@link TableRows}:
 *       no text or object per row, each value column once), keeps it for the passes after it
 *       ({@link Partitioning#TABLE_ROWS}), and sends the driver the partition's first and last rows (window + horizon
 *       of them), row counts and the steps between its consecutive rows (the time step is inferred from every step
 *       of the table, whatever its partitions): what the partition next to it needs to finish the windows that start
 *       near its edge;</li>
 *   <li>each partition's kept rows, with those around it, are cut into the windows that start in it
 *       ({@link SeriesCutter}): its rows stored once ({@link SeriesWindows}), training and validation apart;</li>
 *   <li>the windows are re-cut into P contiguous blocks in (series, time) order, window i of N into block
 *       ⌊i·P/N⌋, as the CSV and text sources cut theirs, so the blocks depend only on the data and P (not on R); a
 *       tail hold-out takes the last windows in that order. Each block's task reads the kept windows of the ranges
 *       its windows come from (a narrow dependency: no shuffle).</li>
 * </ol>
 * Values may be numbers or numeric text; a missing value is a gap. Times may be numbers, dates, timestamps or text
 * that parses as one of them; without a time column (files only) the input order is the time.
 */
public final class LongTableSource {

    private final JavaSparkContext sc;
    private final Reporter reporter;
    /** The tables (and models' categories) whose unknown static categories were counted already. */
    private final java.util.Set<String> unknownCounted = new java.util.HashSet<>();

    /** @param reporter where the count of series too short for a window is reported */
    public LongTableSource(JavaSparkContext sc, Reporter reporter) {
        this.sc = sc;
        this.reporter = reporter;
    }

    /** How the hold-out is chosen: by time (the layout's validateFrom), a random share, or the last share. */
    public record HoldOutSpec(double fraction, boolean tail, long seed) implements Serializable {
        public static final HoldOutSpec NONE = new HoldOutSpec(0, false, 0);

        /** The hold-out the options ask for: {@code --validation-fraction}, random or the tail ({@code --split}). */
        public static HoldOutSpec of(DataOptions options) {
            return new HoldOutSpec(options.validationFraction(), options.split() == Split.TAIL, options.seed());
        }
    }

    /**
     * The table's windows as blocks, training and held-out apart ({@code validation} null unless the layout or
     * {@code holdOut} asks for one); with a scaling ({@code given}, or when the layout scales each series one
     * measured on the training rows: {@link SeriesSums}), each window divided by its series' scale, and the scaling
     * with them.
     */
    public SourceBlocks read(TableInput table, String source, TableLayout asGiven, HoldOutSpec holdOut,
                             Partitioning.TablePartitions split, SeriesScaling given, Frequency knownStep) {
        TableLayout layout = categorized(table, source, asGiven);
        int partitions = split.blocks();
        Prepared prepared = prepare(table, source, layout, holdOut, split, false, true, knownStep);
        Double validateFrom = prepared.validateFrom();
        SeriesScaling scaling = given != null ? given
                : layout.seriesScaled() ? measure(prepared, source, layout) : null;
        SeriesCutter cutter = prepared.cutter().withScaling(scaling);
        TableEdges edges = prepared.edges();
        sc.setJobDescription("load: cutting " + source + " into windows");
        // counted in the job that first cuts each partition (an action: every task's count is applied once)
        LongAccumulator seriesCount = sc.sc().longAccumulator("series");
        LongAccumulator shortSeries = sc.sc().longAccumulator("series too short for a window");
        LongAccumulator unseenSeries = sc.sc().longAccumulator("series the scaling does not know");
        LongAccumulator gappedSeries = sc.sc().longAccumulator("series that skip a time step");
        LongAccumulator tableRows = sc.sc().longAccumulator("rows");
        JavaRDD<SequenceBlock> cut = extended(prepared).mapPartitionsWithIndex((p, own) -> {
            TableRows rows = own.next();
            tableRows.add(rows.size() - edges.before(p).size() - edges.after(p).size());
            SeriesCutter.Cut result = edges.cut(cutter, p, rows);
            seriesCount.add(result.series());
            shortSeries.add(result.shortSeries());
            unseenSeries.add(result.unseenSeries());
            gappedSeries.add(result.gappedSeries());
            return List.<SequenceBlock>of(result.train(), result.validation()).iterator();
        }, true).persist(Partitioning.CUT_WINDOWS);
        List<Integer> sizes = cut.map(SequenceBlock::size).collect(); // training, held out; partition 0, 1, ...
        prepared.release(); // the windows hold their rows now
        int ranges = prepared.ranges();
        // Spark sorts a table without rows into no partition at all; one range of none is one empty partition
        if (sizes.size() < 2 * ranges || tableRows.value() == 0) {
            cut.unpersist(false);
            throw new UserError(source + ": the table has no row (only a header?)");
        }
        if (shortSeries.value() > 0) {
            reporter.warning(source + ": " + shortSeries.value() + " of " + seriesCount.value() + " series have"
                    + " fewer than " + layout.reach() + " rows (window " + layout.window() + " + horizon "
                    + layout.horizons()[layout.horizons().length - 1] + ") and make no window");
        }
        if (gappedSeries.value() > 0) {
            reporter.warning(source + ": " + gappedSeries.value() + " of " + seriesCount.value() + " series skip a"
                    + " time step of " + prepared.frequency().text() + " (" + prepared.stepOrigin() + "): no window"
                    + " reads across a gap (--frequency makes a gap an error)");
        }
        if (unseenSeries.value() > 0) {
            reporter.warning(source + ": " + unseenSeries.value() + " of " + seriesCount.value() + " series have no"
                    + (given != null ? " scale in the model (no training row)" : " training row before the hold-out")
                    + ": their windows are scaled each by its own values");
        }
        long cutTrain = 0;
        long cutValidation = 0;
        long[] firstTrain = new long[ranges + 1];
        long[] firstValidation = new long[ranges + 1];
        for (int p = 0; p < ranges; p++) {
            firstTrain[p + 1] = firstTrain[p] + sizes.get(2 * p);
            firstValidation[p + 1] = firstValidation[p] + sizes.get(2 * p + 1);
        }
        cutTrain = firstTrain[ranges];
        cutValidation = firstValidation[ranges];
        if (cutTrain + cutValidation == 0) {
            cut.unpersist(false);
            throw new UserError(source + ": no series makes a window of " + layout.window() + " steps and a"
                    + " horizon of " + layout.horizons()[layout.horizons().length - 1] + " without a gap");
        }
        // a tail hold-out: the last windows in (series, time) order, after the cut
        long tailFrom = holdOut.tail() && validateFrom == null
                ? cutTrain - Math.round(holdOut.fraction() * cutTrain) : cutTrain;
        long trainTotal = tailFrom;
        long validationTotal = cutValidation + (cutTrain - tailFrom);
        boolean heldOut = validateFrom != null || holdOut.fraction() > 0;
        boolean tail = tailFrom < cutTrain;
        JavaRDD<SequenceBlock> trainBlocks = assemble(cut, new BlockPlan(0, partitions, firstTrain, firstValidation,
                tailFrom, tail, trainTotal), layout);
        JavaRDD<SequenceBlock> validationBlocks = heldOut ? assemble(cut, new BlockPlan(1, partitions, firstTrain,
                firstValidation, tailFrom, tail, validationTotal), layout) : null;
        RecordShape shape = new RecordShape(layout.inputColumns().size(), false, LabelShape.PER_SEQUENCE,
                LabelKind.VALUES, layout.targetColumns().size() * layout.horizons().length, 0);
        if (layout.futureRows()) {
            shape = shape.withFuture(layout.horizons().length, layout.knownInputs());
        }
        if (!layout.staticColumns().isEmpty()) {
            shape = shape.withStaticCategories(layout.categories());
        }
        return new SourceBlocks(trainBlocks, validationBlocks, shape, null, () -> cut.unpersist(false), scaling,
                prepared.frequency());
    }

    /**
     * Each series' scale over its training rows (before the hold-out time, when there is one): one pass
     * over the ordered table, each partition's rows summed exactly ({@link SeriesSums}), the sums added on the driver.
     */
    private SeriesScaling measure(Prepared prepared, String source, TableLayout layout) {
        sc.setJobDescription("load: each series' scale in " + source);
        TableRowReader reader = prepared.reader();
        Double before = prepared.validateFrom();
        JavaRDD<TableRows> rows = prepared.kept() != null ? prepared.kept()
                : prepared.sorted().mapPartitions(own -> Collections.singletonList(reader.read(own)).iterator(), true);
        List<byte[]> parts = rows.mapPartitions(own -> Collections.singletonList(SeriesSums.of(own.next(), before)
                .toBytes()).iterator(), true).collect();
        SeriesSums all = new SeriesSums();
        parts.forEach(part -> all.add(SeriesSums.fromBytes(part)));
        if (all.size() == 0) {
            throw new UserError(source + ": no series has a value of " + layout.targetColumns().get(0)
                    + (before == null ? "" : " before " + layout.validateFrom())
                    + " to scale it by ({--normalize} series)");
        }
        return all.scaling(layout.idColumn());
    }

    /**
     * The latest {@code count} distinct times of the rows that have every target, latest first, each as the table
     * holds it (as text: what {@code --validate-from} reads): where a backtest's cutoffs fall. One Spark job.
     */
    public List<String> latestTimes(Dataset<Row> table, String source, TableLayout layout, int count) {
        if (layout.timeColumn() == null) {
            throw new SettingError(source + ": a backtest's cutoffs are times: give {--time-column}");
        }
        TableProjection.of(table, source, layout, false); // the columns checked as a load checks them
        org.apache.spark.sql.Column labelled = org.apache.spark.sql.functions.lit(true);
        for (String target : layout.targetColumns()) {
            labelled = labelled.and(col(target).isNotNull());
        }
        sc.setJobDescription("backtest: the latest times of " + source);
        List<Row> rows = table.where(labelled).select(TableProjection.timeKey(table.schema(), layout.timeColumn(),
                        layout.timeFormat()).as("key"), col(layout.timeColumn()).cast(DataTypes.StringType).as("text"))
                .where(col("key").isNotNull()).groupBy("key").agg(org.apache.spark.sql.functions.min("text")
                        .as("text")).orderBy(col("key").desc()).limit(count).collectAsList();
        List<String> times = new ArrayList<>();
        for (Row row : rows) {
            times.add(row.getString(1));
        }
        return times;
    }

    /** The chosen series' times (as the table writes them) and first target, in time order; for charts. */
    public java.util.Map<String, List<java.util.Map.Entry<String, Double>>> seriesValues(Dataset<Row> table,
            String source, TableLayout layout, List<String> keys) {
        TableProjection.of(table, source, layout, false); // the columns checked as a load checks them
        org.apache.spark.sql.Column id = layout.idColumn() == null ? org.apache.spark.sql.functions.lit("")
                : col(layout.idColumn()).cast(DataTypes.StringType);
        String target = layout.targetColumns().get(0);
        sc.setJobDescription("chart: the rows of " + keys.size() + " series of " + source);
        List<Row> rows = table.select(id.as("key"), TableProjection.timeKey(table.schema(), layout.timeColumn(),
                        layout.timeFormat()).as("order"), col(layout.timeColumn()).cast(DataTypes.StringType).as("time"),
                        col(target).cast(DataTypes.DoubleType).as("value"))
                .where(col("key").isin(keys.toArray()).and(col("value").isNotNull()).and(col("order").isNotNull()))
                .orderBy("key", "order").collectAsList();
        java.util.Map<String, List<java.util.Map.Entry<String, Double>>> out = new java.util.LinkedHashMap<>();
        for (Row row : rows) {
            out.computeIfAbsent(row.getString(0), k -> new ArrayList<>()).add(java.util.Map.entry(row.getString(2),
                    row.getDouble(3)));
        }
        return out;
    }

    /**
     * The table's windows of one side, per series: for each partition, each series' windows that start in it (a
     * series that spans partitions gives one entry per partition), relative to their last step when the layout says.
     * Lazy: each use cuts the table again. A tail hold-out ({@code --split tail}) is a share of all windows, not of
     * each series: it has no per-series side.
     */
    public JavaPairRDD<Object, SequenceBlock> windowsBySeries(TableInput table, String source, TableLayout asGiven,
                                                       HoldOutSpec holdOut, Partitioning.TablePartitions split,
                                                       SplitSide side,
                                                       SeriesScaling scaling, Frequency knownStep) {
        TableLayout layout = categorized(table, source, asGiven);
        boolean all = side == SplitSide.ALL;
        if (!all && holdOut.tail() && holdOut.fraction() > 0 && layout.validateFrom() == null) {
            throw new SettingError("{--per-series}: the run held out the last windows of the whole table"
                    + " ({--split} tail), not of each series; choose {--part} all, or hold out by {--validate-from} or"
                    + " {--split} random");
        }
        Prepared prepared = prepare(table, source, all ? layout.withoutTimeSplit() : layout,
                all ? HoldOutSpec.NONE : holdOut, split, false, false, knownStep);
        SeriesCutter cutter = prepared.cutter().withScaling(scaling);
        TableEdges edges = prepared.edges();
        boolean validation = side == SplitSide.VALIDATION;
        WindowTransform transform = layout.windowTransform();
        sc.setJobDescription("per series: cutting " + source + " into windows");
        JavaRDD<Tuple2<Object, SequenceBlock>> pieces = extended(prepared).mapPartitionsWithIndex((p, own) -> {
            SeriesCutter.Cut cut = edges.cut(cutter, p, own.next());
            List<Tuple2<Object, SequenceBlock>> out = new ArrayList<>();
            for (java.util.Map.Entry<Object, SeriesWindows> series : cut.bySeries(validation)) {
                SeriesWindows windows = series.getValue();
                out.add(new Tuple2<>(series.getKey(), windows.transformed(transform)));
            }
            return out.iterator();
        }, true);
        return JavaPairRDD.fromJavaRDD(pieces);
    }

    /**
     * The table checked, projected and sorted, with how its rows are read and what each partition needs from its
     * neighbours to cut its windows; {@code kept}: each partition's rows as read by the first pass over the ordered
     * table, kept for the passes after it (null: each pass orders the table again, {@code sorted}); a small CSV file
     * read without a query ({@link SmallCsvTable}) has no {@code sorted}: its {@code kept} reads it again when it is
     * not persisted.
     */
    private record Prepared(JavaRDD<Row> sorted, JavaRDD<TableRows> kept, TableRowReader reader, SeriesCutter cutter,
                            TableEdges edges, Double validateFrom, Frequency frequency, String stepOrigin) {

        /** The ordered table's partitions: its ranges of (series, time). */
        int ranges() {
            return edges.partitions();
        }

        /** Lets go of the kept rows. */
        void release() {
            if (kept != null) {
                kept.unpersist(false);
            }
        }
    }

    /**
     * Each partition's rows with the rows around it from its neighbours, in one piece (a copy: the cutter fills gaps
     * in it): rows [before, size − after) are its own ({@code edges.before(p).size()}, {@code edges.after(p).size()}).
     * From the kept rows when there are, else from the ordered table read again.
     */
    private static JavaRDD<TableRows> extended(Prepared prepared) {
        TableEdges edges = prepared.edges();
        TableRowReader reader = prepared.reader();
        if (prepared.kept() != null) {
            return prepared.kept().mapPartitionsWithIndex((p, own) -> {
                TableRows rows = own.next();
                return Collections.singletonList(TableRows.concat(rows.inputSize(), rows.targetWidth(),
                        rows.format(), List.of(edges.before(p), rows, edges.after(p)))).iterator();
            }, true);
        }
        return prepared.sorted().mapPartitionsWithIndex((p, own) -> {
            long count = edges.rows(p);
            TableRows rows = count < 0 ? withEdges(edges, p, reader.read(own))
                    : reader.read(edges.before(p), own, count, edges.after(p));
            return Collections.singletonList(rows).iterator();
        }, true);
    }

    private static TableRows withEdges(TableEdges edges, int p, TableRows own) {
        return edges.before(p).size() + edges.after(p).size() == 0 ? own
                : TableRows.concat(own.inputSize(), own.targetWidth(), own.format(),
                List.of(edges.before(p), own, edges.after(p)));
    }

    /**
     * A table that is a small CSV file ({@link TableInput#csv}) is read without Spark SQL when it is one range and
     * {@link SmallCsvTable#reads} the layout.
     *
     * @param texts     whether every row keeps its time's text (prediction writes it out); else a text column's do
     * @param keep      whether the first pass keeps each partition's rows for the passes after it (ordering the table
     *                  once; the caller releases them: {@link Prepared#release}), else each pass orders it again
     * @param knownStep the step a model was trained with, used when the layout gives none (null: inferred)
     */
    private Prepared prepare(TableInput table, String source, TableLayout layout, HoldOutSpec holdOut,
                             Partitioning.TablePartitions split, boolean texts, boolean keep,
                             Frequency knownStep) {
        TableProjection projection = TableProjection.of(table.schema(), table::frame, source, layout, texts);
        TimeFormat format = projection.reader().format();
        StructType schema = table.schema();
        SmallCsvTable csv = table.csv();
        Double validateFrom = layout.validateFrom() == null ? null
                : TableProjection.timeKeyOf(layout.validateFrom(), schema, layout.timeColumn(), layout.timeFormat(),
                source, table.session());
        Double validateUntil = layout.validateUntil() == null ? null
                : TableProjection.timeKeyOf(layout.validateUntil(), schema, layout.timeColumn(), layout.timeFormat(),
                source, table.session());
        boolean wholeSeries = layout.missing() == MissingValues.INTERPOLATE;
        // one range (a small table) is ordered in one task: no sample of range bounds, no shuffle (the windows'
        // blocks depend on their global order only, not on the ranges: the same blocks either way); whole series
        // stay hashed into as many partitions as blocks, whose order their windows take
        int ranges = wholeSeries ? split.blocks() : split.ranges();
        String zone = table.session().conf().get("spark.sql.session.timeZone");
        boolean small = csv != null && ranges == 1 && !wholeSeries
                && csv.reads(layout, table.session().conf().get("spark.sql.timestampType", "TIMESTAMP_LTZ"));
        TableRowReader reader = projection.reader();
        SeriesCutter cutter = new SeriesCutter(new SeriesCutter.Spec(layout.inputColumns().size(),
                layout.targetColumns().size(), layout.window(), layout.stride(), layout.horizons(), layout.missing(),
                validateFrom, holdOut.tail() ? 0 : holdOut.fraction(), holdOut.seed(), source, null, null, null,
                false, SeriesCovariates.of(layout), validateUntil));
        JavaRDD<Row> rows = null;
        JavaRDD<TableRows> kept;
        if (small) { // read and ordered in the task of the first pass, by SmallCsvTable: no query
            kept = csv.rows(sc, layout, zone, reader);
            if (keep) {
                kept = kept.persist(Partitioning.TABLE_ROWS);
            }
        } else {
            Dataset<Row> projected = projection.rows();
            Dataset<Row> sorted = (ranges == 1 ? projected.coalesce(1)
                    : wholeSeries ? projected.repartition(ranges, col(TableProjection.ID))
                    : projected.repartitionByRange(ranges, col(TableProjection.ID), col(TableProjection.TIME)))
                    .sortWithinPartitions(TableProjection.ID, TableProjection.TIME);
            // with adaptive execution, asking for the rows runs the jobs that order them (the range bounds' sample,
            // the shuffle): named here, not by whatever ran last
            sc.setJobDescription("load: " + source + " into (series, time) order");
            rows = sorted.javaRDD();
            kept = keep ? rows.mapPartitions(part -> Collections.singletonList(reader.read(part)).iterator(), true)
                    .persist(Partitioning.TABLE_ROWS) : null;
        }
        TableRows empty = new TableRows(layout.inputColumns().size(), layout.targetColumns().size(), format);
        TableEdges edges = TableEdges.none(ranges, empty);
        TimeSteps times = TableProjection.timeSteps(schema, layout.timeColumn(), layout.timeFormat(), zone);
        Frequency frequency = layout.frequency() != null ? layout.frequency() : knownStep;
        String origin = layout.frequency() != null ? "--frequency" : "the model's";
        // the time step, when neither given nor the model's, is inferred from every step of the table
        TimeSteps counted = frequency == null ? times : null;
        TimeSteps.StepCounts steps = null;
        if (!wholeSeries) {
            // a first pass over the ordered table, holding k rows at a time: each partition's edges and row count
            sc.setJobDescription("load: the rows at each partition's edges of " + source);
            int k = layout.reach() + 1;
            List<TableEdges.Summary> summaries = (kept != null
                    ? kept.mapPartitionsWithIndex((p, part) -> Collections.singletonList(TableEdges.summary(p,
                    part.next(), k, counted)).iterator(), true)
                    : rows.mapPartitionsWithIndex((p, part) -> Collections.singletonList(reader.summarize(p, part, k,
                    counted)).iterator(), true)).collect();
            edges = TableEdges.of(summaries, layout.reach(), empty);
            steps = counted == null ? null : TableEdges.steps(summaries, counted);
        }
        if (counted != null) {
            if (steps == null) { // no edges pass (each series whole in one partition): a pass that counts the steps
                sc.setJobDescription("load: the time step of " + source);
                steps = new TimeSteps.StepCounts();
                for (byte[] part : kept != null ? kept.map(own -> new TimeSteps.StepCounts().add(counted, own)
                        .toBytes()).collect() : rows.mapPartitionsWithIndex((p, own) -> Collections.singletonList(
                        reader.summarize(p, own, 0, counted).steps().toBytes()).iterator(), true).collect()) {
                    steps.add(TimeSteps.StepCounts.fromBytes(part));
                }
            }
            Frequency common = steps.mostCommon();
            double share = steps.share(common);
            origin = "inferred from the data";
            if (common != null && share >= REGULAR) {
                frequency = common;
                reporter.line(source + ": time step " + frequency.describe() + ", inferred from the data"
                        + " (--frequency sets it)");
            } else if (common != null) {
                reporter.line(String.format(java.util.Locale.ROOT, "%s: no time step inferred (the most common, %s,"
                        + " is %.0f%% of the table's steps; --frequency sets one)", source, common.describe(),
                        100 * share));
            }
        }
        // a given step was checked against the calendar when the layout was built; the model's or the data's here
        org.sparkrnn.driver.config.CalendarFeature constant = frequency == null || layout.frequency() != null ? null
                : org.sparkrnn.driver.config.CalendarFeature.firstConstantOver(layout.calendar(), frequency);
        if (constant != null) {
            throw new SettingError(source + ": {--calendar} " + constant.cliName() + " is the same at every time"
                    + " step of " + frequency.describe() + " (" + origin + "): it is finer than the data's time step");
        }
        return new Prepared(rows, kept, reader, cutter.withSteps(times, frequency, layout.frequency() != null), edges,
                validateFrom, frequency, origin);
    }

    /** The share of the steps that the most common must be to be taken as the table's time step. */
    private static final double REGULAR = 0.9;

    /**
     * Every window whose inputs are whole, as rows (series key when there is one, {@code time} of the window's last
     * step as text, {@code forecast_time}: the time it predicts, or one per horizon, null without a time step
     * step as text, {@code features}): what prediction reads, the last window of each series (the forecast past its
     * data) included.
     */
    public Dataset<Row> windowsForPrediction(TableInput table, String source, TableLayout layout,
                                             Partitioning.TablePartitions split, Frequency knownStep) {
        return windowRows(table, source, layout, split, FrameColumns.FEATURES, null, true, knownStep);
    }

    /**
     * The table's windows as rows: series key (when there is one), {@code time} (of each window's last step, as
     * text), {@code forecast_time} (the time each horizon predicts: {@link #FORECAST_TIME}),
     * text), {@code featuresCol}, with {@code labelCol} the label (a number, or an array of H × V values,
     * horizon-major), and for a forecast decoder ({@link TableLayout#futureRows}) {@link #FUTURE}: the rows of the
     * steps the window predicts. {@code unlabelled}: also the windows whose targets are not all there (label null),
     * the last of each series among them; else only labelled windows. A decoder's window without its future rows
     * (the table ends at the series' last value, or a known input is missing there) is an error naming the series.
     */
    public Dataset<Row> windowRows(Dataset<Row> table, String source, TableLayout asGiven,
                                   Partitioning.TablePartitions split, String featuresCol, String labelCol,
                                   boolean unlabelled, Frequency knownStep) {
        return windowRows(TableInput.of(table), source, asGiven, split, featuresCol, labelCol, unlabelled, knownStep);
    }

    private Dataset<Row> windowRows(TableInput table, String source, TableLayout asGiven,
                                    Partitioning.TablePartitions split, String featuresCol, String labelCol,
                                    boolean unlabelled, Frequency knownStep) {
        TableLayout layout = categorized(table, source, asGiven);
        Prepared prepared = prepare(table, source, layout.withoutTimeSplit(), HoldOutSpec.NONE, split, true, false,
                knownStep);
        SeriesCutter cutter = prepared.cutter();
        TableEdges edges = prepared.edges();
        StructType schema = windowSchema(table.schema(), layout, featuresCol, labelCol, unlabelled);
        boolean keyed = layout.idColumn() != null;
        boolean labelled = labelCol != null;
        boolean oneValue = layout.targetColumns().size() * layout.horizons().length == 1;
        boolean manySteps = layout.horizons().length > 1;
        boolean future = layout.futureRows();
        String lastHorizon = String.valueOf(layout.horizons()[layout.horizons().length - 1]);
        boolean derived = layout.knownColumns().isEmpty(); // the steps past the end are made from their times
        String needed = "its --known-columns " + String.join(",", layout.knownColumns());
        JavaRDD<Row> rows = extended(prepared).mapPartitionsWithIndex((p, part) -> {
            SeriesCutter.Inputs inputs = edges.inputWindows(cutter, p, part.next());
            List<Row> out = new ArrayList<>(inputs.starts().length);
            for (int k = 0; k < inputs.starts().length; k++) {
                double[] label = labelled ? inputs.label(k) : null;
                if (labelled && label == null && !unlabelled) {
                    continue;
                }
                List<Object> values = new ArrayList<>(4);
                if (keyed) {
                    values.add(inputs.id(k));
                }
                values.add(inputs.time(k));
                String[] forecast = inputs.forecastTimes(k);
                values.add(forecast == null ? null : manySteps ? forecast : forecast[0]);
                values.add(inputs.steps(k));
                if (future) {
                    double[][] ahead = inputs.future(k);
                    if (ahead == null && derived) {
                        throw new DataFormatError(source, "series " + inputs.id(k) + ": the model's decoder reads"
                                + " the calendar of the " + lastHorizon + " steps after " + inputs.time(k) + "; the"
                                + " table has " + Math.max(0, inputs.rowsAhead(k)) + " row(s) after it, and no time"
                                + " step to count the others by (give --frequency, or a row for each step with its"
                                + " time and the target empty)");
                    }
                    if (ahead == null) {
                        throw new DataFormatError(source, "series " + inputs.id(k) + ": the model's decoder reads"
                                + " what is known of the " + lastHorizon + " steps after " + inputs.time(k)
                                + "; the table has " + Math.max(0, inputs.rowsAhead(k)) + " row(s) after it, or one"
                                + " lacks a known input (give a row for each step, with " + needed + " and the"
                                + " target empty)");
                    }
                    values.add(ahead);
                }
                if (labelled) {
                    values.add(label == null ? null : oneValue ? (Object) label[0] : label);
                }
                out.add(RowFactory.create(values.toArray()));
            }
            return out.iterator();
        }, true);
        return new FrameSource(sc, null).session().createDataFrame(rows, schema);
    }

    /**
     * {@code layout} with its static columns' categories: as given (a model's: then the series with a category it
     * never saw are counted in a warning), or learned from {@code table} ({@link StaticCategories}).
     */
    private TableLayout categorized(TableInput table, String source, TableLayout layout) {
        if (layout.staticColumns().isEmpty()) {
            return layout;
        }
        if (layout.categoriesResolved()) {
            if (unknownCounted.add(source + "\u0000" + layout.categories())) { // once per table, not per pass
                StaticCategories.countUnknown(table.frame(), source, layout, reporter);
            }
            return layout;
        }
        return StaticCategories.resolve(table.frame(), source, layout);
    }

    /**
     * The column of a window's future rows, for a forecast decoder: one array of inputs per step it predicts (their
     * known inputs are read).
     */
    public static final String FUTURE = "future";

    /** The column of the times a window predicts: one per horizon, as the table writes its times. */
    public static final String FORECAST_TIME = "forecast_time";

    /** The columns of {@link #windowRows}. */
    public static StructType windowSchema(StructType table, TableLayout layout, String featuresCol, String labelCol,
                                   boolean unlabelled) {
        StructType schema = new StructType();
        if (layout.idColumn() != null) {
            schema = schema.add(layout.idColumn(), table.apply(layout.idColumn()).dataType());
        }
        schema = schema.add("time", DataTypes.StringType).add(FORECAST_TIME, layout.horizons().length > 1
                ? DataTypes.createArrayType(DataTypes.StringType, true) : DataTypes.StringType, true).add(featuresCol,
                DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType, false), false), false);
        if (layout.futureRows()) {
            schema = schema.add(FUTURE, DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType,
                    false), false), false);
        }
        if (labelCol != null) {
            boolean oneValue = layout.targetColumns().size() * layout.horizons().length == 1;
            schema = schema.add(labelCol, oneValue ? DataTypes.DoubleType
                    : DataTypes.createArrayType(DataTypes.DoubleType, false), unlabelled);
        }
        return schema;
    }

    /**
     * One side's blocks gathered from the cut windows: block b's task reads the kept windows of the ranges its windows
     * come from ({@link BlockPlan}: Spark's coalescing with those groups, a narrow dependency, no shuffle) and takes
     * its own, in (series, time) order.
     */
    private static JavaRDD<SequenceBlock> assemble(JavaRDD<SequenceBlock> cut, BlockPlan plan, TableLayout layout) {
        int inputs = layout.inputColumns().size();
        int targets = layout.targetColumns().size();
        int window = layout.window();
        int[] horizons = layout.horizons();
        WindowTransform transform = layout.windowTransform();
        return cut.rdd().coalesce(plan.blocks(), false, scala.Option.apply(plan), null).toJavaRDD()
                .mapPartitionsWithIndex((b, part) -> {
                    List<SeriesWindows> ordered = new ArrayList<>();
                    for (int r : plan.sources(b)) { // each range's training, then held-out windows
                        SeriesWindows train = (SeriesWindows) part.next();
                        SeriesWindows validation = (SeriesWindows) part.next();
                        int[] fromTrain = plan.fromTrain(r, train.size(), b);
                        if (fromTrain.length > 0) {
                            ordered.add(train.subset(fromTrain));
                        }
                        int[] fromValidation = plan.fromValidation(r, validation.size(), b);
                        if (fromValidation.length > 0) {
                            ordered.add(validation.subset(fromValidation));
                        }
                    }
                    SeriesWindows block = SeriesWindows.concat(inputs, targets, window, horizons, ordered);
                    return Collections.singletonList(block.transformed(transform)).iterator();
                }, true);
    }

    /**
     * Where one side's windows go: window i of that side's N into block ⌊i·P/N⌋ (its global index: a range's first
     * window's index plus its place in the range), and so which ranges each block reads. The training side takes the
     * training windows before a tail hold-out; the held-out side the windows after it, or the held-out windows.
     * As Spark's {@link org.apache.spark.rdd.PartitionCoalescer}: one group per block, its ranges in order (a range
     * whose windows straddle two blocks is in both). A {@link org.apache.spark.Partitioner} of the side's window
     * indexes too (what {@link BlockPartitioner} is): Spark 3.5 asks a coalescer to be Scala-serializable, which
     * Spark's own Partitioner is on both Scala lines.
     */
    private static final class BlockPlan extends org.apache.spark.Partitioner
            implements org.apache.spark.rdd.PartitionCoalescer {
        private static final long serialVersionUID = 1L;
        private final int side;
        private final long[] firstTrain;
        private final long[] firstValidation;
        private final long tailFrom;
        private final boolean tail;
        private final BlockPartitioner placement;
        private final int[][] sources;

        BlockPlan(int side, int blocks, long[] firstTrain, long[] firstValidation, long tailFrom, boolean tail,
                  long total) {
            this.side = side;
            this.firstTrain = firstTrain;
            this.firstValidation = firstValidation;
            this.tailFrom = tailFrom;
            this.tail = tail;
            this.placement = new BlockPartitioner(blocks, total);
            List<java.util.TreeSet<Integer>> reads = new ArrayList<>();
            for (int b = 0; b < blocks; b++) {
                reads.add(new java.util.TreeSet<>());
            }
            int ranges = firstTrain.length - 1;
            for (int r = 0; r < ranges; r++) {
                if (side == 0) {
                    add(reads, r, firstTrain[r], Math.min(firstTrain[r + 1], tailFrom), 0);
                } else {
                    add(reads, r, Math.max(firstTrain[r], tailFrom), firstTrain[r + 1], tailFrom);
                    if (!tail) {
                        add(reads, r, firstValidation[r], firstValidation[r + 1], 0);
                    }
                }
            }
            sources = new int[blocks][];
            for (int b = 0; b < blocks; b++) {
                // a block without windows still reads one range (and takes none of it): a group needs a parent
                sources[b] = reads.get(b).isEmpty() ? new int[] {0}
                        : reads.get(b).stream().mapToInt(Integer::intValue).toArray();
            }
        }

        /** Range {@code range} holds windows [from, until) of the side's indexes + {@code offset}. */
        private void add(List<java.util.TreeSet<Integer>> reads, int range, long from, long until, long offset) {
            if (from < until) {
                for (int b = placement.getPartition(from - offset); b <= placement.getPartition(until - 1 - offset);
                     b++) {
                    reads.get(b).add(range);
                }
            }
        }

        int blocks() {
            return sources.length;
        }

        @Override
        public int numPartitions() {
            return sources.length;
        }

        /** The block of the window whose index on this side is {@code key}. */
        @Override
        public int getPartition(Object key) {
            return placement.getPartition(key);
        }

        @Override
        public boolean equals(Object o) {
            return o == this;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }

        /** The ranges block {@code b} reads, in order. */
        int[] sources(int b) {
            return sources[b];
        }

        /** Which of range {@code r}'s {@code size} training-side windows go to block {@code b} of this side. */
        int[] fromTrain(int r, int size, int b) {
            return select(size, w -> {
                long g = firstTrain[r] + w;
                return side == 0 ? g < tailFrom && placement.getPartition(g) == b
                        : g >= tailFrom && placement.getPartition(g - tailFrom) == b;
            });
        }

        /** Which of range {@code r}'s {@code size} held-out windows go to block {@code b} of this side. */
        int[] fromValidation(int r, int size, int b) {
            return side == 0 || tail ? new int[0]
                    : select(size, w -> placement.getPartition(firstValidation[r] + w) == b);
        }

        private static int[] select(int size, java.util.function.IntPredicate taken) {
            return java.util.stream.IntStream.range(0, size).filter(taken).toArray();
        }

        @Override
        public org.apache.spark.rdd.PartitionGroup[] coalesce(int maxPartitions,
                                                              org.apache.spark.rdd.RDD<?> parent) {
            org.apache.spark.Partition[] parents = parent.partitions();
            org.apache.spark.rdd.PartitionGroup[] groups = new org.apache.spark.rdd.PartitionGroup[sources.length];
            for (int b = 0; b < groups.length; b++) {
                groups[b] = new org.apache.spark.rdd.PartitionGroup(scala.Option.empty());
                for (int r : sources[b]) {
                    groups[b].partitions().$plus$eq(parents[r]);
                }
            }
            return groups;
        }
    }
}
