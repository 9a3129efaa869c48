package org.sparkrnn.driver.predict;

import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.BlockManager;
import org.apache.spark.storage.BroadcastBlockId;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.WindowTransform;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.config.InvalidRows;
import org.sparkrnn.driver.config.KernelSettings;
import org.sparkrnn.driver.config.MissingValues;
import org.sparkrnn.driver.config.TableLayout;
import org.sparkrnn.driver.data.records.RecordShape;
import org.sparkrnn.driver.data.stream.SeriesStream;
import org.sparkrnn.driver.model.SavedModel;
import org.sparkrnn.kernel.Precision;
import org.sparkrnn.model.InitOptions;
import org.sparkrnn.model.Initializer;
import org.sparkrnn.model.LayerSpec;
import org.sparkrnn.model.Loss;
import org.sparkrnn.model.ModelWeights;
import org.sparkrnn.model.NetworkSpec;
import org.sparkrnn.model.ParameterLayout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How long a model's broadcast lives, counted by the broadcast blocks Spark's block managers hold: a prediction
 * written through {@link FramePredictor#open} and a stream through {@link StreamForecaster#open} keep their model's
 * blocks while their rows are evaluated (once per micro-batch for a stream, several jobs for a DataFrame) and lose
 * them when closed (after the write, after the query has ended); a model's {@code transform} leaves them to Spark's
 * ContextCleaner. A plain local session, as a user's program builds one.
 */
@Tag("every-spark-line")
class BroadcastLifetimeTest {

    private static final int FEATURES = 2;
    private static final KernelSettings KERNEL = new KernelSettings(Precision.FLOAT64, 0);
    private static final TableLayout LAYOUT = new TableLayout("id", "t", List.of("a", "b"), List.of("a"), 3, 1,
            new int[] {1}, MissingValues.SKIP, null, WindowTransform.NONE, java.util.List.of(), null);

    private static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        SharedSpark.stop(); // a user's own session, with Spark's defaults
        spark = SparkSession.builder().master("local[2]").appName("broadcast-lifetime")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void aWrittenPredictionsBroadcastIsGoneWhenClosed() throws InterruptedException {
        Dataset<Row> frame = frame();
        Set<Long> before = modelBroadcasts();
        ScopedPredictions predicted = FramePredictor.open(frame, model(LabelShape.PER_SEQUENCE), layout(),
                "features", "test frame", InvalidRows.ERROR, KERNEL, 16);
        assertEquals(5, predicted.rows().count());
        assertEquals(5, predicted.rows().count()); // a second job, the same broadcast
        Set<Long> mine = madeSince(before);
        assertEquals(1, mine.size(), "the model's broadcast, once: " + mine);
        predicted.close();
        awaitGone(mine);
    }

    @Test
    void aTransformsBroadcastIsLeftToTheContextCleaner() {
        Set<Long> before = modelBroadcasts();
        Dataset<Row> predicted = FramePredictor.transform(frame(), model(LabelShape.PER_SEQUENCE), layout(),
                "features", "test frame", InvalidRows.ERROR, KERNEL, 16);
        assertEquals(5, predicted.count());
        assertEquals(1, madeSince(before).size(), "kept for as long as the DataFrame may be evaluated");
        assertEquals(5, predicted.count()); // (the DataFrame still in use here: not garbage yet)
    }

    @Test
    void aWindowStreamsBroadcastLivesUntilItsQueryHasEndedAndItIsClosed() throws Exception {
        streamAndClose(model(LabelShape.PER_SEQUENCE));
    }

    @Test
    void aPerStepStreamsBroadcastLivesUntilItsQueryHasEndedAndItIsClosed() throws Exception {
        streamAndClose(model(LabelShape.PER_STEP));
    }

    private void streamAndClose(SavedModel model) throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        List<String> lines = new ArrayList<>(List.of("id,t,a,b"));
        for (int t = 0; t < 12; t++) {
            lines.add((t % 2) + "," + t + "," + Math.sin(t) + "," + Math.cos(t));
        }
        Files.write(in.resolve("rows.csv"), lines);
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("t", DataTypes.IntegerType)
                .add("a", DataTypes.DoubleType).add("b", DataTypes.DoubleType);
        Set<Long> before = modelBroadcasts();
        ScopedPredictions forecasts = StreamForecaster.open(spark.readStream().schema(schema)
                        .option("header", true).csv(in.toString()), model, LAYOUT, in.toString(), KERNEL, null,
                SeriesStream.Counters.NONE);
        StreamingQuery query = forecasts.rows().writeStream().format("memory").queryName("forecasts"
                + model.shape().labelShape().name().replace("_", "")).outputMode("append")
                .option("checkpointLocation", tmp.resolve("ck").toString()).trigger(Trigger.ProcessingTime(50))
                .start();
        try {
            query.processAllAvailable();
            Files.write(in.resolve("more.csv"), List.of("id,t,a,b", "0,20,0.5,0.5", "1,21,0.25,0.25"));
            query.processAllAvailable(); // a second micro-batch, the same broadcast
            assertTrue(spark.table(query.name()).count() > 0, "forecasts were made");
        } finally {
            QueryShutdown.stop(query);
        }
        Set<Long> mine = madeSince(before);
        assertEquals(1, mine.size(), "the model's broadcast, once for the query (two micro-batches): " + mine);
        forecasts.close();
        awaitGone(mine);
    }

    private static PredictionLayout layout() {
        return new PredictionLayout(model(LabelShape.PER_SEQUENCE).shape(), 1, false, "prediction", "probability",
                false);
    }

    private static Dataset<Row> frame() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            rows.add(RowFactory.create((long) i, List.of(List.of(0.1 * i, 0.2), List.of(0.3, 0.4 * i))));
        }
        StructType schema = new StructType().add("id", DataTypes.LongType).add("features",
                DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType)));
        return spark.createDataFrame(rows, schema).repartition(2);
    }

    private static SavedModel model(LabelShape labels) {
        NetworkSpec spec = new NetworkSpec(FEATURES, List.of(LayerSpec.lstm(4)), 1, Loss.MSE);
        double[] params = Initializer.initialize(new ParameterLayout(spec), InitOptions.defaults());
        return new SavedModel(spec, params, new RecordShape(FEATURES, false, labels, LabelKind.VALUES, 1, 0), null,
                null, WindowTransform.NONE);
    }

    /**
     * The model broadcasts made since {@code before} was taken (ids grow; others' may have been cleaned meanwhile by
     * Spark's ContextCleaner, which is why ids are compared, not counts).
     */
    private static Set<Long> madeSince(Set<Long> before) {
        long newest = before.stream().mapToLong(Long::longValue).max().orElse(-1);
        Set<Long> made = new TreeSet<>(modelBroadcasts());
        made.removeIf(id -> id <= newest || before.contains(id));
        return made;
    }

    /** Waits up to 30 s for the blocks of {@code ids} to be gone (a destroy removes them asynchronously). */
    private static void awaitGone(Set<Long> ids) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        Set<Long> left = new TreeSet<>(ids);
        while (System.nanoTime() < deadline) {
            left = new TreeSet<>(ids);
            left.retainAll(modelBroadcasts());
            if (left.isEmpty()) {
                return;
            }
            Thread.sleep(20);
        }
        assertEquals(Set.of(), left, "model broadcasts still held after close");
    }

    /**
     * The ids of the broadcasts whose value, held by this JVM's block manager, is a model: in local mode the driver's
     * and the executors' blocks are the same block manager's.
     */
    private static Set<Long> modelBroadcasts() {
        JavaSparkContext.fromSparkContext(spark.sparkContext()); // the context is up
        BlockManager blocks = SparkEnv.get().blockManager();
        Set<Long> ids = new TreeSet<>();
        scala.collection.Iterator<BlockId> all = blocks.blockInfoManager().entries().map(
                new scala.runtime.AbstractFunction1<scala.Tuple2<BlockId, org.apache.spark.storage.BlockInfo>,
                        BlockId>() {
                    @Override
                    public BlockId apply(scala.Tuple2<BlockId, org.apache.spark.storage.BlockInfo> entry) {
                        return entry._1();
                    }
                });
        while (all.hasNext()) {
            BlockId id = all.next();
            if (id instanceof BroadcastBlockId broadcast && broadcast.field().isEmpty()) {
                scala.Option<org.apache.spark.storage.BlockResult> value = blocks.getLocalValues(id);
                if (value.isDefined()) {
                    scala.collection.Iterator<Object> data = value.get().data();
                    Object first = data.hasNext() ? data.next() : null;
                    while (data.hasNext()) {
                        data.next();
                    }
                    if (first instanceof ModelWeights) {
                        ids.add(broadcast.broadcastId());
                    }
                }
            }
        }
        return ids;
    }
}
