package org.sparkrnn.driver.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkrnn.driver.Printed;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A long table's time step ({@code --frequency}) on a real monthly panel (data/unemployment-by-industry.csv, ISO
 * dates as text): inferred and said when not given, kept in the model; every forecast keyed by the times it predicts
 * (a 1..12 forecast from 2010-02 by 2010-03 ... 2011-02), also for times written as yyyyMM numbers; a series that
 * skips a month is an error naming it and the gap under a given step, and loses its windows across the gap under an
 * inferred one; a calendar feature that repeats every step is refused. ANSI mode on and off, both Spark lines.
 */
@Tag("every-spark-line")
@Tag("no-numerics")
class FrequencyCommandTest {

    @TempDir
    Path tmp;

    private static final Path PANEL = Path.of("../data/unemployment-by-industry.csv").toAbsolutePath().normalize();

    private static List<String> train(Path data, Path model, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--format", "csv",
                "--id-column", "industry", "--time-column", "month", "--target-column", "unemployed", "--window",
                "24", "--horizon", "1..12", "--hidden", "4", "--iterations", "3", "--log-every", "100", "--master",
                "local[2]", "--model-dir", model.toString()));
        args.addAll(List.of(more));
        return args;
    }

    private static String run(List<String> args) {
        Printed.Output<Integer> run = Printed.commandLine(true, args.toArray(String[]::new));
        assertEquals(0, run.value(), String.join(" ", args) + "\n" + run.text());
        return run.text();
    }

    /** The error a run ends with: its last line (after what it printed on the way). */
    private static String fail(List<String> args) {
        Printed.Output<Integer> run = Printed.commandLine(true, args.toArray(String[]::new));
        assertNotEquals(0, run.value(), run.text());
        List<String> lines = run.text().strip().lines().toList();
        assertEquals(1, lines.stream().filter(l -> l.startsWith("error")).count(), run.text());
        return lines.get(lines.size() - 1);
    }

    /** Each industry's last window's forecast times: industry → the forecast_time array of the row at 2010-02. */
    private static JsonNode lastForecast(Path predictions, String industry, String lastTime) throws Exception {
        ObjectMapper json = new ObjectMapper();
        try (var files = Files.list(predictions)) {
            for (Path part : files.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList()) {
                for (String line : Files.readAllLines(part)) {
                    JsonNode row = json.readTree(line);
                    if (row.get("industry").asText().equals(industry) && row.get("time").asText().equals(lastTime)) {
                        return row;
                    }
                }
            }
        }
        throw new AssertionError("no forecast of " + industry + " from " + lastTime);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void theStepIsInferredKeptAndEveryForecastKeyedByTheTimeItPredicts(boolean ansi) throws Exception {
        Path model = tmp.resolve("model");
        String training = run(train(PANEL, model, "--spark", "spark.sql.ansi.enabled=" + ansi));
        assertTrue(training.contains(PANEL + ": time step 1 month, inferred from the data (--frequency sets it)"),
                training);
        Path out = tmp.resolve("predictions");
        run(List.of("predict", "--model-dir", model.toString(), "--output", out.toString(), "--master", "local[2]",
                "--spark", "spark.sql.ansi.enabled=" + ansi));
        JsonNode forecast = lastForecast(out, "Agriculture", "2010-02-01");
        List<String> times = new ArrayList<>();
        forecast.get("forecast_time").forEach(t -> times.add(t.asText()));
        assertEquals(List.of("2010-03-01", "2010-04-01", "2010-05-01", "2010-06-01", "2010-07-01", "2010-08-01",
                "2010-09-01", "2010-10-01", "2010-11-01", "2010-12-01", "2011-01-01", "2011-02-01"), times);
        assertEquals(12, forecast.get("prediction").size());

        // times as yyyyMM numbers, read with --time-format: forecasts keyed the same way
        List<String> numbers = new ArrayList<>();
        for (String line : Files.readAllLines(PANEL)) {
            String[] f = line.split(",");
            numbers.add(f[0] + "," + (f[1].equals("month") ? "month" : f[1].substring(0, 4) + f[1].substring(5, 7))
                    + "," + f[2]);
        }
        Path yyyyMM = Files.write(tmp.resolve("yyyymm.csv"), numbers);
        Path numbered = tmp.resolve("numbered");
        run(train(yyyyMM, numbered, "--time-format", "yyyyMM", "--frequency", "1M", "--spark",
                "spark.sql.ansi.enabled=" + ansi));
        Path numberedOut = tmp.resolve("numbered-predictions");
        run(List.of("predict", "--model-dir", numbered.toString(), "--output", numberedOut.toString(), "--master",
                "local[2]"));
        JsonNode fromNumbers = lastForecast(numberedOut, "Agriculture", "201002");
        assertEquals("201003", fromNumbers.get("forecast_time").get(0).asText());
        assertEquals("201102", fromNumbers.get("forecast_time").get(11).asText());
    }

    @Test
    void aSkippedMonthIsAnErrorUnderAGivenStepAndLeftOutUnderAnInferredOne() throws Exception {
        List<String> rows = new ArrayList<>(Files.readAllLines(PANEL));
        assertTrue(rows.remove("Construction,2005-04-01,693"), "the row taken out is there");
        Path gap = Files.write(tmp.resolve("gap.csv"), rows);
        Path strict = tmp.resolve("strict");
        String error = fail(train(gap, strict, "--frequency", "1M"));
        assertEquals("error: " + gap + ": series Construction skips a step of --frequency 1M: after 2005-03-01 comes"
                + " 2005-05-01, not 2005-04-01", error);
        assertFalse(Files.exists(strict.resolve("model.safetensors")), "nothing written");

        String lenient = run(train(gap, tmp.resolve("lenient")));
        assertTrue(lenient.contains("warning: " + gap + ": 1 of 14 series skip a time step of 1M (inferred from the"
                + " data): no window reads across a gap (--frequency makes a gap an error)"), lenient);
    }

    @Test
    void aCalendarFeatureThatRepeatsEveryStepIsRefused() {
        String inferred = fail(train(PANEL, tmp.resolve("hours"), "--calendar", "hour-of-day"));
        assertEquals("error: " + PANEL + ": --calendar hour-of-day is the same at every time step of 1 month"
                + " (inferred from the data): it is finer than the data's time step", inferred);
        String given = fail(train(PANEL, tmp.resolve("days"), "--calendar", "day-of-month", "--frequency", "1M"));
        assertEquals("error: --calendar day-of-month is the same at every step of --frequency 1M: it is finer than"
                + " the data's time step", given);
    }
}
