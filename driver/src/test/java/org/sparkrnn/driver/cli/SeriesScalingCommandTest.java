package org.sparkrnn.driver.cli;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.data.SeriesScaling;
import org.sparkrnn.driver.Printed;
import org.sparkrnn.driver.model.FileStore;
import org.sparkrnn.driver.model.ModelDirectory;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkrnn.driver.cli.LongTableCommandTest.number;

/**
 * {@code --normalize series} on a real panel (data/unemployment-by-industry.csv, 14 series): each series' scale is
 * the mean absolute value of its rows before the hold-out, kept in the model, the same whatever the partitioning;
 * evaluate and the per-series report score the held-out windows as training did; a series the model
 * never saw is scaled by each window's own values and counted; and what cannot be scaled per series is refused in one
 * line.
 */
class SeriesScalingCommandTest {

    @TempDir
    Path tmp;

    private static final Path PANEL = Path.of("../data/unemployment-by-industry.csv");

    private static Printed.Output<Integer> cli(String... args) {
        return Printed.commandLine(true, args);
    }

    private static String run(String... args) {
        Printed.Output<Integer> run = cli(args);
        assertEquals(0, run.value(), String.join(" ", args) + "\n" + run.text());
        return run.text();
    }

    private String train(Path model, String partitions) {
        return run("train", "--data", PANEL.toString(), "--format", "csv", "--id-column", "industry",
                "--time-column", "month", "--target-column", "unemployed", "--window", "12", "--validate-from",
                "2008-01-01", "--normalize", "series", "--hidden", "8", "--iterations", "30", "--batch-size", "64",
                "--lr", "0.01", "--precision", "float64", "--seed", "3", "--baseline", "last", "--log-every", "1000",
                "--partitions", partitions, "--master", "local[2]", "--model-dir", model.toString());
    }

    /** industry → the mean absolute value of its rows before 2008, exact then rounded once. */
    private static Map<String, Double> meanAbsBefore2008() throws Exception {
        Map<String, BigDecimal> sums = new TreeMap<>();
        Map<String, Integer> counts = new TreeMap<>();
        List<String> lines = Files.readAllLines(PANEL);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            if (f[1].compareTo("2008-01-01") < 0) {
                sums.merge(f[0], new BigDecimal(Math.abs(Double.parseDouble(f[2]))), BigDecimal::add);
                counts.merge(f[0], 1, Integer::sum);
            }
        }
        Map<String, Double> means = new TreeMap<>();
        sums.forEach((k, s) -> means.put(k, s.divide(BigDecimal.valueOf(counts.get(k)), MathContext.DECIMAL128)
                .doubleValue()));
        return means;
    }

    @Test
    void eachSeriesIsScaledByItsTrainingRowsTheSameOnAnyPartitioning() throws Exception {
        Path one = tmp.resolve("one");
        Path three = tmp.resolve("three");
        String training = train(one, "1");
        String onThree = train(three, "3");
        assertTrue(Files.readString(one.resolve("config.properties")).contains("normalize = series"));
        assertTrue(!training.contains("warning"), training);

        SeriesScaling scaling = new ModelDirectory(new FileStore(new Configuration()), one.toString()).readModel()
                .seriesScaling();
        assertEquals(scaling, new ModelDirectory(new FileStore(new Configuration()), three.toString()).readModel()
                .seriesScaling(), "1 or 3 partitions: the same scales");
        assertEquals(number(training, "validation, kept model: loss \\S+ rmse ([0-9.]+)"),
                number(onThree, "validation, kept model: loss \\S+ rmse ([0-9.]+)"), 0, onThree);
        assertEquals("industry", scaling.keyColumn());
        Map<String, Double> expected = meanAbsBefore2008();
        assertEquals(14, scaling.size());
        for (int k = 0; k < scaling.size(); k++) {
            assertEquals(expected.get(scaling.key(k)), scaling.scale(k), 0, scaling.key(k));
        }

        // evaluate scores the held-out windows as training did, per series too
        double rmse = number(training, "validation, kept model: loss \\S+ rmse ([0-9.]+)");
        String evaluated = run("evaluate", "--model-dir", one.toString(), "--master", "local[2]", "--baseline", "last",
                "--per-series", tmp.resolve("per-series.csv").toString());
        assertEquals(rmse, number(evaluated, "validation \\([^)]*\\): loss [0-9.]+ rmse ([0-9.]+)"), 0, evaluated);
        List<String> perSeries = Files.readAllLines(tmp.resolve("per-series.csv"));
        double windows = 0;
        double squared = 0;
        for (String line : perSeries.subList(1, perSeries.size())) {
            String[] f = line.split(",");
            if (f[0].equals("validation")) {
                windows += Double.parseDouble(f[2]);
                squared += Double.parseDouble(f[2]) * Math.pow(Double.parseDouble(f[3]), 2);
            }
        }
        assertEquals(14 * 26, windows, "26 windows a series predict 2008-01 .. 2010-02");
        assertEquals(rmse, Math.sqrt(squared / windows), 1e-4 * rmse, "the per-series errors, in each series' units");

        // a series the model never saw: scaled by each window's own values, and said
        List<String> renamed = new ArrayList<>();
        for (String line : Files.readAllLines(PANEL)) {
            renamed.add(line.startsWith("Mining and Extraction,") ? line.replace("Mining and Extraction", "Mining")
                    : line);
        }
        Path other = Files.write(tmp.resolve("renamed.csv"), renamed);
        String unseen = run("evaluate", "--model-dir", one.toString(), "--data", other.toString(), "--master",
                "local[2]");
        assertTrue(unseen.contains("warning: " + other + ": 1 of 14 series have no scale in the model (no training"
                + " row): their windows are scaled each by its own values"), unseen);
        assertNotEquals(rmse, number(unseen, "validation \\([^)]*\\): loss [0-9.]+ rmse ([0-9.]+)"), unseen);
    }

    @Test
    void whatCannotBeScaledPerSeriesIsRefusedInOneLine() throws Exception {
        Path csv = Files.write(tmp.resolve("two.csv"), List.of("id,t,a,b", "x,1,1,2", "x,2,2,3"));
        Printed.Output<Integer> noTable = cli("train", "--data", csv.toString(), "--format", "csv", "--column", "a",
                "--normalize", "series", "--model-dir", tmp.resolve("m1").toString());
        assertEquals(2, noTable.value(), noTable.text());
        assertEquals("error: --normalize series scales each series of a long table by its own statistics: give"
                + " --target-column (and --id-column for many series)", noTable.text().strip());
        Printed.Output<Integer> otherTarget = cli("train", "--data", csv.toString(), "--format", "csv",
                "--id-column", "id", "--time-column", "t", "--feature-columns", "a,b", "--target-column", "b",
                "--normalize", "series", "--model-dir", tmp.resolve("m2").toString());
        assertEquals(2, otherTarget.value(), otherTarget.text());
        assertEquals("error: --normalize series scales each series by what it predicts: give one --target-column,"
                + " also first of --feature-columns", otherTarget.text().strip());
    }
}
