package org.sparkrnn.driver.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkrnn.driver.Printed;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.TestData;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every option that train, evaluate, predict, export, sample and stream list either takes effect or is refused,
 * never ignored: for each option its help lists, the command runs once without it and once with another value, and
 * the two runs must differ (in the metrics, the predictions written, the file exported, the text sampled, or success) or the second
 * must be refused with exit code 2. An option without a case here fails the test, so a new option needs one.
 */
@Tag("no-numerics")
class EveryOptionCountsTest {

    private static Path tmp;
    private static Path csv;
    private static Path other;
    private static Path bad;
    private static Path model;
    private static Path otherModel;
    private static Path textModel;
    private static Path otherTextModel;
    private static Path tableModel;
    private static Path otherTableModel;
    private static Path table;

    /** What a run did: its exit code and what it showed (metrics lines, files written) without paths. */
    private record Outcome(int exit, String shown) {
    }

    /** One option's case: the option with its other value, and the arguments both runs share. */
    private record Case(List<String> option, List<String> shared) {
    }

    @BeforeAll
    static void trainModels() throws Exception {
        tmp = Files.createTempDirectory("sparkrnn-options");
        List<String> rows = new ArrayList<>(List.of("year,value,other"));
        List<String> shifted = new ArrayList<>(rows);
        List<String> broken = new ArrayList<>(rows);
        for (int i = 0; i < 60; i++) {
            String value = i == 20 ? "" : String.valueOf(Math.sin(i * 0.5));
            rows.add((1950 + i) + "," + value + "," + Math.cos(i * 0.3));
            shifted.add((1950 + i) + "," + (i == 20 ? "" : String.valueOf(Math.sin(i * 0.5) + 0.3)) + ","
                    + Math.cos(i * 0.3));
            broken.add((1950 + i) + "," + (i == 30 ? "x" : value) + "," + Math.cos(i * 0.3));
        }
        csv = TestData.write(tmp, "s.csv", rows.toArray(new String[0]));
        other = TestData.write(tmp, "shifted.csv", shifted.toArray(new String[0]));
        bad = TestData.write(tmp, "bad.csv", broken.toArray(new String[0]));
        model = train("m", "--data", csv.toString(), "--format", "csv", "--column", "value", "--time-column", "year",
                "--window", "5", "--validate-from", "1995", "--normalize", "standard", "--seed", "1");
        otherModel = train("m2", "--data", csv.toString(), "--format", "csv", "--column", "value", "--time-column",
                "year", "--window", "5", "--validate-from", "1995", "--normalize", "standard", "--seed", "2");
        // a long table of two series, for stream: the model trained on it, and the table as two files to stream
        List<String> longRows = new ArrayList<>(List.of("id,year,value,other"));
        for (String id : List.of("a", "b")) {
            for (String row : rows.subList(1, rows.size())) {
                longRows.add(id + "," + row);
            }
        }
        table = TestData.write(tmp, "table.csv", longRows.toArray(new String[0]));
        tableModel = train("tm", "--data", table.toString(), "--format", "csv", "--id-column", "id", "--time-column",
                "year", "--target-column", "value", "--window", "5", "--seed", "1");
        otherTableModel = train("tm2", "--data", table.toString(), "--format", "csv", "--id-column", "id",
                "--time-column", "year", "--target-column", "value", "--window", "5", "--seed", "2");
        Path text = tmp.resolve("t.txt");
        Files.writeString(text, "the quick brown fox jumps over the lazy dog. ".repeat(20));
        textModel = train("text", "--data", text.toString(), "--format", "text", "--window", "8", "--seed", "1");
        otherTextModel = train("text2", "--data", text.toString(), "--format", "text", "--window", "8", "--seed",
                "2");
    }

    @AfterAll
    static void clean() throws IOException {
        TestData.deleteRecursively(tmp);
    }

    private static Path train(String name, String... args) {
        Path dir = tmp.resolve(name);
        List<String> all = new ArrayList<>(List.of("train", "--model-dir", dir.toString(), "--hidden", "4",
                "--iterations", "4", "--precision", "float64", "--master", "local[2]", "--log-every", "100"));
        all.addAll(List.of(args));
        assertEquals(0, run(all).exit(), "training " + name);
        return dir;
    }

