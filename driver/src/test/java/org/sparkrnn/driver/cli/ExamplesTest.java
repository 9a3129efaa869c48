package org.sparkrnn.driver.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.driver.Printed;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's three examples, run as a user runs them (the command line with the bundled configuration and data),
 * beat their baselines by loose margins, so noise cannot fail them, and print the numbers the README's table shows
 * (to the precision it shows them with); the fortunes model samples the text the README shows. The baselines the
 * command prints are also recomputed here independently from the raw files.
 */
@Tag("no-numerics")
class ExamplesTest {

    @TempDir
    Path tmp;

    private static Path project(String relative) {
        Path here = Path.of("").toAbsolutePath();
        Path candidate = here.resolve(relative);
        return Files.exists(candidate) ? candidate : here.getParent().resolve(relative);
    }

    /** Runs {@code lstm-spark args...} and returns what it printed. */
    private static String run(String... args) {
        Printed.Output<Integer> run = Printed.commandLine(false, args);
        assertEquals(0, run.value(), run.text());
        return run.text();
    }

    private String example(String name) {
        return run("train", "--conf", project("conf/" + name + ".conf").toString(), "--data",
                project("data/" + (name.equals("fortunes") ? "fortunes.txt" : name + ".csv")).toString(),
                "--model-dir", tmp.resolve(name).toString(), "--master", "local[2]");
    }

