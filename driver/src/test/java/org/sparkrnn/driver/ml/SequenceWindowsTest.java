package org.sparkrnn.driver.ml;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.driver.Printed;
import org.sparkrnn.driver.SharedSpark;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The long table as a Pipeline stage: {@code SequenceWindows} cuts data/co2-by-year.csv (one series per year) into
 * the windows the command line cuts (as many, keyed by year and time), feeds {@code LstmRegressor} in a Pipeline
 * that fits, saves and loads, keeps the forecast windows when asked, and refuses bad params when set.
 */
@Tag("every-spark-line")
class SequenceWindowsTest {

    @TempDir
    Path tmp;

    private static SparkSession spark() {
        return SparkSession.builder().config(SharedSpark.get().getConf()).getOrCreate();
    }

    private static Dataset<Row> table() {
        return spark().read().option("header", "true").csv("../data/co2-by-year.csv");
    }

    private static SequenceWindows windows() {
        return new SequenceWindows().setIdColumn("year").setTimeColumn("date").setFeatureColumns("co2", "season")
                .setTargetColumn("co2").setWindow(8);
    }

    @Test
    void theWindowsTheCommandLineCutsKeyedBySeriesAndTime() {
        Dataset<Row> labelled = windows().transform(table());
        assertEquals(List.of("year", "time", "forecast_time", "features", "label"), List.of(labelled.columns()));
        // as the command line's run of the same table: 1,442 training + 309 validation windows
        assertEquals(1442 + 309, labelled.count());
        Row sizes = labelled.selectExpr("min(size(features))", "max(size(features))", "min(size(features[0]))",
                "max(size(features[7]))").first();
        assertEquals(8, sizes.getInt(0));
        assertEquals(8, sizes.getInt(1));
        assertEquals(2, sizes.getInt(2), "co2 and season at every step");
        assertEquals(2, sizes.getInt(3));

        Dataset<Row> all = windows().setKeepUnlabelled(true).transform(table());
        assertEquals(1804, all.count(), "every window with whole inputs, as predict writes");
        assertEquals(1804 - 1751, all.filter("label IS NULL").count());
        assertTrue(all.filter("time = '20011229'").first().isNullAt(4), "the forecast window has no label");

        Row six = windows().setHorizon("1..6").transform(table()).selectExpr("min(size(label))",
                "max(size(label))").first();
        assertEquals(6, six.getInt(0), "six steps ahead");
        assertEquals(6, six.getInt(1));

        // calendar inputs after the features, from yyyyMMdd numbers: the last step of the window that ends on
        // 2001-12-29 is in December, month 12: sin and cos of 2π · 11/12
        Row calendar = windows().setCalendar("month-of-year").setTimeFormat("yyyyMMdd").setKeepUnlabelled(true)
                .transform(table()).filter("time = '20011229'")
                .selectExpr("size(features[7])", "features[7][2]", "features[7][3]").first();
        assertEquals(4, calendar.getInt(0), "co2, season, month-of-year.sin, month-of-year.cos");
        assertEquals(Math.sin(2 * Math.PI * 11 / 12), calendar.getDouble(1), 1e-12);
        assertEquals(Math.cos(2 * Math.PI * 11 / 12), calendar.getDouble(2), 1e-12);
        IllegalArgumentException bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> windows().setCalendar("month-of-year", "fortnight").transform(table()));
        assertTrue(bad.getMessage().contains("unknown calendar 'fortnight'"), bad.getMessage());
    }

    @Test
    void aPipelineFromTableToForecastFitsSavesAndLoads() throws Exception {
        LstmRegressor lstm = new LstmRegressor().setHidden(6).setIterations(20).setBatchSize(64).setLr(0.01)
                .setNormalize("standard").setPrecision("float64").setLogEvery(1000);
        PipelineModel model = Printed.quietly(() -> new Pipeline().setStages(new PipelineStage[] {windows(), lstm})
                .fit(table()));
        model.write().overwrite().save(tmp.resolve("pipeline").toString());
        PipelineModel loaded = PipelineModel.load(tmp.resolve("pipeline").toString());
        List<Row> direct = model.transform(table()).select("year", "time", "prediction").orderBy("year", "time")
                .collectAsList();
        List<Row> again = loaded.transform(table()).select("year", "time", "prediction").orderBy("year", "time")
                .collectAsList();
        assertEquals(1751, direct.size());
        assertEquals(direct, again);
    }

    @Test
    void explainParamsNamesTheColumns() {
        String text = windows().explainParams();
        assertTrue(text.contains("featureColumns: each step's inputs, in order (empty: the target columns) (default:"
                + " [], current: [co2, season])"), text);
        assertTrue(text.contains("targetColumn: what is predicted, one or more columns (current: [co2])"), text);
    }

    @Test
    void badParamsAreRefusedWhenSetOrBeforeAnyJob() {
        SequenceWindows w = new SequenceWindows();
        IllegalArgumentException window = assertThrows(IllegalArgumentException.class, () -> w.setWindow(0));
        assertEquals(w.uid() + ": window must be at least 1, got 0", window.getMessage());
        IllegalArgumentException horizon = assertThrows(IllegalArgumentException.class, () -> w.setHorizon("3..1"));
        assertTrue(horizon.getMessage().startsWith(w.uid() + ": horizon 3..1: a range goes from"), horizon.getMessage());
        IllegalArgumentException target = assertThrows(IllegalArgumentException.class,
                () -> new SequenceWindows().transform(table()));
        assertTrue(target.getMessage().endsWith("targetColumn names what the windows predict; set it"),
                target.getMessage());
        IllegalArgumentException column = assertThrows(IllegalArgumentException.class,
                () -> windows().setTargetColumn("co3").transform(table()));
        assertTrue(column.getMessage().endsWith("no column 'co3'; the columns are [year, date, co2, season]"),
                column.getMessage());
    }
}