    @Test
    void train() throws Exception {
        List<String> lines = new ArrayList<>();
        List<String> broken = new ArrayList<>();
        java.util.Random random = new java.util.Random(4);
        for (int i = 0; i < 40; i++) {
            StringBuilder steps = new StringBuilder();
            for (int t = 0; t < 6; t++) {
                steps.append(t == 0 ? "" : ", ").append("[").append(random.nextGaussian()).append(", ")
                        .append(random.nextGaussian()).append("]");
            }
            String line = "{\"features\": [" + steps + "], \"label\": " + random.nextGaussian() + "}";
            lines.add(line);
            broken.add(i == 9 ? "{\"features\": [[1]], \"label\": 1}" : line);
        }
        Path data = TestData.write(tmp, "train.jsonl", lines.toArray(new String[0]));
        Path otherData = TestData.write(tmp, "train-other.jsonl", lines.subList(5, 40).toArray(new String[0]));
        Path bad = TestData.write(tmp, "train-bad.jsonl", broken.toArray(new String[0]));
        List<String> base = List.of("train", "--data", data.toString(), "--hidden", "4,3", "--iterations", "6",
                "--batch-size", "8", "--precision", "float64", "--validation-fraction", "0.25", "--validate-every",
                "2", "--master", "local[2]", "--log-every", "1", "--checkpoint-every", "3");
        Path init = tmp.resolve("init.safetensors");
        assertEquals(0, run(List.of("train", "--data", data.toString(), "--hidden", "4,3", "--iterations", "2",
                "--model-dir", tmp.resolve("init-model").toString(), "--export", init.toString(), "--seed", "9"))
                .exit());
        Map<String, Case> cases = new LinkedHashMap<>();
        cases.put("--data", option("--data", otherData.toString()));
        cases.put("--format", option("--format", "csv"));
        cases.put("--validation", option("--validation", otherData.toString()));
        cases.put("--validation-fraction", option("--validation-fraction", "0.5"));
        cases.put("--split", option("--split", "tail"));
        cases.put("--column", option("--column", "x"));
        cases.put("--time-column", option("--time-column", "t"));
        cases.put("--id-column", option("--id-column", "t"));
        cases.put("--feature-columns", option("--feature-columns", "a,b"));
        cases.put("--target-column", option("--target-column", "b"));
        cases.put("--stride", option("--stride", "2"));
        cases.put("--window", option("--window", "7"));
        cases.put("--horizon", option("--horizon", "2"));
        cases.put("--validate-from", option("--validate-from", "3"));
        cases.put("--missing", option("--missing", "interpolate"));
        cases.put("--relative-to-last", option("--relative-to-last"));
        // not a long table (train, evaluate, predict), or times that are not dates (stream): refused
        cases.put("--calendar", option("--calendar", "month-of-year"));
        cases.put("--time-format", option("--time-format", "yyyyMM"));
        cases.put("--frequency", option("--frequency", "1M"));
        cases.put("--known-columns", option("--known-columns", "promotion"));
        cases.put("--static-columns", option("--static-columns", "size"));
        cases.put("--delimiter", option("--delimiter", ";"));
        cases.put("--no-header", option("--no-header"));
        cases.put("--task", option("--task", "classification"));
        cases.put("--classes", option("--classes", "3"));
        cases.put("--normalize", option("--normalize", "standard"));
        cases.put("--partitions", option("--partitions", "3"));
        cases.put("--on-bad-record", new Case(List.of("--on-bad-record", "skip"), List.of("--data", bad.toString())));
        cases.put("--cell", option("--cell", "gru"));
        cases.put("--hidden", option("--hidden", "5"));
        cases.put("--activation", option("--activation", "identity"));
        cases.put("--bidirectional", option("--bidirectional"));
        cases.put("--dropout", option("--dropout", "0.3"));
        cases.put("--pooling", option("--pooling", "mean"));
        cases.put("--decoder-hidden", option("--decoder-hidden", "4"));
        cases.put("--loss", option("--loss", "sum-half-squared"));
        cases.put("--init-scheme", option("--init-scheme", "xavier-orthogonal"));
        cases.put("--forget-bias", option("--forget-bias", "2"));
        cases.put("--init", option("--init", init.toString()));
        cases.put("--optimizer", option("--optimizer", "sgd"));
        cases.put("--lr", option("--lr", "0.1"));
        cases.put("--momentum", option("--momentum", "0.9"));
        cases.put("--nesterov", option("--nesterov"));
        cases.put("--weight-decay", option("--weight-decay", "0.5"));
        cases.put("--clip-norm", option("--clip-norm", "0.001"));
        cases.put("--schedule", option("--schedule", "cosine"));
        cases.put("--step-size", option("--step-size", "2"));
        cases.put("--gamma", option("--gamma", "0.5"));
        cases.put("--min-lr", option("--min-lr", "0.0001"));
        cases.put("--warmup", option("--warmup", "3"));
        cases.put("--iterations", option("--iterations", "4"));
        // --epochs counts when --iterations is 0 (documented: a settings file's epochs, the command line's iterations)
        cases.put("--epochs", new Case(List.of("--epochs", "3"), List.of("--iterations", "0")));
        cases.put("--batch-size", option("--batch-size", "all"));
        cases.put("--tbptt", option("--tbptt", "2"));
        cases.put("--precision", option("--precision", "float32"));
        cases.put("--aggregation", option("--aggregation", "sliced"));
        cases.put("--aggregation-depth", option("--aggregation-depth", "1"));
        cases.put("--seed", option("--seed", "7"));
        cases.put("--validate-every", option("--validate-every", "3"));
        cases.put("--patience", option("--patience", "1"));
        cases.put("--log-every", option("--log-every", "2"));
        cases.put("--model-dir", option("--model-dir", "elsewhere"));
        cases.put("--checkpoint-every", option("--checkpoint-every", "2"));
        cases.put("--keep-checkpoints", option("--keep-checkpoints", "1"));
        cases.put("--resume", option("--resume"));
        cases.put("--export", option("--export", tmp.resolve("exported.safetensors").toString()));
        cases.put("--baseline", option("--baseline", "last"));
        // a one-column CSV is not a long table: refused (LongTableCommandTest runs it on one)
        cases.put("--per-series", option("--per-series"));
        processOptions(cases, List.of("--format", "csv"));
        check("train", base, cases);
    }