    /**
     * Checks the README's row of example {@code name}: its two bold numbers are the kept model's {@code metric} and
     * the baseline's, as printed.
     */
    private static void assertReadmeRow(String name, String metric, Map<String, Double> model,
                                        Map<String, Double> baseline) throws Exception {
        String row = Files.readAllLines(project("README.md")).stream()
                .filter(l -> l.startsWith("| `scripts/example " + name + "`")).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + name + " in the README's examples"));
        java.util.regex.Matcher bold = java.util.regex.Pattern.compile("\\*\\*([0-9.]+)\\*\\*").matcher(row);
        List<String> shown = new ArrayList<>();
        while (bold.find()) {
            shown.add(bold.group(1));
        }
        assertEquals(2, shown.size(), row);
        String printedModel = String.valueOf(model.get(metric));
        String printedBaseline = String.valueOf(baseline.get(metric));
        assertTrue(org.sparkrnn.driver.docs.DocExamples.sameToShownPrecision(shown.get(0), printedModel)
                && org.sparkrnn.driver.docs.DocExamples.sameToShownPrecision(shown.get(1), printedBaseline),
                "the README shows " + metric + " " + shown + " for " + name + "; printed: " + printedModel + " and "
                        + printedBaseline);
    }

    /** The metrics of the line starting with {@code prefix}: "name value name value ...". */
    private static Map<String, Double> metrics(String output, String prefix) {
        String line = output.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line '" + prefix + "' in\n" + output));
        String[] words = line.substring(line.lastIndexOf(':') + 1).trim().split(" ");
        Map<String, Double> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < words.length; i += 2) {
            map.put(words[i], Double.parseDouble(words[i + 1]));
        }
        return map;
    }

    @Test
    void sunspotsBeatTheNaiveForecast() throws Exception {
        String out = example("sunspots");
        Map<String, Double> model = metrics(out, "validation, kept model");
        Map<String, Double> naive = metrics(out, "validation, baseline");

        Map<Integer, Double> byYear = new LinkedHashMap<>();
        for (String line : Files.readAllLines(project("data/sunspots.csv")).subList(1, 310)) {
            String[] f = line.split(",");
            byYear.put((int) Double.parseDouble(f[0]), Double.parseDouble(f[1]));
        }
        double squared = 0;
        for (int year = 1961; year <= 2008; year++) {
            double error = byYear.get(year) - byYear.get(year - 1); // next year = this year
            squared += error * error;
        }
        assertEquals(Math.sqrt(squared / 48), naive.get("rmse"), 1e-3, "the printed baseline, recomputed");
        assertTrue(model.get("rmse") < 0.75 * naive.get("rmse"), out);
        assertReadmeRow("sunspots", "rmse", model, naive);
        assertTrue(Files.readString(tmp.resolve("sunspots/loss.svg")).contains("<polyline"));
    }

    @Test
    void co2WithGapsBeatsTheSeasonalNaiveForecast() throws Exception {
        String out = example("co2");
        Map<String, Double> model = metrics(out, "validation, kept model");
        Map<String, Double> seasonal = metrics(out, "validation, baseline");

        // independently: interpolate the gaps, forecast every observed week from 1995 by the week 52 before
        List<String> lines = Files.readAllLines(project("data/co2.csv"));
        List<String> dates = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            dates.add(f[0]);
            values.add(f[1].isEmpty() ? Double.NaN : Double.parseDouble(f[1]));
        }
        int n = values.size();
        double[] filled = new double[n];
        for (int i = 0; i < n; i++) {
            filled[i] = values.get(i);
            if (Double.isNaN(filled[i])) {
                int before = i - 1;
                int after = i + 1;
                while (Double.isNaN(values.get(after))) {
                    after++;
                }
                filled[i] = filled[before] + (values.get(after) - filled[before]) * (i - before) / (after - before);
            }
        }
        double squared = 0;
        int count = 0;
        for (int i = 52; i < n; i++) {
            if (!Double.isNaN(values.get(i)) && Long.parseLong(dates.get(i)) >= 19950101) {
                double error = filled[i - 52] - values.get(i);
                squared += error * error;
                count++;
            }
        }
        assertTrue(count > 300, "validation weeks " + count);
        assertEquals(Math.sqrt(squared / count), seasonal.get("rmse"), 1e-3, "the printed baseline, recomputed");
        assertTrue(model.get("rmse") < 0.5 * seasonal.get("rmse"), out);
        assertReadmeRow("co2", "rmse", model, seasonal);

        // predictions of the relative-window model come back in ppm, one per window keyed by the date of its last
        // week, up to the forecast for the week after the data
        Path predictions = tmp.resolve("co2-predictions");
        run("predict", "--model-dir", tmp.resolve("co2").toString(), "--data", project("data/co2.csv").toString(),
                "--output", predictions.toString(), "--master", "local[2]");
        Map<String, Double> byTime = new LinkedHashMap<>();
        try (var parts = Files.list(predictions)) {
            for (Path part : parts.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList()) {
                for (String line : Files.readAllLines(part)) {
                    byTime.put(line.replaceAll(".*\"time\":\"([0-9]+)\".*", "$1"),
                            Double.parseDouble(line.replaceAll(".*\"prediction\":([-0-9.eE]+).*", "$1")));
                }
            }
        }
        assertEquals(n - 52 + 1, byTime.size(), "every window of 52 weeks (gaps interpolated as inputs)");
        assertEquals(dates.get(n - 1), new ArrayList<>(byTime.keySet()).get(byTime.size() - 1),
                "the last window ends at the last week: the forecast past the data");
        List<Double> predicted = new ArrayList<>();
        List<Double> targets = new ArrayList<>();
        for (int i = 52; i < n; i++) {
            if (!Double.isNaN(values.get(i))) {
                targets.add(values.get(i));
                predicted.add(byTime.get(dates.get(i - 1)));
            }
        }
        double absolute = 0;
        for (int w = 0; w < targets.size(); w++) {
            absolute += Math.abs(predicted.get(w) - targets.get(w));
        }
        assertTrue(absolute / targets.size() < 1.0, "mean absolute error in ppm " + absolute / targets.size());
    }

    @Test
    void theCharacterModelBeatsTheUnigramBaselineAndSamplesText() throws Exception {
        String out = example("fortunes");
        Map<String, Double> model = metrics(out, "validation, kept model");
        Map<String, Double> unigram = metrics(out, "validation, baseline");
        assertTrue(unigram.get("perplexity") > 20, "unigram perplexity of English characters " + unigram);
        assertTrue(model.get("perplexity") < 0.6 * unigram.get("perplexity"), out);
        assertReadmeRow("fortunes", "perplexity", model, unigram);

        String dir = tmp.resolve("fortunes").toString();
        // the README's sample: the command it shows, on this model
        String readme = Files.readString(project("README.md"));
        int at = readme.indexOf("  ```\n  The ");
        assertTrue(at > 0, "the README shows a sample");
        String shownSample = readme.substring(at + 6, readme.indexOf("  ```", at + 6)).replaceAll("(?m)^  ", "");
        String sampled = run("sample", "--model-dir", dir, "--length", "500", "--temperature", "0.8", "--seed", "7",
                "--prime", "The ");
        assertTrue(sampled.startsWith(shownSample), "the README's sample:\n" + shownSample + "\nsampled:\n" + sampled);
        String first = run("sample", "--model-dir", dir, "--length", "200", "--seed", "3", "--prime", "The ");
        String again = run("sample", "--model-dir", dir, "--length", "200", "--seed", "3", "--prime", "The ");
        String other = run("sample", "--model-dir", dir, "--length", "200", "--seed", "4", "--prime", "The ");
        assertEquals(first, again, "a seed gives the same text");
        assertNotEquals(first, other);
        String text = first.substring(0, first.length() - System.lineSeparator().length());
        assertEquals(4 + 200, text.length());
        assertTrue(text.startsWith("The "));
        long spaces = text.chars().filter(c -> c == ' ').count();
        assertTrue(spaces > 15, "words are separated by spaces: " + text);
    }
}
