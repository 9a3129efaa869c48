package org.sparkrnn.driver.data;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sparkrnn.data.WindowTransform;
import org.sparkrnn.driver.Reporter;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.config.DataOptions;
import org.sparkrnn.driver.config.MissingValues;
import org.sparkrnn.driver.config.Split;
import org.sparkrnn.driver.config.TableLayout;
import org.sparkrnn.driver.config.Task;
import org.sparkrnn.driver.data.records.ReadContext;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The Spark jobs a long table's load runs, counted (a small table's load is their latency: each job and its planning
 * costs a few hundred ms whatever the rows). The README's CO2 table, as its example trains it (a CSV with a header,
 * a hold-out by date, standardised): the sort's range bounds and its shuffle (two jobs under adaptive execution),
 * each partition's edges, the cut, the statistics, and one job that caches both sides. It ran nine before: Spark
 * reading the CSV header, the hold-out date turned into a time key by a query, and the two sides cached one after
 * the other. The table is one small plain CSV file: read without a Spark SQL query ({@code SmallCsvTable}), none is
 * run (a fresh JVM's first query cost more than the whole load).
 */
@Tag("no-numerics")
class LoadJobsTest {

    @Test
    void aStandardisedCsvTableWithADateHoldOutLoadsInFourJobs() throws Exception {
        JavaSparkContext sc = SharedSpark.get();
        TableLayout layout = new TableLayout("year", "date", List.of("co2", "season"), List.of("co2"), 8, 1,
                new int[] {1}, MissingValues.SKIP, "19950101", WindowTransform.RELATIVE_TO_LAST, java.util.List.of(),
                null);
        DataOptions options = new DataOptions("csv", "../data/co2-by-year.csv", null, 0, Split.RANDOM,
                Task.REGRESSION, 0, 0, 1, false, null, ',', true, null, layout);
        List<String> jobs = Collections.synchronizedList(new ArrayList<>());
        List<String> queries = Collections.synchronizedList(new ArrayList<>());
        SparkListener counter = new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart start) {
                jobs.add(String.valueOf(start.properties().getProperty("spark.job.description")));
            }

            @Override
            public void onOtherEvent(org.apache.spark.scheduler.SparkListenerEvent event) {
                if (event.getClass().getSimpleName().equals("SparkListenerSQLExecutionStart")) {
                    queries.add(event.toString());
                }
            }
        };
        DatasetLoader loader = new DatasetLoader(sc, Reporter.to(System.out));
        loader.loadForTraining(options, ReadContext.fresh(true)).unpersist(); // the JVM's first load, not counted
        sc.sc().addSparkListener(counter);
        try {
            LoadedData loaded = loader.loadForTraining(options, ReadContext.fresh(true));
            sc.sc().listenerBus().waitUntilEmpty();
            assertEquals(1442, loaded.trainSequences());
            assertEquals(309, loaded.validationSequences());
            loaded.unpersist();
            assertEquals(4, jobs.size(), "jobs: " + jobs);
            // a small plain CSV file is read without Spark SQL (SmallCsvTable): no query planned or run
            assertEquals(List.of(), queries);
        } finally {
            sc.sc().removeSparkListener(counter);
        }
    }
}
