package org.sparkrnn.driver.bench;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkrnn.aggregate.GradientAccumulator;
import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBlock;
import org.sparkrnn.data.WindowTransform;
import org.sparkrnn.driver.SparkRnnKryoRegistrator;
import org.sparkrnn.driver.config.Defaults;
import org.sparkrnn.driver.config.InvalidRows;
import org.sparkrnn.driver.config.KernelSettings;
import org.sparkrnn.driver.data.records.RecordShape;
import org.sparkrnn.driver.model.SavedModel;
import org.sparkrnn.driver.predict.FramePredictor;
import org.sparkrnn.driver.predict.PredictionLayout;
import org.sparkrnn.kernel.Precision;
import org.sparkrnn.model.InitOptions;
import org.sparkrnn.model.Initializer;
import org.sparkrnn.model.LayerSpec;
import org.sparkrnn.model.Loss;
import org.sparkrnn.model.ModelWeights;
import org.sparkrnn.model.NetworkSpec;
import org.sparkrnn.model.ParameterLayout;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What the serializer costs, in three sessions: Spark's defaults as a user's program builds one (Java serialization,
 * everything else default), Kryo as a user adds it (our registrator, registration required), and the command line's
 * own settings (Kryo with unsafe arrays and gradients as direct task results). Measured per training iteration
 * (one LSTM layer of about 1M parameters, local[2], two partitions of one tiny sequence each, so the iteration is
 * all broadcast, scheduling and aggregation; float64 and float32), as the bytes each serializer makes of the
 * broadcast weights and of one partition's gradient, and per predicted row (a DataFrame of 20,000 sequences of
 * 16 steps x 8 features through a 64-unit LSTM, written to Spark's no-op sink).
 */
final class SerializerBench {

    private static final int ROWS = 20_000;
    private static final int STEPS = 16;
    private static final int FEATURES = 8;
    private static final int ROUNDS = 3;

    private SerializerBench() {
    }

    /** The three sessions' settings, by name. */
    private static Map<String, SparkConf> sessions() {
        Map<String, SparkConf> sessions = new LinkedHashMap<>();
        sessions.put("java (Spark's defaults)", base());
        sessions.put("kryo (registrator, registration required)", base()
                .set("spark.serializer", KryoSerializer.class.getName())
                .set("spark.kryo.registrator", SparkRnnKryoRegistrator.class.getName())
                .set("spark.kryo.registrationRequired", "true"));
        sessions.put("kryo as the command line (unsafe, direct results)", base()
                .set("spark.serializer", KryoSerializer.class.getName())
                .set("spark.kryo.registrator", SparkRnnKryoRegistrator.class.getName())
                .set("spark.kryo.registrationRequired", "true")
                .set("spark.kryo.unsafe", "true")
                .set("spark.task.maxDirectResultSize", String.valueOf(128L << 20)));
        return sessions;
    }

    private static SparkConf base() {
        return new SparkConf().setMaster("local[2]").setAppName("sparkrnn-serializer-bench")
                .set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false");
    }

    static void run(List<String> rows) {
        NetworkSpec big = BenchFixtures.specWithParameters(1_000_000);
        int parameters = new ParameterLayout(big).size();
        System.out.printf(Locale.ROOT, "serializers: training iteration (%d parameters, local[2], 2 partitions, depth 2;"
                + " ms, median of 15), bytes on the wire, prediction (us per row, median of 5); medians of " + ROUNDS + " rounds%n", parameters);
        System.out.printf(Locale.ROOT, "%-52s %9s %9s %12s %12s %12s %10s%n", "session", "f64 ms", "f32 ms",
                "weights B", "gradient B", "f32 grad B", "us/row");
        // rounds over the three sessions in turn, so that the machine's slow spells spread over all three; the first
        // round only warms the JIT (whichever session ran first would pay for compiling kernels and Spark's code)
        Map<String, List<double[]>> measured = new LinkedHashMap<>();
        for (int round = 0; round < ROUNDS + 1; round++) {
            for (Map.Entry<String, SparkConf> session : sessions().entrySet()) {
                double[] m = measure(session.getValue(), big);
                if (round > 0) {
                    measured.computeIfAbsent(session.getKey(), k -> new ArrayList<>()).add(m);
                }
            }
        }
        for (Map.Entry<String, List<double[]>> session : measured.entrySet()) {
            double[] m = new double[6];
            for (int j = 0; j < m.length; j++) {
                int column = j;
                m[j] = BenchFixtures.median(session.getValue().stream().mapToDouble(r -> r[column]).toArray());
            }
            String sessionName = session.getKey();
            System.out.printf(Locale.ROOT, "%-52s %9.1f %9.1f %12.0f %12.0f %12.0f %10.2f%n", sessionName, m[0], m[1],
                    m[2], m[3], m[4], m[5]);
            String name = sessionName.replaceAll(" .*", "") + (sessionName.contains("command") ? "-cli" : "");
            rows.add(String.format(Locale.ROOT, "serializer-iteration-%s,%d,2,2,float64,%.2f,ms", name, parameters,
                    m[0]));
            rows.add(String.format(Locale.ROOT, "serializer-iteration-%s,%d,2,2,float32,%.2f,ms", name, parameters,
                    m[1]));
            rows.add(String.format(Locale.ROOT, "serializer-weights-%s,%d,0,0,float64,%.0f,bytes", name, parameters,
                    m[2]));
            rows.add(String.format(Locale.ROOT, "serializer-gradient-%s,%d,0,0,float64,%.0f,bytes", name, parameters,
                    m[3]));
            rows.add(String.format(Locale.ROOT, "serializer-gradient-%s,%d,0,0,float32,%.0f,bytes", name, parameters,
                    m[4]));
            rows.add(String.format(Locale.ROOT, "serializer-predict-%s,0,2,0,float32,%.3f,us/row", name, m[5]));
        }
    }

