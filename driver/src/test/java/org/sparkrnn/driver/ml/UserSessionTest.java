package org.sparkrnn.driver.ml;

import org.apache.spark.SparkEnv;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.BlockManager;
import org.apache.spark.storage.BlockResult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.SparkRnnKryoRegistrator;
import org.sparkrnn.driver.cli.Main;
import org.sparkrnn.driver.predict.QueryShutdown;
import org.sparkrnn.model.ModelWeights;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Plays a user with their own SparkSession: nothing of this project's settings (Spark's Java serializer, no
 * registrator, default parallelism), then the same with Kryo and {@code spark.kryo.registrationRequired=true}. In each:
 * sequences made from a table by SQL in a Pipeline, fit, Spark's evaluator, save and load, {@code CrossValidator}
 * (fit, save, load), the fitted model applied to a stream of files (append and update output modes, the model
 * broadcast once per query whatever the number of micro-batches), and afterwards the command line's {@code predict}
 * on the data and the pipeline that session wrote. Every path gives the same prediction per row.
 */
@Tag("every-spark-line")
class UserSessionTest {

    private static final StructType READINGS = new StructType().add("id", DataTypes.LongType)
            .add("values", DataTypes.createArrayType(DataTypes.DoubleType)).add("target", DataTypes.DoubleType);

    @TempDir
    Path tmp;

    @Test
    void aDefaultSession() throws Exception {
        playTheUser(SparkSession.builder().master("local[2]").appName("a user's default session"), false);
    }

    @Test
    void aKryoSessionWithRegistrationRequired() throws Exception {
        playTheUser(SparkSession.builder().master("local[2]").appName("a user's Kryo session")
                .config("spark.serializer", KryoSerializer.class.getName())
                .config("spark.kryo.registrationRequired", "true")
                .config("spark.kryo.registrator", SparkRnnKryoRegistrator.class.getName()), true);
    }

    /** One row per series: 12 values of a sine with a random phase, the next value as target. */
    private static List<Row> readings(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Row> rows = new ArrayList<>();
        for (long id = 0; id < count; id++) {
            double phase = random.nextDouble(0, 6.28);
            List<Double> values = new ArrayList<>();
            for (int t = 0; t < 12; t++) {
                values.add(Math.sin(phase + 0.5 * t) + 0.05 * random.nextDouble());
            }
            rows.add(RowFactory.create(seed * 1000 + id, values, Math.sin(phase + 0.5 * 12)));
        }
        return rows;
    }

    private static SQLTransformer sequences() {
        return new SQLTransformer().setStatement(
                "SELECT id, transform(values, v -> array(v)) AS features, target AS label FROM __THIS__");
    }

    private static LstmRegressor regressor() {
        return new LstmRegressor().setHidden(6).setIterations(15).setBatchSize(32).setLr(0.05)
                .setPrecision("float64").setNormalize("standard").setLogEvery(1000);
    }

