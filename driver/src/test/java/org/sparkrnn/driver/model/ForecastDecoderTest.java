package org.sparkrnn.driver.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkrnn.driver.Printed;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.cli.Main;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The forecast decoder through the command line, on four series of the bundled employment panel with a covariate
 * known in advance (the month's weekdays), a static (goods-producing or not) and the month as a calendar input:
 * train, evaluate (the same validation rmse as train's), predict from the table with rows for the future (target
 * empty, the static left empty and filled from the series), keyed by the times they predict; the export loaded by the
 * documented PyTorch recipe gives every window's forecast, the future ones included, to 1e-9 in float64; and the bad
 * inputs get one line each, nothing written.
 */
class ForecastDecoderTest {

    private static final List<String> SERIES = List.of("construction", "manufacturing", "information", "utilities");
    private static final int FUTURE = 3;

    @TempDir
    Path tmp;

    /** The panel's rows for four series, with weekdays and goods; {@code future} empty-target rows after each. */
    private static List<String> panel(int future, boolean staticInFuture) throws Exception {
        List<String> rows = new ArrayList<>(List.of("sector,month,employed,weekdays,goods"));
        Map<String, String> last = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("../data/us-employment-by-sector.csv")).subList(1,
                Files.readAllLines(Path.of("../data/us-employment-by-sector.csv")).size())) {
            String[] f = line.split(",");
            if (SERIES.contains(f[0])) {
                rows.add(line + "," + weekdays(LocalDate.parse(f[1])) + "," + goods(f[0]));
                last.put(f[0], f[1]);
            }
        }
        last.forEach((series, month) -> {
            LocalDate m = LocalDate.parse(month);
            for (int k = 1; k <= future; k++) {
                LocalDate next = m.plusMonths(k);
                rows.add(series + "," + next + ",," + weekdays(next) + "," + (staticInFuture ? goods(series) : ""));
            }
        });
        return rows;
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

    private List<String> trainArgs(Path data, Path model, boolean seriesScaled) {
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--format", "csv",
                "--id-column", "sector", "--time-column", "month", "--target-column", "employed", "--known-columns",
                "weekdays", "--static-columns", "goods", "--calendar", "month-of-year", "--decoder-hidden", "4",
                "--window", "12", "--horizon", "1.." + FUTURE, "--validate-from", "2014-01-01", "--hidden", "5",
                "--iterations", "12", "--batch-size", "all", "--precision", "float64", "--lr", "0.02", "--master",
                "local[2]", "--log-every", "100", "--baseline", "last", "--model-dir", model.toString()));
        if (seriesScaled) {
            args.addAll(List.of("--normalize", "series", "--relative-to-last"));
        } else {
            args.addAll(List.of("--normalize", "standard"));
        }
        return args;
    }

    @ParameterizedTest(name = "series scaling: {0}")
    @ValueSource(booleans = {false, true})
    void trainEvaluatePredictAndTorchAgree(boolean seriesScaled) throws Exception {
        Path history = Files.write(tmp.resolve("history.csv"), panel(0, true));
        Path withFuture = Files.write(tmp.resolve("future.csv"), panel(FUTURE, false));
        Path model = tmp.resolve("model");
        Printed.Output<Integer> trained = Printed.commandLine(false, trainArgs(history, model, seriesScaled)
                .toArray(String[]::new));
        SharedSpark.stop();
        assertEquals(0, trained.value(), trained.text());
        Printed.Output<Integer> evaluated = Printed.commandLine(false, "evaluate", "--model-dir", model.toString(),
                "--part", "validation", "--precision", "float64", "--master", "local[2]");
        SharedSpark.stop();
        assertEquals(0, evaluated.value(), evaluated.text());
        assertEquals(rmse(trained.text(), "validation, kept model: loss [^ ]+ rmse ([^ ]+)"),
                rmse(evaluated.text(), "float64\\): loss [^ ]+ rmse ([^ ]+)"),
                trained.text() + evaluated.text());

        // predict: the table's windows, the last of each series forecasting the three future rows
        Path predictions = tmp.resolve("predictions");
        run("predict", "--model-dir", model.toString(), "--data", withFuture.toString(), "--output",
                predictions.toString(), "--precision", "float64", "--master", "local[2]");
        Map<String, double[]> ours = new TreeMap<>();
        Map<String, List<String>> forecastTimes = new TreeMap<>();
        for (JsonNode row : rows(predictions)) {
            String key = row.get("sector").asText() + "@" + row.get("time").asText();
            double[] y = new double[FUTURE];
            for (int s = 0; s < FUTURE; s++) {
                y[s] = row.get("prediction").get(s).asDouble();
            }
            ours.put(key, y);
            List<String> times = new ArrayList<>();
            row.get("forecast_time").forEach(t -> times.add(t.asText()));
            forecastTimes.put(key, times);
            assertFalse(row.has("future"), "the future rows are inputs, not output: " + row);
        }
        assertEquals(List.of("2016-01-01", "2016-02-01", "2016-03-01"), forecastTimes.get("utilities@2015-12-01"));
        // interpolation fills gaps in the past, never the future rows: the same windows, the same forecasts
        Path interpolated = tmp.resolve("interpolated");
        run("predict", "--model-dir", model.toString(), "--data", withFuture.toString(), "--output",
                interpolated.toString(), "--missing", "interpolate", "--precision", "float64", "--master",
                "local[2]");
        Map<String, Double> firstSteps = new TreeMap<>();
        for (JsonNode row : rows(interpolated)) {
            firstSteps.put(row.get("sector").asText() + "@" + row.get("time").asText(),
                    row.get("prediction").get(0).asDouble());
        }
        assertEquals(ours.keySet(), firstSteps.keySet());
        ours.forEach((key, y) -> assertEquals(y[0], firstSteps.get(key), 0.0, key));
        if (seriesScaled) {
            assertTrue(ours.get("utilities@2015-12-01")[0] > 400 && ours.get("utilities@2015-12-01")[0] < 700,
                    "in the series' units (about 550): " + ours.get("utilities@2015-12-01")[0]);
        }

        Assumptions.assumeTrue(TorchRecipe.available(), "no torch for /usr/bin/python3");
        Path export = tmp.resolve("m.safetensors");
        run("export", "--model-dir", model.toString(), "--output", export.toString(), "--precision", "float64");
        // every window of the table, as the recipe takes it: its rows, and the rows of the steps it predicts
        List<String> rows = panel(FUTURE, true).subList(1, panel(FUTURE, true).size());
        List<String> names = new ArrayList<>();
        List<String> windows = new ArrayList<>();
        for (String series : SERIES) {
            List<String[]> of = rows.stream().map(r -> r.split(",", -1)).filter(f -> f[0].equals(series)).toList();
            int real = (int) of.stream().filter(f -> !f[2].isEmpty()).count();
            for (int end = 11; end < real; end++) {
                StringBuilder steps = new StringBuilder("[");
                for (int t = end - 11; t <= end; t++) {
                    steps.append(t == end - 11 ? "" : ", ").append(inputs(of.get(t), true));
                }
                StringBuilder future = new StringBuilder("[");
                for (int s = 1; s <= FUTURE; s++) {
                    future.append(s == 1 ? "" : ", ").append(inputs(of.get(end + s), false));
                }
                windows.add("{\"key\": \"" + series + "\", \"features\": " + steps + "], \"future\": " + future
                        + "]}");
                names.add(series + "@" + of.get(end)[1]);
            }
        }
        Path sequences = Files.write(tmp.resolve("windows.jsonl"), windows);
        List<double[]> torch = TorchRecipe.outputs(export, sequences, 1, 5);
        assertEquals(windows.size(), torch.size());
        assertEquals(windows.size(), ours.size(), "one forecast per window: " + ours.keySet());
        for (int i = 0; i < names.size(); i++) {
            double[] mine = ours.get(names.get(i));
            assertTrue(mine != null, names.get(i) + " predicted: " + ours.keySet());
            for (int s = 0; s < FUTURE; s++) {
                double theirs = torch.get(i)[s];
                assertEquals(mine[s], theirs, 1e-9 * Math.max(1, Math.abs(theirs)), names.get(i) + " step " + s);
            }
        }
    }

    /** A row's inputs: employed, weekdays, goods, then month-of-year's sine and cosine (0 for the unknown target). */
    private static String inputs(String[] row, boolean target) {
        int month = LocalDate.parse(row[1]).getMonthValue();
        double phase = (month - 1) * 2 * Math.PI / 12;
        return "[" + (target ? row[2] : "0") + ", " + row[3] + ", " + row[4] + ", " + Math.sin(phase) + ", "
                + Math.cos(phase) + "]";
    }

    @Test
    void badInputGetsOneLineAndWritesNothing() throws Exception {
        // a static that changes within a series
        List<String> changing = new ArrayList<>(panel(0, true));
        changing.replaceAll(r -> r.startsWith("utilities,2010-06-01") ? r.substring(0, r.length() - 1) + "1" : r);
        Path bad = Files.write(tmp.resolve("changing.csv"), changing);
        Path model = tmp.resolve("bad-model");
        Printed.Output<Integer> refused = Printed.commandLine(true, trainArgs(bad, model, false)
                .toArray(String[]::new));
        SharedSpark.stop();
        assertTrue(refused.value() != 0, refused.text());
        assertTrue(refused.text().contains("series utilities: static column 'goods' changes within the series: 0 at"
                + " 2006-01-01, 1 at 2010-06-01"), refused.text());
        assertFalse(Files.exists(model.resolve("model.safetensors")));

        // known columns need the decoder
        List<String> noDecoder = new ArrayList<>(trainArgs(Files.write(tmp.resolve("h.csv"), panel(0, true)), model,
                false));
        int at = noDecoder.indexOf("--decoder-hidden");
        noDecoder.remove(at);
        noDecoder.remove(at);
        Printed.Output<Integer> needs = Printed.commandLine(true, noDecoder.toArray(String[]::new));
        SharedSpark.stop();
        assertTrue(needs.value() != 0, needs.text());
        assertTrue(needs.text().contains("--known-columns are read at each step a window predicts, by the forecast"
                + " decoder: give --decoder-hidden"), needs.text());

        // a decoder model forecasting a table that ends at its series' last values
        Path good = tmp.resolve("good");
        Printed.Output<Integer> trained = Printed.commandLine(false, trainArgs(tmp.resolve("h.csv"), good, false)
                .toArray(String[]::new));
        SharedSpark.stop();
        assertEquals(0, trained.value(), trained.text());
        Path out = tmp.resolve("out");
        Printed.Output<Integer> noFuture = Printed.commandLine(true, "predict", "--model-dir", good.toString(),
                "--data", tmp.resolve("h.csv").toString(), "--output", out.toString(), "--master", "local[2]");
        SharedSpark.stop();
        assertTrue(noFuture.value() != 0, noFuture.text());
        String last = noFuture.text().lines().filter(l -> l.startsWith("error: ")).findFirst().orElse("");
        assertTrue(last.matches("error: .*h\\.csv: series \\w+: the model's decoder reads what is known of the 3"
                + " steps after 2015-1[0-2]-01; the table has [0-2] row\\(s\\) after it, or one lacks a known input"
                + " \\(give a row for each step, with its --known-columns weekdays and the target empty\\)"),
                noFuture.text());
        assertEquals(1, noFuture.text().lines().filter(l -> l.contains("the model's decoder reads")).count(),
                "one line: " + noFuture.text());
        // the failed write leaves nothing behind: the same command runs again (it was refused as "already exists")
        assertFalse(Files.exists(out), out + " left behind");

    }

    /**
     * A decoder that reads only what the time and the series give (the month's calendar inputs, a static) forecasts
     * past the table's end without rows for the future: the steps are made from their times, and the forecasts are
     * the very ones the same table with a row for each future step (its time alone) gives, every window, bit for bit.
     */
    @Test
    void calendarAndStaticDecoderForecastsPastTheEndWithoutFutureRows() throws Exception {
        Path history = Files.write(tmp.resolve("history.csv"), panel(0, true));
        List<String> timesAhead = new ArrayList<>(panel(FUTURE, false));
        timesAhead.replaceAll(r -> {
            String[] f = r.split(",", -1);
            return f[2].isEmpty() ? f[0] + "," + f[1] + ",,," : r;
        });
        Path withTimes = Files.write(tmp.resolve("times-ahead.csv"), timesAhead);
        Path model = tmp.resolve("calendar-model");
        List<String> args = new ArrayList<>(trainArgs(history, model, true));
        int known = args.indexOf("--known-columns");
        args.remove(known);
        args.remove(known);
        Printed.Output<Integer> trained = Printed.commandLine(false, args.toArray(String[]::new));
        SharedSpark.stop();
        assertEquals(0, trained.value(), trained.text());

        Map<String, JsonNode> fromHistory = new TreeMap<>();
        Map<String, JsonNode> fromTimes = new TreeMap<>();
        for (Map.Entry<Path, Map<String, JsonNode>> read : Map.of(history, fromHistory, withTimes, fromTimes)
                .entrySet()) {
            Path out = tmp.resolve("out-" + read.getKey().getFileName());
            run("predict", "--model-dir", model.toString(), "--data", read.getKey().toString(), "--output",
                    out.toString(), "--precision", "float64", "--master", "local[2]");
            for (JsonNode row : rows(out)) {
                read.getValue().put(row.get("sector").asText() + "@" + row.get("time").asText(), row);
            }
        }
        assertEquals(fromTimes.keySet(), fromHistory.keySet());
        fromTimes.forEach((key, row) -> assertEquals(row.toString(), fromHistory.get(key).toString(), key));
        // as CSV: a row per step predicted, with its horizon and forecast time, the same numbers
        Path csv = tmp.resolve("out-csv");
        run("predict", "--model-dir", model.toString(), "--data", history.toString(), "--output", csv.toString(),
                "--output-format", "csv", "--precision", "float64", "--master", "local[2]");
        List<String> lines = new ArrayList<>();
        try (Stream<Path> parts = Files.list(csv)) {
            for (Path part : parts.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList()) {
                List<String> read = Files.readAllLines(part);
                assertEquals("sector,time,horizon,forecast_time,prediction", read.get(0), part.toString());
                lines.addAll(read.subList(1, read.size()));
            }
        }
        assertEquals(FUTURE * fromHistory.size(), lines.size());
        for (String line : lines) {
            String[] f = line.split(",");
            JsonNode row = fromHistory.get(f[0] + "@" + f[1]);
            int h = Integer.parseInt(f[2]);
            assertEquals(row.get("forecast_time").get(h - 1).asText(), f[3], line);
            assertEquals(row.get("prediction").get(h - 1).asDouble(), Double.parseDouble(f[4]), 0.0, line);
        }
        JsonNode last = fromHistory.get("utilities@2015-12-01");
        assertEquals("[\"2016-01-01\",\"2016-02-01\",\"2016-03-01\"]", last.get("forecast_time").toString());
        assertEquals(FUTURE, last.get("prediction").size());
        for (String series : SERIES) { // every window of every series, up to the one ending at its last value
            assertEquals(120 - 12 + 1, fromHistory.keySet().stream().filter(k -> k.startsWith(series + "@")).count(),
                    series);
        }
    }

    private static double rmse(String text, String pattern) {
        Matcher m = Pattern.compile(pattern).matcher(text);
        assertTrue(m.find(), pattern + " in " + text);
        return Double.parseDouble(m.group(1));
    }

    private static List<JsonNode> rows(Path dir) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> rows = new ArrayList<>();
        try (Stream<Path> parts = Files.list(dir)) {
            for (Path part : parts.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList()) {
                for (String line : Files.readAllLines(part)) {
                    rows.add(json.readTree(line));
                }
            }
        }
        return rows;
    }

    private static void run(String... args) {
        assertEquals(0, Main.run(args), String.join(" ", args));
        SharedSpark.stop();
    }
}
