package org.sparkrnn.driver.predict;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SeriesScaling;
import org.sparkrnn.data.WindowTransform;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.config.InvalidRows;
import org.sparkrnn.driver.config.KernelSettings;
import org.sparkrnn.driver.exec.InternalFrames;
import org.sparkrnn.driver.exec.ModelBroadcasts;
import org.sparkrnn.driver.model.SavedModel;
import org.sparkrnn.driver.data.records.RecordShape;
import org.sparkrnn.kernel.Precision;
import org.sparkrnn.model.InitOptions;
import org.sparkrnn.model.Initializer;
import org.sparkrnn.model.LayerSpec;
import org.sparkrnn.model.Loss;
import org.sparkrnn.model.NetworkSpec;
import org.sparkrnn.model.ParameterLayout;

import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Batch scoring through Spark's internal rows ({@link BinaryRows}, what a batch DataFrame takes) gives exactly the
 * rows that the external {@code Row} path ({@link ExternalRows}, what a streaming micro-batch takes) gives: every
 * feature column type (arrays of doubles, floats, ints, longs, decimals; vectors, dense and sparse), every output
 * (one value, V values, per step, quantiles, classes with probabilities as arrays and as vectors), the input columns
 * of any type passed through (text, dates, structs, maps, nulls), a series key read for the model's scales, and bad
 * rows kept, skipped or refused with the same message. A user's plain session with Spark's defaults.
 */
@Tag("every-spark-line")
class BinaryRowsTest {

    private static final int FEATURES = 3;
    private static final KernelSettings KERNEL = new KernelSettings(Precision.FLOAT64, 0);

    private static SparkSession spark;