    /** float64 and float32 ms per iteration, bytes of weights, gradient, float gradient, microseconds per row. */
    private static double[] measure(SparkConf conf, NetworkSpec big) {
        JavaSparkContext sc = new JavaSparkContext(conf);
        sc.setLogLevel("ERROR");
        try {
            JavaRDD<SequenceBlock> tiny = BenchFixtures.tinyData(sc, 2);
            double f64 = BenchFixtures.medianIterationMillis(sc, big, tiny, 2, 0, 15, Precision.FLOAT64);
            double f32 = BenchFixtures.medianIterationMillis(sc, big, tiny, 2, 0, 15, Precision.FLOAT32);
            tiny.unpersist(true);
            double[] params = Initializer.initialize(new ParameterLayout(big), InitOptions.defaults());
            long weightBytes = serializedSize(new ModelWeights(big, params));
            long gradientBytes = serializedSize(GradientAccumulator.of(1, params, 1.0, 1, 1));
            long floatGradientBytes = serializedSize(GradientAccumulator.of(1, params, 1.0, 1, 1).useFloatWire());
            return new double[] {f64, f32, weightBytes, gradientBytes, floatGradientBytes, predictionMicrosPerRow(sc)};
        } finally {
            sc.stop();
        }
    }

    /** Bytes of {@code value} through this context's serializer (as a broadcast or a task result travels). */
    private static long serializedSize(Object value) {
        return SparkEnv.get().serializer().newInstance()
                .serialize(value, scala.reflect.ClassTag$.MODULE$.apply(Object.class)).remaining();
    }

    /** Microseconds per row of a whole transform of a cached DataFrame, written to the no-op sink. */
    private static double predictionMicrosPerRow(JavaSparkContext sc) {
        SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
        NetworkSpec spec = new NetworkSpec(FEATURES, List.of(LayerSpec.lstm(64)), 1, Loss.MSE);
        double[] params = Initializer.initialize(new ParameterLayout(spec), InitOptions.defaults());
        SavedModel model = new SavedModel(spec, params, new RecordShape(FEATURES, false, LabelShape.PER_SEQUENCE,
                LabelKind.VALUES, 1, 0), null, null, WindowTransform.NONE);
        StructType schema = new StructType().add("id", DataTypes.LongType)
                .add("features", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType)));
        SplittableRandom random = new SplittableRandom(3);
        List<Row> input = new ArrayList<>();
        for (long id = 0; id < ROWS; id++) {
            List<List<Double>> steps = new ArrayList<>();
            for (int t = 0; t < STEPS; t++) {
                List<Double> x = new ArrayList<>();
                for (int i = 0; i < FEATURES; i++) {
                    x.add(random.nextDouble());
                }
                steps.add(x);
            }
            input.add(RowFactory.create(id, steps));
        }
        Dataset<Row> frame = spark.createDataFrame(input, schema).repartition(2).cache();
        frame.count();
        PredictionLayout layout = new PredictionLayout(model.shape(), 1, false, "prediction", "probability", true);
        double[] micros = new double[5];
        for (int r = 0; r < micros.length + 1; r++) {
            long start = System.nanoTime();
            FramePredictor.transform(frame, model, layout, "features", "bench", InvalidRows.ERROR,
                            new KernelSettings(Precision.FLOAT32, 0), Defaults.Values.CHUNK_SIZE)
                    .write().format("noop").mode("overwrite").save();
            if (r > 0) {
                micros[r - 1] = (System.nanoTime() - start) / 1e3 / ROWS;
            }
        }
        frame.unpersist();
        return BenchFixtures.median(micros);
    }
}
