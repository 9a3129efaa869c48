package org.sparkrnn.driver.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.driver.Printed;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.model.FileStore;
import org.sparkrnn.driver.model.ModelDirectory;
import org.sparkrnn.driver.model.SavedModel;
import org.sparkrnn.model.Decoder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The forecast decoder through the Spark ML API, in a plain session: SequenceWindows cuts a panel with a covariate known
 * in advance, a static and the month, and gives each window the rows of the steps it predicts (its future column
 * saying which inputs are known); LstmRegressor with decoderHidden fits on them; and a model trained by the command
 * line, applied by LstmModel to those windows, forecasts exactly what {@code predict} writes for the same table.
 */
class DecoderPipelineTest {

    private static final List<String> SERIES = List.of("construction", "manufacturing", "information", "utilities");

    @TempDir
    Path tmp;

    private static SparkSession spark() {
        return SparkSession.builder().config(SharedSpark.get().getConf()).getOrCreate();
    }

    /** Four series of the employment panel, the month's weekdays and goods-or-not, and 3 future rows each. */
    private Path panel() throws Exception {
        List<String> all = Files.readAllLines(Path.of("../data/us-employment-by-sector.csv"));
        List<String> rows = new ArrayList<>(List.of("sector,month,employed,weekdays,goods"));
        Map<String, LocalDate> last = new LinkedHashMap<>();
        for (String line : all.subList(1, all.size())) {
            String[] f = line.split(",");
            if (SERIES.contains(f[0])) {
                LocalDate month = LocalDate.parse(f[1]);
                rows.add(line + "," + weekdays(month) + "," + goods(f[0]));
                last.put(f[0], month);
            }
        }
        last.forEach((series, month) -> {
            for (int k = 1; k <= 3; k++) {
                rows.add(series + "," + month.plusMonths(k) + ",," + weekdays(month.plusMonths(k)) + ","
                        + goods(series));
            }
        });
        return Files.write(tmp.resolve("panel.csv"), rows);
    }

    private static int goods(String series) {
        return series.equals("construction") || series.equals("manufacturing") ? 1 : 0;
    }

    private static int weekdays(LocalDate month) {
        int n = 0;
        for (LocalDate d = month.withDayOfMonth(1); d.getMonth() == month.getMonth(); d = d.plusDays(1)) {
            n += d.getDayOfWeek() == DayOfWeek.SATURDAY || d.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : 1;
        }
        return n;
    }

    private static SequenceWindows windows() {
        return new SequenceWindows().setIdColumn("sector").setTimeColumn("month").setTargetColumn("employed")
                .setKnownColumns("weekdays").setStaticColumns("goods").setCalendar("month-of-year").setWindow(12)
                .setHorizon("1..3").setFutureCol("ahead").setKeepUnlabelled(true);
    }