    @Test
    void evaluate() throws Exception {
        List<String> base = List.of("evaluate", "--model-dir", model.toString(), "--master", "local[2]");
        Map<String, Case> cases = modelDataCases();
        cases.put("--split", new Case(List.of("--split", "tail"), List.of("--validation-fraction", "0.3")));
        cases.put("--seed", new Case(List.of("--seed", "7"), List.of("--validation-fraction", "0.3")));
        cases.put("--part", option("--part", "training"));
        cases.put("--baseline", option("--baseline", "lag:2"));
        cases.put("--per-series", option("--per-series")); // not a long table: refused
        // a point forecast of windows, not of a long table's series: refused
        cases.put("--quantiles", option("--quantiles", "0.1,0.9"));
        cases.put("--season", option("--season", "12"));
        cases.put("--plot", option("--plot", "1"));
        cases.put("--plot-dir", option("--plot-dir", tmp.resolve("plots").toString()));
        processOptions(cases);
        check("evaluate", base, cases);
    }

    @Test
    void predict() throws Exception {
        List<String> base = List.of("predict", "--model-dir", model.toString(), "--master", "local[2]");
        Map<String, Case> cases = modelDataCases();
        cases.put("--split", option("--split", "tail"));
        cases.put("--output-format", option("--output-format", "parquet"));
        cases.put("--output", option("--output", "elsewhere"));
        cases.put("--quantiles", option("--quantiles", "0.1,0.9")); // a point forecast: refused
        processOptions(cases);
        check("predict", base, cases);
    }

