package org.sparkrnn.driver.ml;

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
 * A real panel (data/us-employment-by-sector.csv) through the Spark ML API: accuracy, not arithmetic, so it runs once
 * (not again on Java 25 or the other Spark line, whose numerics the kernel and data tests check).
 */
@Tag("no-numerics")
class PanelPipelineTest {

    @TempDir
    Path tmp;

    private static SparkSession spark() {
        return SparkSession.builder().config(SharedSpark.get().getConf()).getOrCreate();
    }

    /**
     * A panel in a Pipeline: SequenceWindows with month-of-year, then LstmRegressor with each window scaled by its own
     * values ({@code normalize} window) beats one standardisation on the held-out months by far, and the saved and
     * loaded pipeline predicts the same (its window transform is kept with the model).
     */
    @Test
    void aPanelPipelineScalesEachWindowAndKeepsItWhenSaved() throws Exception {
        Dataset<Row> panel = spark().read().option("header", "true").csv("../data/us-employment-by-sector.csv");
        SequenceWindows cut = new SequenceWindows().setIdColumn("sector").setTimeColumn("month")
                .setTargetColumn("employed").setWindow(24).setCalendar("month-of-year");
        Dataset<Row> windows = cut.transform(panel).cache();
        // each window keyed by the month it predicts: the table's step (a month) is inferred, or given
        assertEquals("2013-01-01", windows.filter("sector = 'nonfarm' AND time = '2012-12-01'").first()
                .getAs("forecast_time"));
        assertEquals(windows.select("forecast_time").collectAsList(), new SequenceWindows().setIdColumn("sector")
                .setTimeColumn("month").setTargetColumn("employed").setWindow(24).setCalendar("month-of-year")
                .setFrequency("1M").transform(panel).select("forecast_time").collectAsList());
        Dataset<Row> train = windows.filter("time < '2013-01-01'");
        Dataset<Row> test = windows.filter("time >= '2013-01-01'");
        java.util.Map<String, Double> rmse = new java.util.HashMap<>();
        for (String normalize : List.of("standard", "window")) {
            LstmRegressor lstm = new LstmRegressor().setHidden(16).setIterations(120).setBatchSize(64).setLr(0.01)
                    .setNormalize(normalize).setSeed(7).setLogEvery(1000);
            LstmModel model = Printed.quietly(() -> lstm.fit(train));
            Row error = model.transform(test).selectExpr("sqrt(avg(pow(prediction - label, 2)))").first();
            rmse.put(normalize, error.getDouble(0));
            if (normalize.equals("window")) {
                model.write().overwrite().save(tmp.resolve("panel-model").toString());
                LstmModel loaded = LstmModel.load(
                        tmp.resolve("panel-model").toString());
                assertEquals(model.transform(test).select("prediction").collectAsList(),
                        loaded.transform(test).select("prediction").collectAsList());
            }
        }
        assertTrue(rmse.get("window") * 10 < rmse.get("standard"), rmse.toString());
        double naive = test.selectExpr("sqrt(avg(pow(features[23][0] - label, 2)))").first().getDouble(0);
        assertTrue(rmse.get("window") < naive, "better than next = now (" + naive + "): " + rmse);
        // relative to each window's last value: moving a window's target by c moves its forecast by c, as the
        // transform says (the saved model keeps it)
        LstmModel changes = Printed.quietly(() -> new LstmRegressor().setHidden(8).setIterations(20)
                .setBatchSize(64).setRelativeToLast(true).setNormalize("window").setPrecision("float64").setSeed(7)
                .setLogEvery(1000).fit(train));
        List<Row> at = changes.transform(test.limit(50)).select("prediction").collectAsList();
        List<Row> moved = changes.transform(test.limit(50).selectExpr("transform(features, s -> array(s[0] + 1000.0,"
                + " s[1], s[2])) AS features")).select("prediction").collectAsList(); // the target, not the calendar
        for (int k = 0; k < at.size(); k++) {
            assertEquals(at.get(k).getDouble(0) + 1000, moved.get(k).getDouble(0), 1e-8, "window " + k);
        }
        changes.write().overwrite().save(tmp.resolve("changes-model").toString());
        assertEquals(at, LstmModel.load(tmp.resolve("changes-model").toString()).transform(test.limit(50))
                .select("prediction").collectAsList());
        // scaling each series needs the series' rows, which a DataFrame of windows does not hold: said at fit
        IllegalArgumentException series = assertThrows(IllegalArgumentException.class,
                () -> new LstmRegressor().setNormalize("series").setIterations(1).fit(train));
        assertTrue(series.getMessage().contains("lstm-spark train --normalize series"), series.getMessage());
        windows.unpersist();
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> new LstmRegressor().setNormalize("sometimes"));
        assertTrue(bad.getMessage().contains("normalize"), bad.getMessage());
    }

}