    private void playTheUser(SparkSession.Builder builder, boolean kryo) throws Exception {
        SharedSpark.stop();
        Map<Long, Double> batch;
        Path pipelinePath = tmp.resolve("pipeline");
        Path sequencesPath = tmp.resolve("sequences");
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(java.io.OutputStream.nullOutputStream())); // the fits' progress lines
        SparkSession spark = builder.getOrCreate();
        try {
            assertEquals(kryo ? KryoSerializer.class.getName() : "org.apache.spark.serializer.JavaSerializer",
                    spark.sparkContext().getConf().get("spark.serializer",
                            "org.apache.spark.serializer.JavaSerializer"));
            Dataset<Row> table = spark.createDataFrame(readings(240, 1), READINGS);

            // Pipeline: fit, evaluate, save, load
            PipelineModel model = new Pipeline().setStages(new PipelineStage[] {sequences(), regressor()}).fit(table);
            Dataset<Row> predicted = model.transform(table);
            double rmse = new RegressionEvaluator().setMetricName("rmse").evaluate(predicted);
            assertTrue(rmse > 0 && rmse < 0.7, "rmse " + rmse + " (the targets' sd is about 0.7)");
            model.write().overwrite().save(pipelinePath.toString());
            batch = byId(PipelineModel.load(pipelinePath.toString()).transform(table));
            assertEquals(byId(predicted), batch, "the loaded pipeline predicts as the fitted one");
            assertEquals(240, batch.size());

            // CrossValidator: a grid of two learning rates, two folds; fit, save, load
            LstmRegressor tuned = regressor().setIterations(6);
            ParamMap[] grid = new ParamGridBuilder().addGrid(tuned.lr(), new double[] {0.01, 0.05}).build();
            CrossValidatorModel cv = new CrossValidator()
                    .setEstimator(new Pipeline().setStages(new PipelineStage[] {sequences(), tuned}))
                    .setEstimatorParamMaps(grid).setEvaluator(new RegressionEvaluator()).setNumFolds(2).setSeed(3)
                    .fit(table);
            assertEquals(2, cv.avgMetrics().length);
            assertTrue(cv.avgMetrics()[1] < cv.avgMetrics()[0], "lr 0.05 learns more in 6 iterations: "
                    + java.util.Arrays.toString(cv.avgMetrics()));
            cv.write().overwrite().save(tmp.resolve("cv").toString());
            assertEquals(byId(cv.transform(table)),
                    byId(CrossValidatorModel.load(tmp.resolve("cv").toString()).transform(table)));

            // a stream of sequence files, scored by the fitted model, in both output modes
            Dataset<Row> seqs = sequences().transform(table).select("id", "features");
            Path incoming = tmp.resolve("incoming");
            // as many files as a shuffled table writes: more than Spark lists on the driver (32), so it lists them
            // with a job, which sends Hadoop's file statuses through the serializer
            seqs.filter("id % 2 = 0").repartition(40).write().parquet(incoming.resolve("part-a").toString());
            LstmModel lstm = (LstmModel) PipelineModel.load(pipelinePath.toString()).stages()[1];
            StructType sequenceSchema = seqs.schema();
            for (String mode : List.of("append", "update")) {
                Set<String> broadcastsBefore = modelBroadcasts();
                // eight files a micro-batch: six micro-batches in all, enough to see the model broadcast once per
                // query and not per micro-batch (one file each made 42 of them: 63.5 s for this class, 39.5 s now)
                Dataset<Row> stream = spark.readStream().schema(sequenceSchema).option("maxFilesPerTrigger", 8)
                        .parquet(incoming.resolve("*").toString());
                StreamingQuery query = lstm.transform(stream).writeStream().format("memory")
                        .queryName("scored_" + mode).outputMode(mode)
                        .option("checkpointLocation", tmp.resolve("checkpoint-" + mode).toString()).start();
                try {
                    query.processAllAvailable();
                    if (mode.equals("append")) { // the second half arrives while the query runs
                        seqs.filter("id % 2 = 1").write().parquet(incoming.resolve("part-b").toString());
                    }
                    query.processAllAvailable();
                    assertTrue(query.recentProgress().length >= 2, "several micro-batches");
                } finally {
                    QueryShutdown.stop(query);
                }
                Map<Long, Double> streamed = byId(spark.table("scored_" + mode));
                assertEquals(batch.keySet(), streamed.keySet(), mode);
                for (Map.Entry<Long, Double> e : batch.entrySet()) {
                    assertEquals(e.getValue(), streamed.get(e.getKey()), 1e-12, mode + " id " + e.getKey());
                }
                Set<String> made = modelBroadcasts();
                made.removeAll(broadcastsBefore);
                assertEquals(1, made.size(), mode + ": the model is broadcast once per query, not per micro-batch: "
                        + made);
            }
            seqs.write().mode(SaveMode.Overwrite).parquet(sequencesPath.toString());
        } finally {
            spark.stop();
            System.setOut(stdout);
        }

        // the command line's predict on what that session wrote: its sequences and its saved pipeline
        Path out = tmp.resolve("cli-predictions");
        assertEquals(0, Main.run("predict", "--model-dir", pipelinePath.toString(), "--data",
                sequencesPath.toString(), "--format", "parquet", "--output", out.toString(), "--output-format",
                "parquet", "--precision", "float64", "--master", "local[2]"));
        SparkSession check = SparkSession.builder().master("local[1]").getOrCreate();
        try {
            Map<Long, Double> cli = byId(check.read().parquet(out.toString()));
            assertEquals(batch.keySet(), cli.keySet());
            for (Map.Entry<Long, Double> e : batch.entrySet()) {
                assertEquals(e.getValue(), cli.get(e.getKey()), 1e-12, "cli id " + e.getKey());
            }
        } finally {
            check.stop();
        }
    }

    private static Map<Long, Double> byId(Dataset<Row> predictions) {
        Map<Long, Double> byId = new HashMap<>();
        for (Row r : predictions.select("id", "prediction").collectAsList()) {
            byId.put(r.getLong(0), r.getDouble(1));
        }
        return byId;
    }

    /**
     * The broadcasts on the driver that hold a network's weights (the driver keeps each broadcast's value as an
     * object in its block manager until the broadcast is destroyed or garbage).
     */
    private static Set<String> modelBroadcasts() {
        BlockManager blocks = SparkEnv.get().blockManager();
        scala.collection.Iterator<BlockId> ids = blocks
                .getMatchingBlockIds((scala.Function1<BlockId, Object>) BlockId::isBroadcast).iterator();
        Set<String> found = new HashSet<>();
        while (ids.hasNext()) {
            BlockId id = ids.next();
            if (id.name().contains("_piece")) {
                continue;
            }
            scala.Option<BlockResult> value = blocks.getLocalValues(id);
            if (value.isDefined()) {
                scala.collection.Iterator<Object> data = value.get().data();
                while (data.hasNext()) { // read to the end: that releases the block's read lock
                    if (data.next() instanceof ModelWeights) {
                        found.add(id.name());
                    }
                }
            }
        }
        return found;
    }
}