    /**
     * The cases of the options evaluate and predict share: the model, its precision, and the data options, which
     * they read from the run's settings unless given.
     */
    private static Map<String, Case> modelDataCases() {
        Map<String, Case> cases = new LinkedHashMap<>();
        cases.put("--model-dir", option("--model-dir", otherModel.toString()));
        cases.put("--precision", option("--precision", "float32"));
        cases.put("--data", option("--data", other.toString()));
        cases.put("--format", option("--format", "jsonl"));
        cases.put("--validation", option("--validation", other.toString()));
        cases.put("--validation-fraction", option("--validation-fraction", "0.3"));
        cases.put("--column", option("--column", "other"));
        cases.put("--time-column", option("--time-column", "other"));
        cases.put("--id-column", option("--id-column", "other"));
        cases.put("--feature-columns", option("--feature-columns", "value,other"));
        cases.put("--target-column", option("--target-column", "other"));
        cases.put("--stride", option("--stride", "2"));
        cases.put("--window", option("--window", "7"));
        cases.put("--horizon", option("--horizon", "2"));
        cases.put("--validate-from", option("--validate-from", "1990"));
        cases.put("--missing", option("--missing", "interpolate"));
        cases.put("--relative-to-last", option("--relative-to-last"));
        // not a long table (train, evaluate, predict), or times that are not dates (stream): refused
        cases.put("--calendar", option("--calendar", "month-of-year"));
        cases.put("--time-format", option("--time-format", "yyyyMM"));
        cases.put("--frequency", option("--frequency", "1M"));
        cases.put("--known-columns", option("--known-columns", "promotion"));
        cases.put("--static-columns", option("--static-columns", "size"));
        cases.put("--delimiter", option("--delimiter", ";"));
        cases.put("--no-header", option("--no-header"));
        cases.put("--task", option("--task", "classification"));
        cases.put("--classes", option("--classes", "3"));
        cases.put("--normalize", option("--normalize", "none"));
        cases.put("--partitions", option("--partitions", "3"));
        cases.put("--on-bad-record", new Case(List.of("--on-bad-record", "skip"), List.of("--data", bad.toString())));
        return cases;
    }

    @Test
    void export() throws Exception {
        List<String> base = List.of("export", "--model-dir", model.toString(), "--precision", "float64");
        Map<String, Case> cases = new LinkedHashMap<>();
        cases.put("--model-dir", option("--model-dir", otherModel.toString()));
        cases.put("--precision", option("--precision", "float32"));
        cases.put("--output", option("--export", "elsewhere")); // --export is its other name
        cases.put("--format", option("--format", "onnx"));
        // refused: the base export writes safetensors, and a point-forecast model gives no quantiles either
        cases.put("--quantiles", option("--quantiles", "0.5"));
        cases.put("--help", option("--help"));
        cases.put("--version", option("--version"));
        check("export", base, cases);
    }

    @Test
    void sample() throws Exception {
        List<String> base = List.of("sample", "--model-dir", textModel.toString(), "--length", "60", "--prime", "the ");
        Map<String, Case> cases = new LinkedHashMap<>();
        cases.put("--model-dir", option("--model-dir", otherTextModel.toString()));
        // float32 and float64 give the same characters here: the precision is used (the kernel's tests compare
        // the two), but a sample does not show it, so a value that is not a precision shows it is read
        cases.put("--precision", option("--precision", "float16"));
        cases.put("--seed", option("--seed", "99"));
        cases.put("--length", option("--length", "30"));
        cases.put("--temperature", option("--temperature", "2.5"));
        cases.put("--prime", option("--prime", "dog"));
        cases.put("--help", option("--help"));
        cases.put("--version", option("--version"));
        check("sample", base, cases);
    }

