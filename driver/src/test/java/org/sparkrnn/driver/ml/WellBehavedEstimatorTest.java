package org.sparkrnn.driver.ml;

import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sparkrnn.driver.Printed;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.UserError;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a Spark ML user expects of any estimator and model: {@code copy} with extra params, {@code explainParams} that
 * reads well, bad values refused when set (also from a param grid), an empty DataFrame refused before training,
 * rows that cannot be predicted named (or, as asked, given null predictions or left out), and no data brought to the
 * driver: {@code transform} runs no job, {@code fit} moves gradients, not rows.
 */
@Tag("every-spark-line")
class WellBehavedEstimatorTest {

    private static final StructType SCHEMA = new StructType().add("id", DataTypes.LongType)
            .add("features", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType)))
            .add("label", DataTypes.DoubleType);

    private static SparkSession spark() {
        return SparkSession.builder().config(SharedSpark.get().getConf()).getOrCreate();
    }

    private static List<Row> rows(int count, int steps) {
        Random random = new Random(5);
        List<Row> rows = new ArrayList<>();
        for (long id = 0; id < count; id++) {
            List<List<Double>> seq = new ArrayList<>();
            double sum = 0;
            for (int t = 0; t < steps; t++) {
                double x = random.nextGaussian();
                sum += x;
                seq.add(List.of(x, -x));
            }
            rows.add(RowFactory.create(id, seq, sum / steps));
        }
        return rows;
    }

    private static LstmRegressor regressor() {
        return new LstmRegressor().setHidden(4).setIterations(4).setBatchSize(64).setPrecision("float64")
                .setLogEvery(1000);
    }

    private static LstmModel quiet(java.util.function.Supplier<LstmModel> fit) {
        return Printed.quietly(fit::get);
    }

    @Test
    void copyKeepsTheUidAndTakesExtraParams() {
        LstmRegressor original = regressor().setDropout(0.0);
        LstmRegressor copy = original.copy(new ParamMap().put(original.lr().w(0.5)));
        assertNotSame(original, copy);
        assertEquals(original.uid(), copy.uid());
        assertEquals(0.5, copy.getOrDefault(copy.lr()));
        assertFalse(original.isSet(original.lr()), "the original keeps its own params");
        assertEquals(Arrays.toString(original.getHidden()), Arrays.toString(copy.getHidden()));
        LstmModel model = quiet(() -> regressor().fit(spark().createDataFrame(rows(40, 4), SCHEMA)));
        LstmModel modelCopy = model.copy(new ParamMap().put(model.predictionCol().w("forecast")));
        assertEquals("forecast", modelCopy.getPredictionCol());
        assertEquals("prediction", model.getPredictionCol());
        assertEquals(model.parent(), modelCopy.parent());
    }

    @Test
    void explainParamsReadsWell() {
        String text = new LstmRegressor().setHidden(32, 16).explainParams();
        assertTrue(text.contains("dropout: dropout between stacked layers while training; in [0, 1) (default: 0.0)"),
                text);
        assertTrue(text.contains("cell: recurrent cell of every layer: lstm, rnn, gru (default: lstm)"), text);
        assertTrue(text.contains("hidden: hidden size of each layer, bottom first; each at least 1 (default: [64],"
                + " current: [32, 16])"), text);
        assertTrue(text.contains("batchSize: sequences per iteration over the whole cluster (0: all); at least 1 (or"
                + " all) (default: 32)"), text);
        assertTrue(text.contains("optimizer: update rule, as torch.optim: sgd, adam, rmsprop, adagrad (default:"
                + " adam)"), text);
        String model = LstmModel.of(quiet(() -> regressor().fit(spark().createDataFrame(rows(40, 4), SCHEMA)))
                .savedModel()).explainParams();
        assertTrue(model.contains("handleInvalid: rows whose features cannot be read"), model);
        assertTrue(model.contains("(default: error)"), model);
    }

    @Test
    void badValuesAreRefusedWhenSetAlsoFromAGrid() {
        LstmRegressor r = new LstmRegressor();
        IllegalArgumentException grid = assertThrows(IllegalArgumentException.class,
                () -> new ParamGridBuilder().addGrid(r.dropout(), new double[] {0.1, 1.5}).build());
        assertEquals(r.uid() + ": dropout must be in [0, 1), got 1.5", grid.getMessage());
        IllegalArgumentException model = assertThrows(IllegalArgumentException.class,
                () -> LstmModel.of(quiet(() -> regressor().fit(spark().createDataFrame(rows(40, 4), SCHEMA)))
                        .savedModel()).setHandleInvalid("drop"));
        assertTrue(model.getMessage().endsWith(": unknown handleInvalid 'drop', expected one of error, skip, keep"),
                model.getMessage());
    }

    /** A setting that does not fit the data is named as the estimator's param, as the command line names its option. */
    @Test
    void aSettingThatDoesNotFitTheDataIsNamedAsAParam() {
        LstmRegressor r = regressor().setLoss("cross-entropy");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> quiet(() -> r.fit(spark().createDataFrame(rows(40, 4), SCHEMA))));
        assertTrue(e.getMessage().startsWith(r.uid() + ": loss cross-entropy does not fit the labels (")
                && e.getMessage().endsWith(" or change task") && !e.getMessage().contains("--"), e.getMessage());
    }

    @Test
    void anEmptyDataFrameIsRefusedBeforeTraining() {
        Dataset<Row> empty = spark().createDataFrame(List.of(), SCHEMA);
        UserError e = assertThrows(UserError.class, () -> regressor().fit(empty));
        assertEquals("DataFrame[features, label]: the data set is empty (no row)", e.getMessage());
    }

    @Test
    void fitOnAStreamIsRefusedClearly() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("stream");
        spark().createDataFrame(rows(10, 3), SCHEMA).write().mode("overwrite").parquet(dir.toString());
        Dataset<Row> stream = spark().readStream().schema(SCHEMA).parquet(dir.toString());
        LstmRegressor regressor = regressor();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> regressor.fit(stream));
        assertTrue(e.getMessage().startsWith(regressor.uid() + ": fit trains on a batch DataFrame, and this one is"
                + " streaming"), e.getMessage());
    }

    @Test
    void rowsThatCannotBePredictedAreNamedKeptAsNullOrLeftOut() {
        SparkSession spark = spark();
        LstmModel model = quiet(() -> regressor().fit(spark.createDataFrame(rows(40, 4), SCHEMA)));
        List<Row> input = new ArrayList<>(rows(6, 4));
        input.add(RowFactory.create(100L, null, 0.0));
        input.add(RowFactory.create(101L, List.of(), 0.0));
        input.add(RowFactory.create(102L, List.of(List.of(1.0)), 0.0)); // one feature, the model reads two
        input.add(RowFactory.create(103L, List.of(List.of(1.0, Double.NaN)), 0.0));
        Dataset<Row> frame = spark.createDataFrame(input, SCHEMA).coalesce(1);

        Exception error = assertThrows(Exception.class, () -> model.transform(frame).collectAsList());
        String message = UserError.findIn(error).getMessage();
        assertEquals(model.uid() + " column 'features': row 7 of partition 0 {id=100, label=0.0}: 'features' is null",
                message);

        model.setHandleInvalid("keep");
        List<Row> kept = model.transform(frame).select("id", "prediction").orderBy("id").collectAsList();
        assertEquals(10, kept.size());
        for (Row r : kept) {
            assertEquals(r.getLong(0) >= 100, r.isNullAt(1), "id " + r.getLong(0));
        }
        assertTrue(model.transform(frame).schema().apply("prediction").nullable());

        model.setHandleInvalid("skip");
        List<Row> skipped = model.transform(frame).select("id", "prediction").orderBy("id").collectAsList();
        assertEquals(6, skipped.size());
        for (int i = 0; i < 6; i++) {
            assertEquals(kept.get(i), skipped.get(i), "valid rows predict the same whatever the others");
        }
    }

    @Test
    void noDataComeToTheDriver() throws Exception {
        SparkSession spark = spark();
        long small = resultBytesOfFit(spark, 2000);
        long large = resultBytesOfFit(spark, 8000);
        long moreData = 6000L * 20 * 2 * 8;
        // the same model, jobs and tasks on four times the data: what reaches the driver must not grow with the data
        // (each task's result carries Spark's metrics, ~1.5 KB, whatever the data; a gradient is the model's size)
        assertTrue(Math.abs(large - small) < moreData / 100, "fit brought " + small + " bytes to the driver for 2,000"
                + " sequences and " + large + " for 8,000");
        Dataset<Row> data = spark.createDataFrame(rows(2000, 20), SCHEMA).repartition(4).cache();
        data.count();
        AtomicInteger jobs = new AtomicInteger();
        SparkListener listener = new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart start) {
                jobs.incrementAndGet();
            }
        };
        LstmModel model = quiet(() -> regressor().fit(data));
        spark.sparkContext().addSparkListener(listener);
        try {
            spark.sparkContext().listenerBus().waitUntilEmpty();
            int before = jobs.get();
            Dataset<Row> predicted = model.transform(data);
            spark.sparkContext().listenerBus().waitUntilEmpty();
            assertEquals(before, jobs.get(), "transform is lazy: no job until an action");
            assertEquals(List.of("id", "features", "label", "prediction"), Arrays.asList(predicted.columns()));
        } finally {
            spark.sparkContext().removeSparkListener(listener);
            data.unpersist();
        }
    }

    /** Task result bytes of fitting the regressor on {@code n} sequences in 4 partitions. */
    private static long resultBytesOfFit(SparkSession spark, int n) throws Exception {
        Dataset<Row> data = spark.createDataFrame(rows(n, 20), SCHEMA).repartition(4).cache();
        data.count();
        AtomicLong resultBytes = new AtomicLong();
        SparkListener listener = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (end.taskMetrics() != null) {
                    resultBytes.addAndGet(end.taskMetrics().resultSize());
                }
            }
        };
        spark.sparkContext().addSparkListener(listener);
        try {
            quiet(() -> regressor().fit(data));
            spark.sparkContext().listenerBus().waitUntilEmpty();
            return resultBytes.get();
        } finally {
            spark.sparkContext().removeSparkListener(listener);
            data.unpersist();
        }
    }
}