    @BeforeAll
    static void start() {
        SharedSpark.stop(); // a user's own session, with Spark's defaults
        spark = SparkSession.builder().master("local[2]").appName("binary-rows")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void aBatchFrameIsReadAsBinaryRowsAndAStreamingOneIsNot() {
        assertTrue(InternalFrames.available(frame(DataTypes.DoubleType, false, false)));
        Dataset<Row> stream = spark.readStream().format("rate").load();
        assertFalse(InternalFrames.available(stream));
    }

    @Test
    void everyFeatureTypeGivesTheSameRows() {
        for (DataType type : List.of(DataTypes.DoubleType, DataTypes.FloatType, DataTypes.IntegerType,
                DataTypes.LongType, DataTypes.createDecimalType(10, 4))) {
            same(frame(type, false, false), model(Loss.MSE, 1, LabelShape.PER_SEQUENCE, null), plain(1),
                    InvalidRows.ERROR);
        }
        same(frame(null, false, false), model(Loss.MSE, 1, LabelShape.PER_SEQUENCE, null), plain(1),
                InvalidRows.ERROR);
    }

    @Test
    void everyOutputGivesTheSameRows() {
        Dataset<Row> frame = frame(DataTypes.DoubleType, false, false);
        same(frame, model(Loss.MSE, 2, LabelShape.PER_SEQUENCE, null), plain(2), InvalidRows.ERROR);
        same(frame, model(Loss.MSE, 2, LabelShape.PER_STEP, null), plainPerStep(2), InvalidRows.ERROR);
        SavedModel gaussian = model(Loss.GAUSSIAN, 2, LabelShape.PER_SEQUENCE, null);
        same(frame, gaussian, plain(2).withLevels(new double[] {0.1, 0.5, 0.975}), InvalidRows.ERROR);
        SavedModel classes = model(Loss.CROSS_ENTROPY, 4, LabelShape.PER_SEQUENCE, null);
        RecordShape shape = classes.shape();
        same(frame, classes, new PredictionLayout(shape, 4, true, "prediction", "probability", true),
                InvalidRows.ERROR);
        same(frame, classes, new PredictionLayout(shape, 4, true, "prediction", "probability", false),
                InvalidRows.ERROR);
    }

    @Test
    void aSeriesKeyIsReadForTheModelsScales() {
        SeriesScaling scaling = new SeriesScaling("city", new String[] {"Lima", "Oslo"}, new double[] {0.25, 2.5});
        Dataset<Row> frame = frame(DataTypes.DoubleType, false, false);
        List<Row> binary = collect(FramePredictor.transform(frame, model(Loss.MSE, 1, LabelShape.PER_SEQUENCE,
                scaling), plain(1), "features", "test frame", InvalidRows.ERROR, KERNEL, 3));
        assertEquals(collect(external(frame, model(Loss.MSE, 1, LabelShape.PER_SEQUENCE, scaling), plain(1),
                InvalidRows.ERROR)), binary);
        // the scales were used: the same windows without them predict otherwise
        assertFalse(binary.equals(collect(FramePredictor.transform(frame, model(Loss.MSE, 1,
                LabelShape.PER_SEQUENCE, null), plain(1), "features", "test frame", InvalidRows.ERROR, KERNEL, 3))));
    }

    @Test
    void badRowsAreKeptSkippedOrRefusedAlike() {
        Dataset<Row> frame = frame(DataTypes.DoubleType, true, false);
        SavedModel model = model(Loss.MSE, 1, LabelShape.PER_SEQUENCE, null);
        List<Row> kept = same(frame, model, plain(1), InvalidRows.KEEP);
        assertEquals(frame.count(), kept.size());
        assertTrue(kept.stream().anyMatch(r -> "null".equals(r.get(r.length() - 1))), "a bad row kept with null predictions");
        List<Row> skipped = same(frame, model, plain(1), InvalidRows.SKIP);
        assertTrue(skipped.size() < kept.size());
        Dataset<Row> one = frame.coalesce(1); // one task: the first bad row stops it, whichever path
        String binary = message(() -> collect(FramePredictor.transform(one, model, plain(1), "features",
                "test frame", InvalidRows.ERROR, KERNEL, 3)));
        String external = message(() -> collect(external(one, model, plain(1), InvalidRows.ERROR)));
        assertEquals(external, binary);
        assertTrue(binary.contains("test frame") && binary.contains("city="), binary);
    }

    @Test
    void nullEntriesOfAStepAreRefusedByName() {
        Dataset<Row> frame = frame(DataTypes.DoubleType, false, true);
        SavedModel model = model(Loss.MSE, 1, LabelShape.PER_SEQUENCE, null);
        String binary = message(() -> collect(FramePredictor.transform(frame, model, plain(1), "features",
                "test frame", InvalidRows.ERROR, KERNEL, 3)));
        assertEquals(message(() -> collect(external(frame, model, plain(1), InvalidRows.ERROR))), binary);
        assertTrue(binary.contains("entry 1 is null, expected a number"), binary);
    }

    @Test
    void aFutureColumnOfTheWrongTypeIsRefusedByNameBeforeAnyJob() {
        NetworkSpec spec = new NetworkSpec(FEATURES, List.of(LayerSpec.lstm(5)), 2, Loss.MSE)
                .withDecoder(new org.sparkrnn.model.Decoder(4, 2, List.of(0)));
        SavedModel model = new SavedModel(spec, Initializer.initialize(new ParameterLayout(spec),
                InitOptions.defaults()), shape(2, LabelShape.PER_SEQUENCE).withFuture(2, List.of(0)), null, null,
                WindowTransform.NONE, null, null);
        Dataset<Row> frame = frame(DataTypes.DoubleType, false, false).withColumn("future",
                org.apache.spark.sql.functions.lit("soon"));
        for (boolean binary : new boolean[] {true, false}) {
            Throwable e = assertThrows(Throwable.class, () -> {
                if (binary) {
                    FramePredictor.transform(frame, model, plain(2), "features", "future", "test frame",
                            InvalidRows.ERROR, KERNEL, 3);
                } else {
                    external(frame, model, plain(2), InvalidRows.ERROR);
                }
            });
            assertTrue(e instanceof org.sparkrnn.driver.UserError, e.toString());
            assertEquals("test frame: column 'future' is string, expected array<array<double>> (the rows of the"
                    + " steps a window predicts)", e.getMessage());
        }
    }

    /** Both paths' rows, in order; equal, returned. */
    private static List<Row> same(Dataset<Row> frame, SavedModel model, PredictionLayout layout,
                                  InvalidRows invalid) {
        Dataset<Row> binary = FramePredictor.transform(frame, model, layout, "features", "test frame", invalid,
                KERNEL, 3);
        Dataset<Row> external = external(frame, model, layout, invalid);
        assertEquals(external.schema(), binary.schema());
        List<Row> rows = collect(binary);
        assertEquals(collect(external), rows, layout + " " + model.spec().loss());
        assertFalse(rows.isEmpty());
        return rows;
    }

    private static Dataset<Row> external(Dataset<Row> frame, SavedModel model, PredictionLayout layout,
                                         InvalidRows invalid) {
        return FramePredictor.transformExternalRows(ModelBroadcasts.withThePlans(
                        JavaSparkContext.fromSparkContext(spark.sparkContext())), frame, model, layout, "features",
                "future", "test frame", invalid, KERNEL, 3);
    }

    /** The rows as text (a Row's arrays compare by content there; doubles printed exactly). */
    private static List<Row> collect(Dataset<Row> frame) {
        List<Row> rows = new ArrayList<>();
        for (Row row : frame.collectAsList()) {
            Object[] values = new Object[row.length()];
            for (int j = 0; j < values.length; j++) {
                values[j] = String.valueOf(row.get(j));
            }
            rows.add(RowFactory.create(values));
        }
        return rows;
    }

    private static String message(Runnable action) {
        Throwable e = assertThrows(Throwable.class, action::run);
        while (e.getCause() != null && !String.valueOf(e.getMessage()).contains("test frame")) {
            e = e.getCause();
        }
        String text = String.valueOf(e.getMessage());
        text = text.substring(text.indexOf("test frame"));
        return text.lines().findFirst().orElse(text);
    }

    /**
     * 11 windows of 4 steps over 2 partitions, with a text key (the series), a date, a struct, a map and a nullable
     * number beside the features, of element type {@code type} (null: vectors, every third sparse); {@code bad}: a
     * window with a NaN, an empty one and a null one among them; {@code nullEntry}: a step with a null entry.
     */
    private static Dataset<Row> frame(DataType type, boolean bad, boolean nullEntry) {
        Random random = new Random(11);
        List<Row> rows = new ArrayList<>();
        String[] cities = {"Oslo", "Lima", "Pune"};
        for (int i = 0; i < 11; i++) {
            List<Object> steps = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                double[] x = new double[FEATURES];
                for (int f = 0; f < FEATURES; f++) {
                    x[f] = type == DataTypes.IntegerType || type == DataTypes.LongType ? random.nextInt(9) - 4
                            : Math.round(random.nextGaussian() * 1e4) / 1e4;
                }
                if (type == null) {
                    steps.add(i % 3 == 0 ? Vectors.dense(x).toSparse() : Vectors.dense(x));
                } else {
                    List<Object> values = new ArrayList<>();
                    for (double v : x) {
                        values.add(cast(v, type));
                    }
                    if (nullEntry && i == 5 && t == 2) {
                        values.set(1, null);
                    }
                    steps.add(values);
                }
            }
            Object features = steps;
            if (bad && i == 3) {
                ((List<Object>) steps.get(1)).set(0, Double.NaN);
            } else if (bad && i == 6) {
                features = List.of();
            } else if (bad && i == 8) {
                features = null;
            }
            rows.add(RowFactory.create(cities[i % 3], new Date(86_400_000L * (18_000 + i)),
                    RowFactory.create(i, "n" + i), java.util.Map.of("k", (double) i), i % 4 == 0 ? null : (long) i,
                    features));
        }
        DataType step = type == null ? SQLDataTypes.VectorType() : DataTypes.createArrayType(type, true);
        StructType schema = new StructType().add("city", DataTypes.StringType).add("day", DataTypes.DateType)
                .add("tag", new StructType().add("n", DataTypes.IntegerType).add("s", DataTypes.StringType))
                .add("extra", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType))
                .add("maybe", DataTypes.LongType)
                .add("features", DataTypes.createArrayType(step, true));
        return spark.createDataFrame(rows, schema).repartition(2).sortWithinPartitions("day");
    }

    private static Object cast(double v, DataType type) {
        Function<Double, Object> as = type == DataTypes.FloatType ? d -> (float) d.doubleValue()
                : type == DataTypes.IntegerType ? d -> (int) d.doubleValue()
                : type == DataTypes.LongType ? d -> (long) d.doubleValue()
                : type instanceof org.apache.spark.sql.types.DecimalType ? java.math.BigDecimal::valueOf
                : d -> d;
        return as.apply(v);
    }

    private static PredictionLayout plain(int values) {
        return new PredictionLayout(shape(values, LabelShape.PER_SEQUENCE), values, false, "prediction",
                "probability", false);
    }

    private static PredictionLayout plainPerStep(int values) {
        return new PredictionLayout(shape(values, LabelShape.PER_STEP), values, false, "prediction", "probability",
                false);
    }

    private static RecordShape shape(int values, LabelShape labels) {
        return new RecordShape(FEATURES, false, labels, LabelKind.VALUES, values, 0);
    }

    private static SavedModel model(Loss loss, int outputs, LabelShape labels, SeriesScaling scaling) {
        NetworkSpec spec = new NetworkSpec(FEATURES, List.of(LayerSpec.lstm(5)), outputs, loss);
        double[] params = Initializer.initialize(new ParameterLayout(spec), InitOptions.defaults());
        RecordShape shape = loss == Loss.CROSS_ENTROPY
                ? new RecordShape(FEATURES, false, labels, LabelKind.CLASSES, 1, outputs) : shape(outputs, labels);
        return new SavedModel(spec, params, shape, null, null, WindowTransform.NONE, scaling, null);
    }
}
