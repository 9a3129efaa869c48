package org.sparkrnn.driver.predict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.driver.Printed;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.model.FileStore;
import org.sparkrnn.driver.model.ModelDirectory;
import org.sparkrnn.driver.model.SavedModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Probabilistic forecasts through the command line, on the bundled unemployment panel (14 series, monthly): a
 * quantile model's forecasts at its levels (never crossing, the point forecast its median) and a stream's equal to
 * predict's; a Gaussian model's at any levels; evaluate's forecasting metrics; a backtest at one cutoff equal to
 * evaluate with that hold-out; refits at three cutoffs equal to three train runs, bit for bit; a negative binomial's
 * quantiles counts; the charts render; and each bad input one line, nothing written.
 */
class ProbabilisticForecastTest {

    private static final String DATA = "../data/unemployment-by-industry.csv";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static String[] train(Path dir, String loss, String horizon, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--data", DATA, "--format", "csv", "--id-column",
                "industry", "--time-column", "month", "--target-column", "unemployed", "--window", "12",
                "--horizon", horizon, "--validate-from", "2009-01-01", "--normalize", "series", "--hidden", "8",
                "--iterations", "30", "--batch-size", "64", "--lr", "0.01", "--seed", "5", "--precision", "float64",
                "--loss", loss, "--log-every", "1000", "--master", "local[2]", "--model-dir", dir.toString()));
        args.addAll(List.of(more));
        return args.toArray(new String[0]);
    }

    private static Printed.Output<Integer> run(String... args) {
        Printed.Output<Integer> out = Printed.commandLine(true, args);
        SharedSpark.stop();
        return out;
    }

    private static void ok(String... args) {
        Printed.Output<Integer> out = run(args);
        assertEquals(0, out.value(), String.join(" ", args) + "\n" + out.text());
    }

    /** Each line of the JSON Lines files under {@code dir}, keyed by series and time. */
    private static Map<String, JsonNode> forecasts(Path dir) throws Exception {
        Map<String, JsonNode> rows = new HashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("part-")).toList()) {
                for (String line : Files.readAllLines(file)) {
                    JsonNode row = JSON.readTree(line);
                    rows.put(row.get("industry").asText() + " " + row.get("time").asText(), row);
                }
            }
        }
        return rows;
    }

    private static double[] values(JsonNode node) {
        if (!node.isArray()) {
            return new double[] {node.asDouble()};
        }
        double[] out = new double[node.size()];
        for (int j = 0; j < out.length; j++) {
            out[j] = node.get(j).asDouble();
        }
        return out;
    }

    @Test
    void aQuantileModelForecastsItsLevelsInPredictAndInAStream() throws Exception {
        Path model = tmp.resolve("quantile");
        ok(train(model, "quantile:0.1,0.5,0.9", "1..3"));
        Path out = tmp.resolve("predicted");
        ok("predict", "--model-dir", model.toString(), "--output", out.toString(), "--master", "local[2]");
        Map<String, JsonNode> batch = forecasts(out);
        assertTrue(batch.size() > 1000, "every window of every series: " + batch.size());
        for (JsonNode row : batch.values()) {
            double[] low = values(row.get("p10"));
            double[] mid = values(row.get("p50"));
            double[] high = values(row.get("p90"));
            assertEquals(3, mid.length, "a value per step of the horizon");
            assertArrayEquals(mid, values(row.get("prediction")), 0.0, "the point forecast is the median");
            for (int s = 0; s < 3; s++) {
                assertTrue(low[s] <= mid[s] && mid[s] <= high[s], "quantiles never cross: " + row);
            }
        }
        // a level the model was not trained on: one line, before Spark starts
        Printed.Output<Integer> refused = run("predict", "--model-dir", model.toString(), "--output",
                tmp.resolve("never").toString(), "--quantiles", "0.25");
        assertEquals(2, refused.value());
        assertEquals("error: --quantiles 0.25: a quantile model gives the levels it was trained on (0.1,0.5,0.9)",
                refused.text().strip());
        assertFalse(Files.exists(tmp.resolve("never")));

        // the stream over the same table gives the same quantiles
        Path in = Files.createDirectories(tmp.resolve("arriving"));
        Files.copy(Path.of(DATA), in.resolve("a.csv"));
        Path streamed = tmp.resolve("streamed");
        ok("stream", "--model-dir", model.toString(), "--source", in.toString(), "--output", streamed.toString(),
                "--checkpoint-location", tmp.resolve("checkpoint").toString(), "--trigger", "available-now",
                "--master", "local[2]");
        Map<String, JsonNode> stream = forecasts(streamed);
        int compared = 0;
        for (Map.Entry<String, JsonNode> e : stream.entrySet()) {
            JsonNode expected = batch.get(e.getKey());
            if (expected == null) {
                continue; // the forecast past each series' end: predict keys it the same, but keep to shared rows
            }
            for (String column : List.of("prediction", "p10", "p50", "p90")) {
                assertArrayEquals(values(expected.get(column)), values(e.getValue().get(column)), 1e-9,
                        e.getKey() + " " + column);
            }
            compared++;
        }
        assertTrue(compared > 1000, "the stream forecast the windows predict did: " + compared);
    }

    @Test
    void aGaussianModelGivesAnyLevelsAndABacktestAtOneCutoffIsEvaluate() throws Exception {
        Path model = tmp.resolve("gaussian");
        ok(train(model, "gaussian", "1"));
        Path out = tmp.resolve("predicted");
        ok("predict", "--model-dir", model.toString(), "--output", out.toString(), "--quantiles", "0.05,0.5,0.95",
                "--master", "local[2]");
        for (JsonNode row : forecasts(out).values()) {
            double mean = row.get("prediction").asDouble();
            assertEquals(mean, row.get("p50").asDouble(), 1e-9 * Math.abs(mean), "a normal's median is its mean");
            assertTrue(row.get("p05").asDouble() < mean && mean < row.get("p95").asDouble(), row.toString());
        }
        // the last cutoff of a backtest: the windows from it to the end, as evaluate holds them out
        Path backtest = tmp.resolve("backtest");
        Printed.Output<Integer> tested = run("backtest", "--model-dir", model.toString(), "--origins", "1",
                "--season", "12", "--output", backtest.toString(), "--plot", "1", "--master", "local[2]");
        assertEquals(0, tested.value(), tested.text());
        Matcher cutoff = Pattern.compile("cutoff (\\S+) \\((\\d+) series").matcher(tested.text());
        assertTrue(cutoff.find(), tested.text());
        Path perSeries = tmp.resolve("per-series.csv");
        Printed.Output<Integer> evaluated = run("evaluate", "--model-dir", model.toString(), "--part", "validation",
                "--validate-from", cutoff.group(1), "--season", "12", "--per-series", perSeries.toString(),
                "--master", "local[2]");
        assertEquals(0, evaluated.value(), evaluated.text());
        // every series' forecasting metrics, beside the per-series report's file: as the backtest's table has them
        List<String> table = Files.readAllLines(tmp.resolve("per-series.forecast.csv"));
        assertEquals(1 + 1 + Integer.parseInt(cutoff.group(2)), table.size(), "a header, the side, each series");
        assertTrue(table.get(0).startsWith("side,series,values,model_wql,model_coverage80,model_coverage50"),
                table.get(0));
        List<String> backtestTable = Files.readAllLines(backtest.resolve("backtest.csv"));
        for (int k = 1; k < table.size(); k++) {
            assertEquals(backtestTable.get(k).substring(backtestTable.get(k).indexOf(',')),
                    table.get(k).substring(table.get(k).indexOf(',')), "the same metrics, to the last digit");
        }
        assertEquals(metrics(evaluated.text(), "forecast \\("), metrics(tested.text(), "cutoff "));
        assertEquals(metrics(evaluated.text(), "baseline value 12 steps back"),
                metrics(tested.text(), "  baseline value 12 steps back"));
        assertTrue(metrics(tested.text(), "cutoff ").contains("coverage80"), tested.text());
        // the charts render as pictures
        List<Path> charts;
        try (Stream<Path> files = Files.list(backtest)) {
            charts = files.filter(f -> f.toString().endsWith(".svg")).toList();
        }
        assertEquals(3, charts.size(), "the metric by cutoff, the worst and the best series: " + charts);
        for (Path chart : charts) {
            assertRenders(chart);
        }
    }

    /** The metrics (from "wql" on) of the first line holding {@code marker}. */
    private static String metrics(String text, String marker) {
        Matcher m = Pattern.compile(marker + ".*?(wql .*?smape [0-9.]+ mase [0-9.]+)").matcher(text);
        assertTrue(m.find(), marker + " in:\n" + text);
        return m.group(1);
    }

    /** {@code rsvg-convert} draws the SVG into a PNG of the chart's size (librsvg: installed by .ci/run). */
    private static void assertRenders(Path svg) throws Exception {
        Path rsvg = Path.of("/usr/bin/rsvg-convert");
        assertTrue(Files.isExecutable(rsvg), "rsvg-convert renders the charts in this test: apt-get install"
                + " librsvg2-bin");
        Path png = svg.resolveSibling(svg.getFileName() + ".png");
        Process p = new ProcessBuilder(rsvg.toString(), svg.toString(), "-o", png.toString()).redirectErrorStream(true)
                .start();
        String said = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, svg + ": " + said);
        byte[] bytes = Files.readAllBytes(png);
        assertTrue(bytes.length > 5000, svg + " drew " + bytes.length + " bytes");
        // PNG's header: width and height of the picture
        int width = java.nio.ByteBuffer.wrap(bytes, 16, 4).getInt();
        int height = java.nio.ByteBuffer.wrap(bytes, 20, 4).getInt();
        assertEquals(900, width, svg.toString());
        assertEquals(480, height, svg.toString());
    }

    @Test
    void refitsAtThreeCutoffsAreThreeTrainRuns() throws Exception {
        Path model = tmp.resolve("run");
        ok(train(model, "quantile:0.1,0.5,0.9", "1", "--iterations", "12"));
        Path backtest = tmp.resolve("backtest");
        Printed.Output<Integer> tested = run("backtest", "--model-dir", model.toString(), "--origins", "3",
                "--step", "4", "--refit", "--output", backtest.toString(), "--master", "local[2]");
        assertEquals(0, tested.value(), tested.text());
        Matcher cutoffs = Pattern.compile("cutoff (\\S+) \\(").matcher(tested.text());
        List<String> found = new ArrayList<>();
        while (cutoffs.find()) {
            found.add(cutoffs.group(1));
        }
        assertEquals(List.of("2009-06-01", "2009-10-01", "2010-02-01"), found, tested.text());
        FileStore files = new FileStore(new org.apache.hadoop.conf.Configuration());
        for (int k = 0; k < 3; k++) {
            Path trained = tmp.resolve("train-" + k);
            ok(train(trained, "quantile:0.1,0.5,0.9", "1", "--iterations", "12", "--validate-from", found.get(k),
                    "--validate-every", "2147483647"));
            SavedModel refit = new ModelDirectory(files, backtest.resolve("refits/cutoff-" + (k + 1)).toString())
                    .readModel();
            SavedModel run = new ModelDirectory(files, trained.toString()).readModel();
            assertEquals(run.spec(), refit.spec());
            assertArrayEquals(run.params(), refit.params(), 1e-12, "cutoff " + found.get(k));
            assertEquals(run.seriesScaling().scale(0), refit.seriesScaling().scale(0), 0.0);
        }
        String csv = Files.readString(backtest.resolve("backtest.csv"));
        assertEquals(1 + 3 * 15, csv.lines().count(), "a header, then per cutoff its line and 14 series'");
    }

    @Test
    void aNegativeBinomialForecastsCountsAndBadInputsGetOneLine() throws Exception {
        Path model = tmp.resolve("counts");
        ok(train(model, "negative-binomial", "1"));
        Path out = tmp.resolve("predicted");
        ok("predict", "--model-dir", model.toString(), "--output", out.toString(), "--master", "local[2]");
        for (JsonNode row : forecasts(out).values()) {
            for (String level : List.of("p10", "p25", "p50", "p75", "p90")) {
                double q = row.get(level).asDouble();
                assertEquals(Math.rint(q), q, 1e-6 * Math.max(1, q), "a count: " + row);
            }
        }
        // a negative count: one line naming the series and the time
        List<String> lines = new ArrayList<>(Files.readAllLines(Path.of(DATA)));
        lines.set(5, lines.get(5).replaceAll(",(\\d+)$", ",-$1"));
        Path negative = Files.write(tmp.resolve("negative.csv"), lines);
        String row = lines.get(5);
        Printed.Output<Integer> refused = run(train(tmp.resolve("never1"), "negative-binomial", "1", "--data",
                negative.toString()));
        assertEquals(2, refused.value(), refused.text());
        String[] f = row.split(",");
        assertTrue(refused.text().strip().endsWith("series " + f[0] + " at time " + f[1] + ": column 'unemployed'"
                + " value " + Double.parseDouble(f[2]) + " is negative; --loss negative-binomial models counts (>= 0)"),
                refused.text());
        assertEquals(1, refused.text().strip().lines().filter(l -> l.startsWith("error")).count(), refused.text());
        for (String[] bad : List.of(
                new String[] {"--loss", "quantile:0.9,0.1", "--loss quantile: quantile levels must be ascending and"
                        + " distinct (0.1 after 0.9)"},
                new String[] {"--loss", "quantile:0.5,1.2", "--loss quantile: quantile level 1.2 is outside (0, 1)"},
                new String[] {"--loss", "quantile", "--loss quantile needs its levels, e.g. quantile:0.1,0.5,0.9"},
                new String[] {"--relative-to-last", "--loss negative-binomial models counts; --relative-to-last moves"
                        + " them off the counts"})) {
            String[] args = bad.length == 3 ? train(tmp.resolve("never2"), bad[1], "1")
                    : train(tmp.resolve("never2"), "negative-binomial", "1", bad[0]);
            Printed.Output<Integer> out2 = run(args);
            assertEquals(2, out2.value(), out2.text());
            assertTrue(out2.text().strip().startsWith("error: " + bad[bad.length - 1]), out2.text());
            assertEquals(1, out2.text().strip().lines().count(), out2.text());
            assertFalse(Files.exists(tmp.resolve("never2")));
        }
        Printed.Output<Integer> level = run("predict", "--model-dir", model.toString(), "--output",
                tmp.resolve("never3").toString(), "--quantiles", "0.5,1.2");
        assertEquals("error: --quantiles: quantile level 1.2 is outside (0, 1)", level.text().strip());
    }
}
