package org.sparkrnn.driver.cli;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.config.DataOptions;
import org.sparkrnn.driver.config.Defaults;
import org.sparkrnn.driver.config.KernelSettings;
import org.sparkrnn.driver.config.SettingError;
import org.sparkrnn.driver.data.stream.SeriesStream;
import org.sparkrnn.driver.model.SavedModel;
import org.sparkrnn.driver.config.TableLayout;
import org.sparkrnn.driver.predict.FlatForecasts;
import org.sparkrnn.driver.predict.QueryShutdown;
import org.sparkrnn.driver.predict.ScopedPredictions;
import org.sparkrnn.driver.predict.StreamForecaster;
import org.sparkrnn.kernel.Precision;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code lstm-spark stream}: forecasts for the rows of a long table as they arrive (files dropped into a directory),
 * every row that completes a window of its series giving one row of the series key, {@code time} and
 * {@code prediction}, as {@code predict} writes them for the same window of the whole table. Each series' last rows
 * are kept in Spark's state store, checkpointed in {@code --checkpoint-location} with the files already read, so a
 * stopped query started again with the same checkpoint goes on where it stopped. The table options are the run's.
 */
@Command(name = "stream", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Forecast the rows of a long table as they arrive in a directory, per series, until stopped.")
public final class StreamCommand implements Callable<Integer> {

    @Mixin
    ModelMixin model;

    @Mixin
    DataMixin data;

    @Option(names = "--source", paramLabel = "DIR|kafka",
            description = "Where new rows arrive: a directory of files (--format: csv with a header, json rows,"
                    + " parquet, ...), each new file read once; or kafka: JSON values, one row each, from"
                    + " --kafka-topic at --kafka-bootstrap.")
    String source;

    @Option(names = "--output", paramLabel = "DIR|console|kafka",
            description = "Where forecasts go: a directory (files of --output-format, appended per micro-batch),"
                    + " the console, or kafka: one JSON value per forecast to --kafka-output-topic, keyed by series.")
    String output;

    @Option(names = "--quantiles", paramLabel = "LEVELS",
            description = "A probabilistic model's quantiles, one column per level after the point forecast"
                    + " (prediction: the distribution's mean, a quantile model's median), named by level (p10, p50,"
                    + " p90). Default: a quantile model's trained levels; for a distribution " + Defaults.QUANTILES
                    + ".")
    String quantiles;

    @Option(names = "--output-format", defaultValue = Defaults.OUTPUT_FORMAT, paramLabel = "jsonl|parquet|csv",
            description = "Format of the forecast files (csv: a forecast's steps one row each, with a header)."
                    + " Default: ${DEFAULT-VALUE}.")
    String outputFormat;

    @Option(names = "--checkpoint-location", paramLabel = "DIR",
            description = "Where Spark keeps the query's progress and every series' state (a new directory, or"
                    + " the one of an earlier run of the same query to go on from it).")
    String checkpointLocation;

    @Option(names = "--trigger", defaultValue = Defaults.STREAM_TRIGGER, paramLabel = "processing-time=D|available-now",
            description = "When micro-batches run: every D (e.g. 10s, 1min) until stopped (Ctrl-C), or once over"
                    + " what has arrived, then stop (for scheduled jobs). Default: ${DEFAULT-VALUE}.")
    String trigger;

    @Option(names = "--max-files-per-trigger", defaultValue = "0", paramLabel = "N",
            description = "At most N new files per micro-batch (0: all that have arrived).")
    int maxFilesPerTrigger;

    @Option(names = "--state-timeout", paramLabel = "D",
            description = "Forget a series that sends nothing for D (processing time, e.g. 7d, 12h); its next row"
                    + " starts it afresh. Default: series are kept.")
    String stateTimeout;

    @Option(names = "--kafka-bootstrap", paramLabel = "HOST:PORT[,...]",
            description = "Kafka: the brokers to connect to (source and output).")
    String kafkaBootstrap;

    @Option(names = "--kafka-topic", paramLabel = "TOPIC[,...]",
            description = "Kafka: the topic(s) rows are read from, each value a JSON object with the table's"
                    + " columns.")
    String kafkaTopic;

    @Option(names = "--kafka-output-topic", paramLabel = "TOPIC",
            description = "Kafka: the topic forecasts are written to (--output kafka).")
    String kafkaOutputTopic;

    @Option(names = "--kafka-starting-offsets", defaultValue = Defaults.KAFKA_STARTING_OFFSETS,
            paramLabel = "earliest|latest",
            description = "Kafka: where a new query starts reading (earliest: what the topic holds fills the series'"
                    + " state first); a query started again goes on from its checkpoint. Default: ${DEFAULT-VALUE}.")
    String kafkaStartingOffsets;

    @Option(names = "--kafka-option", paramLabel = "KEY=VALUE",
            description = "Kafka: an option of Spark's Kafka source and output, as Spark names it (repeatable):"
                    + " client settings prefixed kafka., e.g. kafka.security.protocol=SASL_SSL, or"
                    + " maxOffsetsPerTrigger=N.")
    java.util.Map<String, String> kafkaOptions = new java.util.LinkedHashMap<>();

    @Mixin
    SparkMixin sparkOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (source == null || output == null) {
            throw new SettingError("{--source} DIR|kafka and {--output} DIR|console|kafka are required");
        }
        if (checkpointLocation == null && !output.equals("console")) {
            throw new SettingError("{--checkpoint-location} DIR is required: it is where the query's progress and"
                    + " every series' state survive a restart");
        }
        boolean kafkaIn = source.equals(KAFKA);
        boolean kafkaOut = output.equals(KAFKA);
        checkUnusedAndKafkaOptions(kafkaIn, kafkaOut);
        DataOptions asGiven = data.toOptions(Defaults.Values.SEED, true);
        if (asGiven.table() == null) {
            throw new SettingError("stream forecasts the rows of a long table: a model trained on one takes"
                    + " its columns from its run; for another, give {--id-column}, {--time-column} and"
                    + " {--feature-columns}");
        }
        Precision precision = EvaluateCommand.parsePrecision(model.precision);
        Trigger when = parseTrigger(trigger);
        Duration timeout = stateTimeout == null ? null : OptionText.duration("state-timeout", stateTimeout);
        String writeFormat = outputFormat.equals("jsonl") ? "json" : outputFormat;
        // what the files alone refuse, before Spark starts
        FileChecks checks = new FileChecks(sparkOptions);
        if (!kafkaIn && !checks.files().exists(source)) {
            throw new UserError("--source " + source + ": no such directory (create it; new files dropped into it"
                    + " are read as they arrive)");
        }
        SavedModel saved = checks.model(model.modelDir);
        double[] levels = org.sparkrnn.driver.model.ForecastLevels.of(saved, quantiles);
        ModelFixedOptions.check(spec, data, saved);
        DataOptions options = ModelFixedOptions.forModel(asGiven, saved);
        return SparkRun.with("lstm-spark stream", sparkOptions, sc -> {
            SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
            if (!sparkOptions.spark.containsKey("spark.sql.shuffle.partitions")) {
                // the state store's partitions (fixed by the first run of a checkpoint): one per core, not Spark's 200
                spark.conf().set("spark.sql.shuffle.partitions", String.valueOf(Math.max(1,
                        sc.defaultParallelism())));
            }
            Dataset<Row> rows = kafkaIn ? kafkaRows(spark, options) : fileRows(spark, options);
            String where = kafkaIn ? "kafka topic " + kafkaTopic : source;
            SparkRun.quiet(sparkOptions, SPARK_ON_ITS_OWN);
            LongAccumulator late = sc.sc().longAccumulator("late rows");
            LongAccumulator made = sc.sc().longAccumulator("forecasts");
            CollectionAccumulator<String> rejected = data.skipsBadRecords()
                    ? sc.sc().collectionAccumulator("rejected rows") : null;
            StreamProgress progress = new StreamProgress(late, made, rejected, checks.files(), checkpointLocation,
                    triggerMillis(trigger), System.out);
            // the model's broadcast lives as long as the query: destroyed once it has ended (or failed to start)
            try (ScopedPredictions scoped = StreamForecaster.open(rows, saved, options.table(), where,
                        new KernelSettings(precision, 0), timeout, new SeriesStream.Counters(late, made, rejected),
                        levels)) {
                DataStreamWriter<Row> writer = sink(scoped.rows(), options.table(), writeFormat, when);
                spark.streams().addListener(progress);
                StreamingQuery query = writer.start();
                progress.follow(query.id());
                StreamProgress.Totals before = progress.before();
                System.out.printf("streaming %s -> %s (%s); checkpoint %s%s%n", where,
                        kafkaOut ? "kafka topic " + kafkaOutputTopic : output, trigger, checkpointLocation,
                        before.batches() == 0 ? "" : ", going on after batch " + before.lastBatch() + " ("
                                + before.forecasts() + " forecasts so far)");
                // stopped (Ctrl-C, SIGTERM) or ended (available-now): then nothing writes into the checkpoint, and
                // one line says what this run did; a failure says only what failed (Main's one line). The hook runs
                // in Hadoop's shutdown sequence ahead of Spark's own (which stops the SparkContext): a JVM hook of
                // its own would run beside it, and the query, ending after the context's RPC was gone, printed an
                // uncaught "RpcEnv already stopped" trace on stderr.
                org.apache.hadoop.util.ShutdownHookManager.get().addShutdownHook(() -> {
                    QueryShutdown.stop(query);
                    if (query.exception().isEmpty()) {
                        progress.close();
                    }
                }, STOP_BEFORE_SPARK);
                try {
                    query.awaitTermination();
                } finally {
                    QueryShutdown.stop(query);
                }
                progress.close();
                return 0;
            }
        });
    }

    /**
     * Spark's loggers that, without {@code --verbose}, say nothing a stream's user can act on: a failed query's
     * stack traces (Spark's task abort, the file writer's and the query's own error; the command says what failed in
     * one line), and the warnings of every start and stop (adaptive execution off for streams, a state store read
     * from its files on restart, "Note that this is normal", a job group that had ended before its cancel).
     */
    /**
     * The stream's stop, in Hadoop's shutdown order: above Spark's hooks (Spark runs them all, the SparkContext's
     * stop among them, as one hook at FileSystem's priority + 30), below nothing that matters.
     */
    private static final int STOP_BEFORE_SPARK = org.apache.hadoop.fs.FileSystem.SHUTDOWN_HOOK_PRIORITY + 40;

    private static final java.util.Map<String, org.apache.logging.log4j.Level> SPARK_ON_ITS_OWN = quietLoggers();

    private static java.util.Map<String, org.apache.logging.log4j.Level> quietLoggers() {
        java.util.Map<String, org.apache.logging.log4j.Level> quiet = new java.util.LinkedHashMap<>();
        String streaming = "org.apache.spark.sql.execution.streaming.";
        for (String execution : new String[] {streaming, streaming + "runtime."}) { // Spark 3.5, Spark 4
            quiet.put(execution + "MicroBatchExecution", org.apache.logging.log4j.Level.OFF);
            quiet.put(execution + "ResolveWriteToStream", org.apache.logging.log4j.Level.OFF);
            // "Current batch is falling behind": the batch line says it, with what to do
            quiet.put(execution + "ProcessingTimeExecutor", org.apache.logging.log4j.Level.ERROR);
        }
        // the state stores' package: Spark 4 names each store's logger after the store, below its class
        quiet.put(streaming + "state", org.apache.logging.log4j.Level.ERROR);
        quiet.put("org.apache.spark.util.Utils", org.apache.logging.log4j.Level.OFF);
        quiet.put("org.apache.spark.sql.execution.datasources.FileFormatWriter", org.apache.logging.log4j.Level.OFF);
        quiet.put("org.apache.spark.sql.execution.datasources.v2.WriteToDataSourceV2Exec",
                org.apache.logging.log4j.Level.OFF);
        quiet.put("org.apache.spark.sql.execution.datasources.v2.DataWritingSparkTask",
                org.apache.logging.log4j.Level.OFF);
        quiet.put("org.apache.spark.scheduler.DAGScheduler", org.apache.logging.log4j.Level.ERROR);
        // a failed micro-batch kills its sibling tasks: one killed while it commits its state store or checkpoint
        // file warns, with a stack trace, that its rename was interrupted (Hadoop's Shell, the checkpoint manager)
        quiet.put("org.apache.hadoop.util.Shell", org.apache.logging.log4j.Level.ERROR);
        quiet.put(streaming + "CheckpointFileManager", org.apache.logging.log4j.Level.ERROR); // Spark 3.5
        quiet.put(streaming + "checkpointing", org.apache.logging.log4j.Level.ERROR); // Spark 4
        return java.util.Collections.unmodifiableMap(quiet);
    }

    /**
     * Where the forecasts go: Kafka (one JSON object per forecast, keyed by its series, the table's id column, when
     * it has one: Kafka keeps a key's records in order), the console, or files of {@code writeFormat} (CSV: a
     * forecast's steps one row each, with a header, {@link FlatForecasts}); appended on {@code when}, into the
     * checkpoint when there is one.
     */
    private DataStreamWriter<Row> sink(Dataset<Row> forecasts, TableLayout table, String writeFormat, Trigger when) {
        String idColumn = table.idColumn();
        DataStreamWriter<Row> writer;
        if (output.equals(KAFKA)) {
            Column value = functions.to_json(functions.struct(java.util.Arrays.stream(forecasts.columns())
                    .map(functions::col).toArray(Column[]::new)));
            Dataset<Row> records = idColumn == null ? forecasts.select(value.as("value"))
                    : forecasts.select(functions.col(idColumn).cast("string").as("key"), value.as("value"));
            writer = records.writeStream().format(KAFKA).option("topic", kafkaOutputTopic)
                    .option("kafka.bootstrap.servers", kafkaBootstrap);
            for (java.util.Map.Entry<String, String> option : kafkaOptions.entrySet()) {
                writer = writer.option(option.getKey(), option.getValue());
            }
        } else {
            // the console: every forecast of a micro-batch (Spark's sink shows 20 unless told; it takes one more row
            // than it shows, so the largest count is one below the largest int)
            writer = output.equals("console") ? forecasts.writeStream().format("console").option("truncate", false)
                    .option("numRows", Integer.MAX_VALUE - 1)
                    : FlatForecasts.forFormat(forecasts, writeFormat, table).writeStream().format(writeFormat)
                    .option("path", output).option("header", true);
        }
        writer = writer.trigger(when).outputMode("append");
        return checkpointLocation == null ? writer : writer.option("checkpointLocation", checkpointLocation);
    }

    /**
     * Refuses what this stream would ignore: Kafka options without Kafka (and Kafka without its settings), and the
     * options of training a stream has no use for (validation, horizon, targets).
     */
    private void checkUnusedAndKafkaOptions(boolean kafkaIn, boolean kafkaOut) {
        if ((kafkaIn || kafkaOut) && kafkaBootstrap == null) {
            throw new SettingError("kafka needs {--kafka-bootstrap} HOST:PORT, the brokers to connect to");
        }
        if (kafkaIn != (kafkaTopic != null)) {
            throw new SettingError(kafkaIn ? "{--source} kafka needs {--kafka-topic}, the topic rows arrive on"
                    : "{--kafka-topic} reads rows with {--source} kafka");
        }
        if (kafkaOut != (kafkaOutputTopic != null)) {
            throw new SettingError(kafkaOut ? "{--output} kafka needs {--kafka-output-topic}, the topic forecasts go"
                    + " to" : "{--kafka-output-topic} writes forecasts with {--output} kafka");
        }
        picocli.CommandLine.ParseResult given = spec.commandLine().getParseResult();
        for (String option : new String[] {"--kafka-bootstrap", "--kafka-option"}) {
            if (given.hasMatchedOption(option) && !kafkaIn && !kafkaOut) {
                throw new SettingError("{" + option + "} is for {--source} kafka or {--output} kafka");
            }
        }
        if (given.hasMatchedOption("--kafka-starting-offsets") && !kafkaIn) {
            throw new SettingError("{--kafka-starting-offsets} is where {--source} kafka starts reading");
        }
        for (String option : new String[] {"--validation", "--validation-fraction", "--split", "--validate-from"}) {
            if (given.hasMatchedOption(option)) {
                throw new SettingError("{" + option + "}: a stream forecasts every row as it arrives; it has no"
                        + " validation data");
            }
        }
        if (given.hasMatchedOption("--partitions")) {
            throw new SettingError("{--partitions} is how cached data are cut; a stream caches none (its state store"
                    + " has one partition per core, fixed by the checkpoint's first run: --spark"
                    + " spark.sql.shuffle.partitions=N chooses)");
        }
        if (given.hasMatchedOption("--data")) {
            throw new SettingError("{--data} is what train, evaluate and predict read; a stream reads its rows from"
                    + " {--source} DIR|kafka");
        }
        for (String option : new String[] {"--horizon", "--target-column"}) {
            if (given.hasMatchedOption(option)) {
                throw new SettingError("{" + option + "}: the model forecasts what it was trained for; a stream reads"
                        + " each row's --feature-columns only");
            }
        }
        if (!kafkaStartingOffsets.equals("earliest") && !kafkaStartingOffsets.equals("latest")) {
            throw new SettingError("{--kafka-starting-offsets} '" + kafkaStartingOffsets + "': expected earliest or"
                    + " latest");
        }
    }

    /**
     * New files in the source directory, their rows with the columns of {@link #schemaOf}; a CSV or JSON row that
     * cannot be read as that schema keeps its text in {@link SeriesStream#MALFORMED} (a bad row).
     */
    private Dataset<Row> fileRows(SparkSession spark, DataOptions options) {
        String format = options.format();
        StructType schema = schemaOf(spark, options, format);
        boolean text = format.equals("csv") || format.equals("json");
        DataStreamReader reader = spark.readStream().schema(text ? schema.add(SeriesStream.MALFORMED,
                        DataTypes.StringType) : schema)
                .option("header", options.header()).option("sep", String.valueOf(options.delimiter()));
        if (text) {
            reader = reader.option("mode", "PERMISSIVE").option("columnNameOfCorruptRecord", SeriesStream.MALFORMED);
        }
        if (maxFilesPerTrigger > 0) {
            reader = reader.option("maxFilesPerTrigger", maxFilesPerTrigger);
        }
        return reader.format(format).load(source);
    }

    /**
     * The records of the Kafka topic(s), each value a JSON object with the table's columns (those of the run's
     * table when it can be read, else the columns the model reads, as text), where each came from (topic, partition,
     * offset), and the text of a value that is not such an object in {@link SeriesStream#MALFORMED}.
     */
    private Dataset<Row> kafkaRows(SparkSession spark, DataOptions options) {
        StructType schema;
        try {
            schema = schemaOf(spark, options, options.format());
        } catch (UserError e) {
            schema = new StructType();
            for (String column : options.table().columnsRead()) {
                schema = schema.add(column, DataTypes.StringType);
            }
        }
        DataStreamReader reader = spark.readStream().format(KAFKA).option("kafka.bootstrap.servers", kafkaBootstrap)
                .option("subscribe", kafkaTopic).option("startingOffsets", kafkaStartingOffsets);
        for (java.util.Map.Entry<String, String> option : kafkaOptions.entrySet()) {
            reader = reader.option(option.getKey(), option.getValue());
        }
        if (maxFilesPerTrigger > 0) {
            throw new SettingError("{--max-files-per-trigger} is for a directory source; for Kafka give"
                    + " {--kafka-option} maxOffsetsPerTrigger=N");
        }
        java.util.Map<String, String> json = java.util.Map.of("mode", "PERMISSIVE", "columnNameOfCorruptRecord",
                SeriesStream.MALFORMED);
        Column origin = functions.concat(functions.lit("kafka topic "), functions.col("topic"),
                functions.lit(", partition "), functions.col("partition").cast("string"), functions.lit(", offset "),
                functions.col("offset").cast("string"));
        return reader.load().select(functions.from_json(functions.col("value").cast("string"),
                        schema.add(SeriesStream.MALFORMED, DataTypes.StringType), json).as("row"),
                origin.as(SeriesStream.ORIGIN)).select("row.*", SeriesStream.ORIGIN);
    }

    /**
     * The schema of the arriving rows: the files already in the source, else the table the model was trained on
     * (file streams need one before the first file arrives), whichever has the columns the model reads.
     */
    private StructType schemaOf(SparkSession spark, DataOptions options, String format) {
        for (String where : source.equals(KAFKA) ? new String[] {options.path()}
                : new String[] {source, options.path()}) {
            if (where == null) {
                continue;
            }
            try {
                Dataset<Row> sample = spark.read().format(format).option("header", options.header())
                        .option("sep", String.valueOf(options.delimiter())).load(where);
                if (java.util.Arrays.asList(sample.schema().fieldNames())
                        .containsAll(options.table().columnsRead())) {
                    return sample.schema();
                }
            } catch (Exception e) { // Spark's AnalysisException: nothing there (yet), try the next
                continue;
            }
        }
        throw new UserError(source + ": no file to take the rows' columns from, and the run's data ("
                + options.path() + ") cannot be read; put a first file there");
    }

    /** The name of Spark's Kafka source and sink, and what --source and --output say for them. */
    private static final String KAFKA = "kafka";

    /** The processing-time trigger's interval in milliseconds; 0 for available-now. */
    static long triggerMillis(String text) {
        return text.startsWith("processing-time=")
                ? OptionText.duration("trigger", text.substring("processing-time=".length())).toMillis() : 0;
    }

    static Trigger parseTrigger(String text) {
        if (text.equals("available-now")) {
            return Trigger.AvailableNow();
        }
        if (text.startsWith("processing-time=")) {
            Duration every = OptionText.duration("trigger", text.substring("processing-time=".length()));
            return Trigger.ProcessingTime(every.toMillis());
        }
        throw new SettingError("{--trigger} '" + text + "': expected processing-time=D (e.g. processing-time=10s)"
                + " or available-now");
    }
}
