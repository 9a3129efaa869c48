package org.sparkrnn.driver.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.driver.Printed;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line on a long table made from real data: the bundled weekly CO2 record (Mauna Loa, 1958-2001, with
 * its 59 missing weeks) as one series per year, with the reading and a seasonal covariate (the sine of the week of
 * the year) as each step's inputs. Windows are cut per year, on the executors, relative to their last reading; the
 * last seven years are held out by time; the model beats the per-series naive forecast ("next week = this week"), and evaluate reads the run's table
 * settings back from its model directory.
 */
class LongTableCommandTest {

    @TempDir
    Path tmp;

    private static String run(String... args) {
        Printed.Output<Integer> run = Printed.commandLine(false, args);
        assertEquals(0, run.value(), String.join(" ", args));
        return run.text();
    }

    /** data/co2.csv as year, date, co2, season: one series per year. */
    private Path co2ByYear() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("../data/co2.csv"));
        List<String> table = new ArrayList<>(List.of("year,date,co2,season"));
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split(",", -1);
            String date = fields[0];
            int dayOfYear = java.time.LocalDate.parse(date, java.time.format.DateTimeFormatter.BASIC_ISO_DATE)
                    .getDayOfYear();
            table.add(date.substring(0, 4) + "," + date + "," + fields[1] + ","
                    + Math.sin(2 * Math.PI * dayOfYear / 365.25));
        }
        return Files.write(tmp.resolve("co2-by-year.csv"), table);
    }

    /** The first group of {@code pattern}'s first match in {@code text}, as a number (the test fails without one). */
    static double number(String text, String pattern) {
        Matcher m = Pattern.compile(pattern).matcher(text);
        assertTrue(m.find(), pattern + " in\n" + text);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void trainsOnSeriesPerYearAndBeatsTheNaiveForecast() throws Exception {
        Path data = co2ByYear();
        Path model = tmp.resolve("model");
        String training = run("train", "--data", data.toString(), "--format", "csv", "--id-column", "year",
                "--time-column", "date", "--feature-columns", "co2,season", "--target-column", "co2", "--window", "8",
                "--validate-from", "19950101", "--relative-to-last", "--normalize", "standard", "--hidden", "16", "--iterations", "300",
                "--batch-size", "64", "--lr", "0.01", "--precision", "float64", "--baseline", "last",
                "--log-every", "100", "--master", "local[2]", "--model-dir", model.toString(), "--per-series",
                tmp.resolve("per-series.csv").toString());
        double rmse = number(training, "=> rmse ([0-9.]+) vs baseline");
        double naive = number(training, "vs baseline ([0-9.]+)");
        assertTrue(rmse < naive, training);
        // per series: each held-out year's windows scored once; together they are the overall metrics
        assertTrue(training.contains("per series, validation (7 series, worst rmse first, against the baseline"),
                training);
        List<String> perSeries = Files.readAllLines(tmp.resolve("per-series.csv"));
        assertEquals("side,series,windows,rmse,mae,baseline_rmse,baseline_mae", perSeries.get(0));
        assertEquals(7, perSeries.size() - 1, "1995 to 2001");
        double windows = 0;
        double squared = 0;
        double baselineSquared = 0;
        for (String line : perSeries.subList(1, perSeries.size())) {
            String[] f = line.split(",");
            assertTrue(f[0].equals("validation") && f[1].matches("199[5-9]|200[01]"), line);
            windows += Double.parseDouble(f[2]);
            squared += Double.parseDouble(f[2]) * Math.pow(Double.parseDouble(f[3]), 2);
            baselineSquared += Double.parseDouble(f[2]) * Math.pow(Double.parseDouble(f[5]), 2);
        }
        assertEquals(number(training, "training sequences \\([^)]*\\), (\\d+) validation"), windows, training);
        assertEquals(rmse, Math.sqrt(squared / windows), 1e-4, "the printed overall rmse has 4 digits");
        assertEquals(naive, Math.sqrt(baselineSquared / windows), 1e-4);
        assertTrue(training.contains("=> per series: the model is better than the baseline on"), training);
        String settings = Files.readString(model.resolve("config.properties"));
        assertTrue(settings.contains("id-column = year") && settings.contains("feature-columns = co2,season")
                && settings.contains("target-column = co2"), settings);

        String evaluated = run("evaluate", "--model-dir", model.toString(), "--master", "local[2]", "--baseline",
                "last", "--per-series");
        double validation = number(evaluated, "validation \\([^)]*\\): loss [0-9.]+ rmse ([0-9.]+)");
        assertEquals(rmse, validation, 0.005 + 1e-3 * rmse, evaluated);
        assertEquals(naive, number(evaluated, "=> validation, rmse [0-9.]+ vs baseline ([0-9.]+)"), 1e-9, evaluated);
        assertTrue(evaluated.contains("per series, training (36 series") // the years before 1995 with a window
                && evaluated.contains("per series, validation (7 series"), evaluated);

        // predictions keyed by series and time, the forecast past each year's last week included
        Path out = tmp.resolve("predictions");
        run("predict", "--model-dir", model.toString(), "--output", out.toString(), "--master", "local[2]");
        List<String> lines = new ArrayList<>();
        try (var files = Files.list(out)) {
            for (Path part : files.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList()) {
                lines.addAll(Files.readAllLines(part));
            }
        }
        assertTrue(lines.size() > 1442 + 309, lines.size() + " windows: every whole window, with or without target");
        assertTrue(lines.stream().allMatch(l -> l.matches("\\{\"year\":\"\\d{4}\",\"time\":\"\\d{8}\","
                + "\"prediction\":[0-9.]+}")), lines.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"time\":\"20011229\"")),
                "the forecast from the data's last week (2001-12-29)");
    }

    /**
     * {@code --horizon 1..6}: one prediction per window holds the next six weeks, in order; scored here against the
     * weeks that followed (where all six were measured), the error grows with the step (printed).
     */
    @Test
    void sixWeeksAheadInOrderWithErrorsGrowingByStep() throws Exception {
        Path data = co2ByYear();
        Path model = tmp.resolve("six");
        run("train", "--data", data.toString(), "--format", "csv", "--id-column", "year", "--time-column", "date",
                "--target-column", "co2", "--window", "8", "--horizon", "1..6", "--relative-to-last", "--normalize",
                "standard", "--hidden", "16", "--iterations", "300", "--batch-size", "64", "--lr", "0.01",
                "--precision", "float64", "--log-every", "1000", "--master", "local[2]", "--model-dir",
                model.toString());
        Path out = tmp.resolve("six-predictions");
        run("predict", "--model-dir", model.toString(), "--output", out.toString(), "--master", "local[2]");
        // the series as measured: year -> date -> co2
        java.util.Map<String, java.util.TreeMap<String, Double>> measured = new java.util.HashMap<>();
        for (String line : Files.readAllLines(data).subList(1, 2285)) {
            String[] f = line.split(",", -1);
            measured.computeIfAbsent(f[0], k -> new java.util.TreeMap<>()).put(f[1],
                    f[2].isEmpty() ? null : Double.parseDouble(f[2]));
        }
        double[] squared = new double[6];
        int scored = 0;
        int rows = 0;
        Pattern row = Pattern.compile("\\{\"year\":\"(\\d{4})\",\"time\":\"(\\d{8})\",\"prediction\":\\[([^]]*)]}");
        try (var files = Files.list(out)) {
            for (Path part : files.filter(f -> f.getFileName().toString().startsWith("part-")).toList()) {
                for (String line : Files.readAllLines(part)) {
                    Matcher m = row.matcher(line);
                    assertTrue(m.matches(), line);
                    rows++;
                    String[] values = m.group(3).split(",");
                    assertEquals(6, values.length, "six steps ahead: " + line);
                    List<Double> next = new ArrayList<>(measured.get(m.group(1)).tailMap(m.group(2), false)
                            .values());
                    if (next.size() < 6 || next.subList(0, 6).contains(null)) {
                        continue;
                    }
                    for (int h = 0; h < 6; h++) {
                        squared[h] += Math.pow(Double.parseDouble(values[h]) - next.get(h), 2);
                    }
                    scored++;
                }
            }
        }
        double[] rmse = new double[6];
        for (int h = 0; h < 6; h++) {
            rmse[h] = Math.sqrt(squared[h] / scored);
        }
        System.out.printf("horizon 1..6 on co2-by-year: %d windows predicted, %d scored; rmse by step %s%n", rows,
                scored, java.util.Arrays.toString(rmse));
        assertTrue(scored > 1000, "scored " + scored);
        assertTrue(rmse[5] > rmse[0] && rmse[2] > rmse[0], java.util.Arrays.toString(rmse));
    }
}