    @Test
    void sequenceWindowsGiveTheFutureRowsAndLstmRegressorFitsADecoder() throws Exception {
        Dataset<Row> table = spark().read().option("header", "true").option("inferSchema", "true")
                .csv(panel().toString());
        Dataset<Row> cut = windows().transform(table).cache();
        assertEquals(List.of(1L, 2L, 3L, 4L), java.util.Arrays.stream(cut.schema().apply("ahead").metadata()
                .getLongArray("sparkrnn_known_inputs")).boxed().toList(), "weekdays, goods, month sin and cos");
        Row last = cut.filter("sector = 'utilities' AND time = '2015-12-01'").first();
        assertTrue(last.isNullAt(last.fieldIndex("label")), "the forecast window: its targets are the future");
        List<?> ahead = last.getList(last.fieldIndex("ahead"));
        assertEquals(3, ahead.size());

        Dataset<Row> labelled = cut.filter("label IS NOT NULL");
        LstmRegressor lstm = new LstmRegressor().setHidden(5).setDecoderHidden(4).setFutureCol("ahead")
                .setIterations(10).setBatchSize(0).setPrecision("float64").setLr(0.02).setSeed(3).setLogEvery(1000);
        LstmModel model = Printed.quietly(() -> lstm.fit(labelled));
        Decoder decoder = model.savedModel().spec().decoder();
        assertEquals(new Decoder(4, 3, List.of(1, 2, 3, 4)), decoder);
        Dataset<Row> forecasts = model.transform(cut.filter("label IS NULL"));
        assertEquals(SERIES.size() * 3L, forecasts.count(), "the last 3 windows of each series reach the future");
        for (Row row : forecasts.collectAsList()) {
            List<Double> y = row.getList(row.fieldIndex("prediction"));
            assertEquals(3, y.size());
            assertTrue(y.stream().allMatch(Double::isFinite), row.toString());
        }

        // without its future column, a decoder model says what it needs
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> model.setFutureCol("nosuch").transform(cut).count());
        assertTrue(String.valueOf(missing.getMessage()).contains("needs column 'nosuch'"), missing.getMessage());
        model.setFutureCol("ahead");
        // known columns need the future column; a text static needs categories a Transformer cannot keep
        SequenceWindows noFuture = windows();
        noFuture.clear(noFuture.futureCol());
        IllegalArgumentException known = assertThrows(IllegalArgumentException.class,
                () -> noFuture.transform(table));
        assertTrue(known.getMessage().contains("knownColumns are read at each step a window predicts, from"
                + " futureCol"), known.getMessage());
        Dataset<Row> text = table.withColumn("goods", table.col("goods").cast("string"));
        IllegalArgumentException category = assertThrows(IllegalArgumentException.class,
                () -> windows().transform(text));
        assertTrue(category.getMessage().contains("static column 'goods' is text"), category.getMessage());
    }

    /**
     * A user's own session with Spark's defaults (Java serialization: windows and their future rows travel in their
     * Java form) fits the decoder to the weights a session of ours (Kryo) fits, and forecasts with it.
     */
    @Test
    void aDefaultSessionFitsTheSameDecoder() throws Exception {
        Path data = panel();
        java.util.function.Function<SparkSession, double[]> fit = session -> {
            Dataset<Row> table = session.read().option("header", "true").option("inferSchema", "true")
                    .csv(data.toString());
            Dataset<Row> cut = windows().transform(table);
            LstmRegressor lstm = new LstmRegressor().setHidden(4).setDecoderHidden(3).setFutureCol("ahead")
                    .setIterations(4).setBatchSize(32).setPrecision("float64").setSeed(5).setLogEvery(1000);
            LstmModel model = Printed.quietly(() -> lstm.fit(cut.filter("label IS NOT NULL")));
            assertEquals(SERIES.size() * 3L, model.transform(cut.filter("label IS NULL"))
                    .filter("size(prediction) = 3").count());
            return model.savedModel().params();
        };
        double[] ours = fit.apply(spark());
        SharedSpark.stop();
        SparkSession plain = SparkSession.builder().master("local[2]").appName("a user's session").getOrCreate();
        double[] theirs;
        try {
            assertEquals("org.apache.spark.serializer.JavaSerializer", plain.sparkContext().getConf()
                    .get("spark.serializer", "org.apache.spark.serializer.JavaSerializer"));
            theirs = fit.apply(plain);
        } finally {
            plain.stop();
        }
        assertEquals(ours.length, theirs.length);
        for (int j = 0; j < ours.length; j++) {
            assertEquals(ours[j], theirs[j], 1e-12, "weight " + j);
        }
    }

    @Test
    void aCommandLineModelForecastsTheSameThroughLstmModel() throws Exception {
        Path data = panel();
        Path model = tmp.resolve("model");
        Printed.Output<Integer> trained = Printed.commandLine(false, "train", "--data", data.toString(), "--format",
                "csv", "--id-column", "sector", "--time-column", "month", "--target-column", "employed",
                "--known-columns", "weekdays", "--static-columns", "goods", "--calendar", "month-of-year",
                "--decoder-hidden", "4", "--window", "12", "--horizon", "1..3", "--hidden", "5", "--iterations", "8",
                "--batch-size", "all", "--precision", "float64", "--master", "local[2]", "--log-every", "100",
                "--model-dir", model.toString());
        SharedSpark.stop();
        assertEquals(0, trained.value(), trained.text());
        Path out = tmp.resolve("predicted");
        Printed.Output<Integer> predicted = Printed.commandLine(false, "predict", "--model-dir", model.toString(),
                "--data", data.toString(), "--output", out.toString(), "--precision", "float64", "--master",
                "local[2]");
        SharedSpark.stop();
        assertEquals(0, predicted.value(), predicted.text());
        Map<String, JsonNode> cli = new TreeMap<>();
        ObjectMapper json = new ObjectMapper();
        try (Stream<Path> parts = Files.list(out)) {
            for (Path part : parts.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
                for (String line : Files.readAllLines(part)) {
                    JsonNode row = json.readTree(line);
                    cli.put(row.get("sector").asText() + "@" + row.get("time").asText(), row.get("prediction"));
                }
            }
        }
        SavedModel saved = new ModelDirectory(new FileStore(new org.apache.hadoop.conf.Configuration()),
                model.toString()).readModel();
        // the same table as the command line reads it (CSV values as text: numbers parsed where they are used)
        Dataset<Row> table = spark().read().option("header", "true").csv(data.toString())
                .selectExpr("sector", "month", "cast(employed as double) employed", "cast(weekdays as double) weekdays",
                        "cast(goods as double) goods");
        List<Row> ml = LstmModel.of(saved).setFutureCol("ahead").setPrecision("float64")
                .transform(windows().transform(table)).collectAsList();
        assertEquals(cli.size(), ml.size());
        for (Row row : ml) {
            String key = row.getAs("sector") + "@" + row.getAs("time");
            List<Double> y = row.getList(row.fieldIndex("prediction"));
            for (int s = 0; s < 3; s++) {
                assertEquals(cli.get(key).get(s).asDouble(), y.get(s), 1e-12, key + " step " + s);
            }
        }
    }
}
