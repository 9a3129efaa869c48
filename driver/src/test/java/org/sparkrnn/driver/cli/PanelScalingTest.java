package org.sparkrnn.driver.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.driver.Printed;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkrnn.driver.cli.LongTableCommandTest.number;

/**
 * Two real panels whose series lie far apart in level (data/README.md): scaling each window by its own spread
 * ({@code --normalize window}) or each series by its own scale ({@code --normalize series}) beats one
 * standardisation for the whole panel on a time hold-out, by far; on the employment panel both also beat "next month
 * = this month". The baselines the command line prints are checked
 * against the same forecasts computed here from the file, for one step and for horizons 1..12. Accuracy, not
 * arithmetic: it runs once, not again on Java 25.
 */
@Tag("no-numerics")
class PanelScalingTest {

    @TempDir
    Path tmp;

    private static final Path UNEMPLOYMENT = Path.of("../data/unemployment-by-industry.csv");
    private static final Path EMPLOYMENT = Path.of("../data/us-employment-by-sector.csv");

    private String train(Path data, String key, String value, String from, String normalize, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--format", "csv",
                "--id-column", key, "--time-column", "month", "--target-column", value, "--window", "24",
                "--validate-from", from, "--normalize", normalize, "--hidden", "16", "--iterations", "120",
                "--batch-size", "64", "--lr", "0.01", "--seed", "7", "--log-every", "1000", "--master", "local[2]",
                "--model-dir", tmp.resolve(normalize + "-" + value + more.length).toString()));
        args.addAll(List.of(more));
        Printed.Output<Integer> run = Printed.commandLine(false, args.toArray(String[]::new));
        assertEquals(0, run.value(), String.join(" ", args) + "\n" + run.text());
        return run.text();
    }

    @Test
    void scalingEachWindowBeatsOneStandardisationOnBothPanels() throws Exception {
        String standard = train(EMPLOYMENT, "sector", "employed", "2013-01-01", "standard", "--baseline", "last");
        String window = train(EMPLOYMENT, "sector", "employed", "2013-01-01", "window", "--baseline", "last");
        double naive = lastValueRmse(EMPLOYMENT, "2013-01-01", 1);
        assertEquals(naive, number(window, "baseline last value \\(next = now\\): loss \\S+ rmse ([0-9.]+)"),
                naive * 1e-5, window);
        double ours = number(window, "validation, kept model: loss \\S+ rmse ([0-9.]+)");
        double theirs = number(standard, "validation, kept model: loss \\S+ rmse ([0-9.]+)");
        assertTrue(ours * 10 < theirs, "window " + ours + " vs standard " + theirs);
        assertTrue(ours < naive, "window " + ours + " vs next = now " + naive);

        String standardU = train(UNEMPLOYMENT, "industry", "unemployed", "2008-01-01", "standard", "--baseline",
                "last");
        String windowU = train(UNEMPLOYMENT, "industry", "unemployed", "2008-01-01", "window", "--baseline", "last");
        double u = number(windowU, "validation, kept model: loss \\S+ rmse ([0-9.]+)");
        double s = number(standardU, "validation, kept model: loss \\S+ rmse ([0-9.]+)");
        assertTrue(u * 1.3 < s, "window " + u + " vs standard " + s);
        assertEquals(lastValueRmse(UNEMPLOYMENT, "2008-01-01", 1),
                number(windowU, "baseline last value \\(next = now\\): loss \\S+ rmse ([0-9.]+)"), 1e-3, windowU);
        // horizons 1..12: the baseline forecasts each of the 12 months of every window from its last value
        Path perSeries = tmp.resolve("per-series.csv");
        String manySteps = train(UNEMPLOYMENT, "industry", "unemployed", "2008-01-01", "window", "--horizon", "1..12",
                "--baseline", "last", "--per-series", perSeries.toString());
        assertEquals(lastValueRmse(UNEMPLOYMENT, "2008-01-01", 12),
                number(manySteps, "baseline last value \\(next = now\\): loss \\S+ rmse ([0-9.]+)"), 1e-3,
                manySteps);
        // and at each step: the line "..., by step (1..12): rmse r1 ... r12; mae ..."
        Matcher steps = Pattern.compile("baseline last value \\(next = now\\), by step \\(1\\.\\.12\\): rmse"
                + " ([^;]+);").matcher(manySteps);
        assertTrue(steps.find(), manySteps);
        String[] printed = steps.group(1).trim().split(" ");
        assertEquals(12, printed.length, steps.group(1));
        for (int h = 1; h <= 12; h++) {
            double expected = lastValueRmseAt(UNEMPLOYMENT, "2008-01-01", 12, h);
            assertEquals(expected, Double.parseDouble(printed[h - 1]), expected * 1e-3, "step " + h);
        }
        assertTrue(manySteps.contains("validation, kept model, by step (1..12): rmse "), manySteps);
        // per series, at each step too: the series' errors at step h add up to the step's line
        List<String> csv = Files.readAllLines(perSeries);
        List<String> header = List.of(csv.get(0).split(","));
        assertEquals(List.of("rmse_h1", "rmse_h2"), header.subList(7, 9), csv.get(0));
        assertEquals("baseline_rmse_h1", header.get(7 + 24));
        double[] squared = new double[12];
        double windows = 0;
        for (String line : csv.subList(1, csv.size())) {
            String[] f = line.split(",");
            if (f[0].equals("validation")) {
                windows += Double.parseDouble(f[2]);
                for (int h = 0; h < 12; h++) {
                    squared[h] += Double.parseDouble(f[2]) * Math.pow(Double.parseDouble(f[7 + 24 + h]), 2);
                }
            }
        }
        for (int h = 1; h <= 12; h++) {
            assertEquals(Double.parseDouble(printed[h - 1]), Math.sqrt(squared[h - 1] / windows),
                    Double.parseDouble(printed[h - 1]) * 1e-3, "the baseline at step " + h);
        }
    }

    /**
     * Each series divided by its own training scale ({@code --normalize series}) beats one standardisation on the
     * panel whose levels lie 260x apart, by far; measured from each window's last value as well, it beats "next month
     * = this month" and the seasonal naive forecast there.
     */
    @Test
    void scalingEachSeriesBeatsOneStandardisationAndWithChangesTheNaiveForecasts() throws Exception {
        String standard = train(EMPLOYMENT, "sector", "employed", "2013-01-01", "standard", "--baseline", "last");
        String series = train(EMPLOYMENT, "sector", "employed", "2013-01-01", "series", "--baseline", "last");
        double theirs = number(standard, "validation, kept model: loss \\S+ rmse ([0-9.]+)");
        double ours = number(series, "validation, kept model: loss \\S+ rmse ([0-9.]+)");
        assertTrue(ours * 5 < theirs, "series " + ours + " vs standard " + theirs);
        String changes = train(EMPLOYMENT, "sector", "employed", "2013-01-01", "series", "--relative-to-last",
                "--calendar", "month-of-year", "--baseline", "lag:12");
        double model = number(changes, "validation, kept model: loss \\S+ rmse ([0-9.]+)");
        assertTrue(model < lastValueRmse(EMPLOYMENT, "2013-01-01", 1), "series, relative to last: " + model);
        assertTrue(model < number(changes, "baseline value 12 steps back[^:]*: loss \\S+ rmse ([0-9.]+)"), changes);
    }

    /**
     * "Next = now" over the hold-out's windows, computed from the file: every 24-step window of a series whose
     * first predicted month is at or after {@code from} and whose {@code horizon} next months are all there,
     * forecast by its last value at each of them.
     */
    static double lastValueRmse(Path file, String from, int horizon) throws Exception {
        return lastValueRmseAt(file, from, horizon, 0);
    }

    /** As {@link #lastValueRmse}, at step {@code step} only (0: every step of the horizon). */
    static double lastValueRmseAt(Path file, String from, int horizon, int step) throws Exception {
        Map<String, TreeMap<String, Double>> series = new TreeMap<>();
        List<String> lines = Files.readAllLines(file);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            series.computeIfAbsent(f[0], k -> new TreeMap<>()).put(f[1], Double.parseDouble(f[2]));
        }
        double squared = 0;
        long n = 0;
        for (TreeMap<String, Double> s : series.values()) {
            List<String> months = new ArrayList<>(s.keySet());
            List<Double> y = new ArrayList<>(s.values());
            for (int last = 23; last + horizon < y.size(); last++) {
                if (months.get(last + 1).compareTo(from) < 0) {
                    continue;
                }
                for (int h = 1; h <= horizon; h++) {
                    if (step != 0 && h != step) {
                        continue;
                    }
                    double e = y.get(last) - y.get(last + h);
                    squared += e * e;
                    n++;
                }
            }
        }
        return Math.sqrt(squared / n);
    }
}
