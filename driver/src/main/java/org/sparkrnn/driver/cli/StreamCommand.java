package org.sparkrnn.driver.cli;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.sparkrnn.driver.data.SeriesStream;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.config.DataOptions;
import org.sparkrnn.driver.config.Defaults;
import org.sparkrnn.driver.config.SettingError;
import org.sparkrnn.driver.exec.KernelSettings;
import org.sparkrnn.driver.model.FileStore;
import org.sparkrnn.driver.model.ModelDirectory;
import org.sparkrnn.driver.model.SavedModel;
import org.sparkrnn.driver.predict.StreamForecaster;
import org.sparkrnn.kernel.Precision;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.Locale;
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

    @Option(names = "--source", paramLabel = "DIR",
            description = "Where new rows arrive: a directory of files (--format: csv with a header, json rows,"
                    + " parquet, ...), each new file read once.")
    String source;

    @Option(names = "--output", paramLabel = "DIR|console",
            description = "Where forecasts go: a directory (files of --output-format, appended per micro-batch) or"
                    + " the console.")
    String output;

    @Option(names = "--output-format", defaultValue = Defaults.OUTPUT_FORMAT, paramLabel = "jsonl|parquet|csv",
            description = "Format of the forecast files. Default: ${DEFAULT-VALUE}.")
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

    @Mixin
    SparkMixin sparkOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (source == null || output == null) {
            throw new SettingError("{--source} DIR and {--output} DIR|console are required");
        }
        if (checkpointLocation == null && !output.equals("console")) {
            throw new SettingError("{--checkpoint-location} DIR is required: it is where the query's progress and"
                    + " every series' state survive a restart");
        }
        DataOptions options = data.toOptions(Long.parseLong(Defaults.SEED), true);
        if (options.table() == null) {
            throw new SettingError("stream forecasts the rows of a long table: a model trained on one takes"
                    + " its columns from its run; for another, give {--id-column}, {--time-column} and"
                    + " {--feature-columns}");
        }
        Precision precision = EvaluateCommand.parsePrecision(model.precision);
        Trigger when = parseTrigger(trigger);
        Duration timeout = stateTimeout == null ? null : OptionText.duration("state-timeout", stateTimeout);
        String writeFormat = outputFormat.equals("jsonl") ? "json" : outputFormat;
        return Main.withSpark("lstm-spark stream", sparkOptions, sc -> {
            FileStore files = new FileStore(sc.hadoopConfiguration());
            if (!files.exists(source)) {
                throw new UserError("--source " + source + ": no such directory (create it; new files dropped into it"
                        + " are read as they arrive)");
            }
            SavedModel saved = new ModelDirectory(files, model.modelDir).readModel();
            ModelFixedOptions.check(spec, data, saved);
            SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
            if (!sparkOptions.spark.containsKey("spark.sql.shuffle.partitions")) {
                // the state store's partitions (fixed by the first run of a checkpoint): one per core, not Spark's 200
                spark.conf().set("spark.sql.shuffle.partitions", String.valueOf(options.partitions() > 0
                        ? options.partitions() : Math.max(1, sc.defaultParallelism())));
            }
            DataStreamReader reader = spark.readStream().schema(schemaOf(spark, options))
                    .option("header", options.header()).option("sep", String.valueOf(options.delimiter()));
            if (maxFilesPerTrigger > 0) {
                reader = reader.option("maxFilesPerTrigger", maxFilesPerTrigger);
            }
            Dataset<Row> rows = reader.format(options.format().equals("jsonl") ? "json" : options.format())
                    .load(source);
            LongAccumulator late = sc.sc().longAccumulator("late rows");
            LongAccumulator made = sc.sc().longAccumulator("forecasts");
            CollectionAccumulator<String> rejected = options.skipBadRecords()
                    ? sc.sc().collectionAccumulator("rejected rows") : null;
            Dataset<Row> forecasts = StreamForecaster.forecasts(rows, saved, options.table(), source,
                    new KernelSettings(precision, 0), timeout, new SeriesStream.Counters(late, made, rejected));
            DataStreamWriter<Row> writer = forecasts.writeStream().trigger(when).outputMode("append");
            if (checkpointLocation != null) {
                writer = writer.option("checkpointLocation", checkpointLocation);
            }
            writer = output.equals("console") ? writer.format("console").option("truncate", false)
                    : writer.format(writeFormat).option("path", output);
            spark.streams().addListener(new Progress(late, made, rejected));
            StreamingQuery query = writer.start();
            System.out.printf("streaming %s -> %s (%s); checkpoint %s%n", source, output, trigger,
                    checkpointLocation);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stopQuietly(query)));
            query.awaitTermination();
            return 0;
        });
    }

    /**
     * The schema of the arriving rows: the files already in the source, else the table the model was trained on
     * (file streams need one before the first file arrives).
     */
    private StructType schemaOf(SparkSession spark, DataOptions options) {
        String format = options.format().equals("jsonl") ? "json" : options.format();
        for (String where : new String[] {source, options.path()}) {
            try {
                Dataset<Row> sample = spark.read().format(format).option("header", options.header())
                        .option("sep", String.valueOf(options.delimiter())).load(where);
                if (sample.schema().fields().length > 0) {
                    return sample.schema();
                }
            } catch (Exception e) { // Spark's AnalysisException: nothing there (yet), try the next
                continue;
            }
        }
        throw new UserError(source + ": no file to take the rows' columns from, and the run's data ("
                + options.path() + ") cannot be read; put a first file there");
    }

    private static void stopQuietly(StreamingQuery query) {
        try {
            if (query.isActive()) {
                query.stop();
            }
        } catch (Exception e) {
            // stopping anyway
        }
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

    /** One line per micro-batch: rows read, forecasts and late rows so far (this run), time taken. */
    private static final class Progress extends StreamingQueryListener {
        private final LongAccumulator late;
        private final LongAccumulator made;
        private final CollectionAccumulator<String> rejected;
        private long rejectedSoFar;

        Progress(LongAccumulator late, LongAccumulator made, CollectionAccumulator<String> rejected) {
            this.late = late;
            this.made = made;
            this.rejected = rejected;
        }

        @Override
        public void onQueryStarted(QueryStartedEvent event) {
        }

        @Override
        public void onQueryProgress(QueryProgressEvent event) {
            var progress = event.progress();
            if (progress.numInputRows() == 0) {
                return;
            }
            System.out.printf(Locale.ROOT, "batch %d: %d rows in, %.2f s; so far %d forecasts, %d late rows%n",
                    progress.batchId(), progress.numInputRows(), progress.batchDuration() / 1000.0, made.value(),
                    late.value());
            if (rejected != null) {
                java.util.List<String> problems = rejected.value();
                rejected.reset(); // each rejected row is said once (on the driver, between micro-batches)
                rejectedSoFar += problems.size();
                for (String problem : problems) {
                    System.out.println("rejected: " + problem);
                }
                if (!problems.isEmpty()) {
                    System.out.printf("%d rows rejected so far%n", rejectedSoFar);
                }
            }
        }

        @Override
        public void onQueryTerminated(QueryTerminatedEvent event) {
        }
    }
}