    @Test
    void stream() throws Exception {
        // the table arrives as two files (a micro-batch each with --max-files-per-trigger 1); "another" holds the
        // shifted values, "broken" a value that is not a number, "empty" nothing yet
        List<String> lines = Files.readAllLines(table);
        Path source = Files.createDirectories(tmp.resolve("stream-in"));
        Files.write(source.resolve("1.csv"), lines.subList(0, 40));
        List<String> rest = new ArrayList<>(List.of(lines.get(0)));
        rest.addAll(lines.subList(40, lines.size()));
        Files.write(source.resolve("2.csv"), rest);
        Path another = Files.createDirectories(tmp.resolve("stream-other"));
        List<String> shifted = new ArrayList<>(List.of(lines.get(0)));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            shifted.add(f[0] + "," + f[1] + "," + (f[2].isEmpty() ? "" : Double.parseDouble(f[2]) + 0.3) + ","
                    + f[3]);
        }
        Files.write(another.resolve("1.csv"), shifted);
        Path broken = Files.createDirectories(tmp.resolve("stream-broken"));
        List<String> bad = new ArrayList<>(lines);
        bad.set(30, bad.get(30).replaceFirst("^([ab],\\d+),[^,]*,", "$1,x,"));
        Files.write(broken.resolve("1.csv"), bad);
        Path empty = Files.createDirectories(tmp.resolve("stream-empty"));
        // a checkpoint that has read the source already: a query started from it finds nothing new
        Path used = tmp.resolve("stream-used-checkpoint");
        assertEquals(0, run(List.of("stream", "--model-dir", tableModel.toString(), "--source", source.toString(),
                "--output", tmp.resolve("stream-used-output").toString(), "--checkpoint-location", used.toString(),
                "--trigger", "available-now", "--master", "local[2]")).exit());

        List<String> base = List.of("stream", "--model-dir", tableModel.toString(), "--source", source.toString(),
                "--trigger", "available-now", "--master", "local[2]");
        Map<String, Case> cases = new LinkedHashMap<>();
        cases.put("--model-dir", option("--model-dir", otherTableModel.toString()));
        cases.put("--precision", option("--precision", "float32"));
        // the run's data gives the rows' columns when the source has no file yet
        cases.put("--data", new Case(List.of("--data", tmp.resolve("nosuch.csv").toString()),
                List.of("--source", empty.toString())));
        cases.put("--format", option("--format", "parquet"));
        cases.put("--column", option("--column", "other"));
        cases.put("--time-column", option("--time-column", "other"));
        cases.put("--id-column", option("--id-column", "other"));
        cases.put("--feature-columns", option("--feature-columns", "value,other"));
        cases.put("--target-column", option("--target-column", "other"));
        cases.put("--stride", option("--stride", "2"));
        cases.put("--window", option("--window", "7"));
        cases.put("--horizon", option("--horizon", "2"));
        cases.put("--missing", option("--missing", "interpolate"));
        cases.put("--relative-to-last", option("--relative-to-last"));
        // not a long table (train, evaluate, predict), or times that are not dates (stream): refused
        cases.put("--calendar", option("--calendar", "month-of-year"));
        cases.put("--time-format", option("--time-format", "yyyyMM"));
        cases.put("--frequency", option("--frequency", "1M"));
        cases.put("--known-columns", option("--known-columns", "promotion"));
        cases.put("--static-columns", option("--static-columns", "size"));
        cases.put("--delimiter", option("--delimiter", ";"));
        cases.put("--no-header", option("--no-header"));
        cases.put("--task", option("--task", "classification"));
        cases.put("--classes", option("--classes", "3"));
        cases.put("--normalize", option("--normalize", "standard"));
        cases.put("--partitions", option("--partitions", "1"));
        cases.put("--on-bad-record", new Case(List.of("--on-bad-record", "skip"),
                List.of("--source", broken.toString())));
        cases.put("--validation", option("--validation", table.toString()));
        cases.put("--validation-fraction", option("--validation-fraction", "0.3"));
        cases.put("--split", option("--split", "tail"));
        cases.put("--validate-from", option("--validate-from", "1990"));
        cases.put("--source", option("--source", another.toString()));
        cases.put("--output", option("--output", "elsewhere"));
        cases.put("--output-format", option("--output-format", "parquet"));
        cases.put("--checkpoint-location", option("--checkpoint-location", used.toString()));
        cases.put("--trigger", option("--trigger", "now-and-then")); // a stream until stopped is no test
        cases.put("--max-files-per-trigger", option("--max-files-per-trigger", "1"));
        cases.put("--state-timeout", option("--state-timeout", "soon")); // no series goes quiet within one run
        cases.put("--kafka-bootstrap", option("--kafka-bootstrap", "127.0.0.1:9"));
        cases.put("--kafka-topic", option("--kafka-topic", "rows"));
        cases.put("--kafka-output-topic", option("--kafka-output-topic", "forecasts"));
        cases.put("--kafka-starting-offsets", option("--kafka-starting-offsets", "latest"));
        cases.put("--kafka-option", option("--kafka-option", "maxOffsetsPerTrigger=10"));
        cases.put("--quantiles", option("--quantiles", "0.1,0.9")); // a point forecast: refused
        processOptions(cases);
        check("stream", base, cases);
    }

    @Test
    void backtest() throws Exception {
        List<String> base = List.of("backtest", "--model-dir", tableModel.toString(), "--origins", "2", "--master",
                "local[2]");
        Map<String, Case> cases = modelDataCases();
        cases.put("--model-dir", option("--model-dir", otherTableModel.toString()));
        cases.put("--data", option("--data", tmp.resolve("shifted-table.csv").toString()));
        cases.put("--origins", option("--origins", "3"));
        cases.put("--step", option("--step", "3"));
        cases.put("--refit", option("--refit"));
        cases.put("--split", option("--split", "tail")); // a backtest's split is its cutoffs: refused
        cases.put("--normalize", option("--normalize", "standard")); // not the model's: refused
        cases.put("--season", option("--season", "2"));
        cases.put("--quantiles", option("--quantiles", "0.1,0.9")); // a point forecast: refused
        cases.put("--output", option("--output", "elsewhere"));
        cases.put("--plot", option("--plot", "1"));
        List<String> shifted = new ArrayList<>();
        for (String line : Files.readAllLines(table)) {
            String[] f = line.split(",", -1);
            shifted.add(shifted.isEmpty() || f[2].isEmpty() ? line
                    : f[0] + "," + f[1] + "," + (Double.parseDouble(f[2]) + 0.3) + "," + f[3]);
        }
        Files.write(tmp.resolve("shifted-table.csv"), shifted);
        processOptions(cases);
        check("backtest", base, cases);
    }

    /** Spark and process options: a bogus master fails, a 1-byte result limit fails, --verbose shows a stack. */
    private static void processOptions(Map<String, Case> cases) throws IOException {
        processOptions(cases, List.of("--format", "jsonl"));
    }

    /** As above; {@code failing} makes a run fail, for --verbose to show its stack trace. */
    private static void processOptions(Map<String, Case> cases, List<String> failing) throws IOException {
        cases.put("--master", option("--master", "nosuch://x"));
        cases.put("--spark", option("--spark", "spark.driver.maxResultSize=1"));
        cases.put("--verbose", new Case(List.of("--verbose"), failing));
        Path conf = tmp.resolve("window.conf");
        Files.writeString(conf, "window = 7\n");
        cases.put("--conf", option("--conf", conf.toString()));
        cases.put("--help", option("--help"));
        cases.put("--version", option("--version"));
    }

    private static Case option(String... args) {
        return new Case(List.of(args), List.of());
    }

    private void check(String command, List<String> base, Map<String, Case> cases) throws Exception {
        CommandLine cli = new CommandLine(new Main());
        RunDefaultsHelp.apply(cli);
        TreeSet<String> listed = new TreeSet<>();
        for (OptionSpec option : cli.getSubcommands().get(command).getCommandSpec().options()) {
            listed.add(option.longestName()); // hidden ones too: they are accepted (and refused)
        }
        assertEquals(listed, new TreeSet<>(cases.keySet()), command + ": a case for every option it accepts");
        List<String> ignored = new ArrayList<>();
        Map<List<String>, Outcome> baselines = new java.util.HashMap<>(); // the same run gives the same outcome
        for (Map.Entry<String, Case> e : cases.entrySet()) {
            List<String> without = new ArrayList<>(base);
            without.addAll(e.getValue().shared());
            List<String> with = new ArrayList<>(without);
            with.addAll(e.getValue().option());
            Outcome before = baselines.get(without);
            if (before == null) {
                before = runWithOutput(command, without);
                baselines.put(without, before);
            }
            Outcome after = runWithOutput(command, with);
            boolean refused = after.exit() == Main.USER_ERROR && before.exit() != Main.USER_ERROR;
            if (!refused && before.equals(after)) {
                ignored.add(e.getKey() + " (" + String.join(" ", e.getValue().option()) + ": " + after.shown() + ")");
            }
        }
        assertTrue(ignored.isEmpty(), command + " ignored: " + ignored);
    }

    /** Runs a command; for predict and export into a fresh place, then reads what it wrote. */
    private Outcome runWithOutput(String command, List<String> args) throws IOException {
        List<String> all = new ArrayList<>(args);
        Path out = Files.createTempDirectory(tmp, "out").resolve("result");
        int at = all.indexOf("elsewhere");
        if (command.equals("train")) {
            if (at > 0) {
                all.set(at, out.resolveSibling("other-model").toString());
            }
            all.addAll(List.of("--model-dir", out.toString()));
        } else if (command.equals("predict") || command.equals("backtest")) {
            if (at > 0) {
                all.set(at, out.resolveSibling("other-result").toString());
            }
            all.addAll(List.of("--output", out.toString()));
        } else if (command.equals("stream")) {
            if (at > 0) {
                all.set(at, out.resolveSibling("other-result").toString());
            }
            all.addAll(List.of("--output", out.toString()));
            if (!all.contains("--checkpoint-location")) {
                all.addAll(List.of("--checkpoint-location", out.resolveSibling("checkpoint").toString()));
            }
        } else if (command.equals("export")) {
            if (at > 0) {
                all.set(at, out.resolveSibling("other.safetensors").toString());
            }
            all.addAll(List.of("--output", out.toString()));
        }
        // the option under test comes last, so that it wins over the default place added above
        if (at > 0) {
            List<String> moved = new ArrayList<>(all.subList(at - 1, at + 1));
            all.remove(at);
            all.remove(at - 1);
            all.addAll(moved);
        }
        Outcome ran = run(all);
        StringBuilder shown = new StringBuilder(ran.shown());
        if (Files.exists(out)) {
            shown.append(" wrote:").append(contents(out));
        }
        return new Outcome(ran.exit(), shown.toString());
    }

    private static String contents(Path out) throws IOException {
        if (Files.isRegularFile(out)) {
            return Arrays.toString(Files.readAllBytes(out));
        }
        if (Files.exists(out.resolve("config.properties"))) { // a model directory
            StringBuilder text = new StringBuilder();
            try (Stream<Path> files = Files.walk(out)) {
                // the settings file records every option given, so it would tell them all apart: left out
                for (Path file : files.filter(Files::isRegularFile)
                        .filter(f -> !f.getFileName().toString().equals("config.properties")).sorted().toList()) {
                    text.append(out.relativize(file)).append(file.toString().endsWith(".bin") ? ";"
                            : "=" + Arrays.hashCode(Files.readAllBytes(file)) + ";");
                }
            }
            return text.toString();
        }
        StringBuilder text = new StringBuilder();
        try (Stream<Path> parts = Files.list(out)) {
            // predict's part files; a backtest's table of metrics (its numbers to the last digit)
            for (Path part : parts.filter(p -> p.getFileName().toString().startsWith("part-")
                    || p.getFileName().toString().equals("backtest.csv")).sorted().toList()) {
                text.append(part.getFileName().toString()
                                .replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "UUID"))
                        .append('=')
                        .append(Arrays.hashCode(Files.readAllBytes(part))).append(';');
            }
        }
        return text.toString();
    }

    /** Runs the command line in this JVM, capturing what it prints; paths and timings are taken out. */
    private static Outcome run(List<String> args) {
        Printed.Output<Integer> run = Printed.commandLine(true, args.toArray(new String[0]));
        SharedSpark.stop();
        int exit = run.value();
        String text = run.text()
                .replace(tmp.toString(), "TMP")
                .replaceAll("TMP/out[0-9]+/", "TMP/out/")
                .replaceAll("[0-9.]+ s\\b", "T s")
                .replaceAll("[0-9]+ seq/s  eta [0-9:]+", "R seq/s")
                .replaceAll("\\d\\d:\\d\\d:\\d\\d [A-Z]+ [^\\n]*\\n", "");
        return new Outcome(exit, text);
    }
}
