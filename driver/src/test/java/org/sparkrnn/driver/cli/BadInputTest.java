package org.sparkrnn.driver.cli;

import org.sparkrnn.serve.TorchNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkrnn.driver.Printed;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.model.ModelFile;
import org.sparkrnn.serve.SafeTensors;
import org.sparkrnn.kernel.Precision;
import org.sparkrnn.model.LayerSpec;
import org.sparkrnn.model.Loss;
import org.sparkrnn.model.NetworkSpec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every bad input of the failure issue through the real command line: a non-zero exit, one readable line naming the
 * file, record and problem, no stack trace, and an existing model directory left exactly as it was. Writes the table
 * of what was tried and seen to target/bad-input-table.md.
 */
class BadInputTest {

    private static Path tmp;
    private static Path existing;
    private static Map<String, String> existingDigest;
    private static final List<String> TABLE = new ArrayList<>();

    @BeforeAll
    static void trainAModelToProtect() throws Exception {
        SharedSpark.stop();
        tmp = Files.createTempDirectory("sparkrnn-bad-input");
        existing = tmp.resolve("existing");
        Path good = write("good.jsonl", "{\"features\": [[1, 2], [3, 4]], \"label\": 0.5}",
                "{\"features\": [[2, 1]], \"label\": -0.5}", "{\"features\": [[0, 1], [1, 0], [1, 1]], \"label\": 1}");
        assertEquals(0, quietly(() -> Main.run("train", "--data", good.toString(), "--hidden", "3",
                "--iterations", "2", "--checkpoint-every", "1", "--model-dir", existing.toString(),
                "--master", "local[1]")));
        existingDigest = digest(existing);
    }

    @AfterAll
    static void writeTable() throws IOException {
        Path out = Path.of("target/bad-input-table.md");
        Files.createDirectories(out.getParent());
        List<String> lines = new ArrayList<>(List.of("| bad input | what the user saw (exit 2) | preserved |",
                "|---|---|---|"));
        lines.addAll(TABLE);
        Files.write(out, lines);
        org.sparkrnn.driver.TestData.deleteRecursively(tmp);
    }

    @Test
    void badRecords() throws Exception {
        check("malformed JSON", "line 2: malformed JSON", "{\"features\": [[1, 2]], \"label\": 1}",
                "{\"features\": [[1, 2]], \"label\": 1");
        check("a step with the wrong number of features", "line 2: step 1 has 1 features, expected 2 (the first record had 2)",
                "{\"features\": [[1, 2]], \"label\": 1}", "{\"features\": [[1, 2], [3]], \"label\": 1}");
        check("a NaN value", "line 2: step 0 feature 1 is NaN, expected a finite number",
                "{\"features\": [[1, 2]], \"label\": 1}", "{\"features\": [[1, NaN]], \"label\": 1}");
        check("an infinite value", "line 1: step 0 feature 0 is 1e999, expected a finite number",
                "{\"features\": [[1e999, 2]], \"label\": 1}");
        check("an empty sequence", "line 2: the sequence is empty",
                "{\"features\": [[1, 2]], \"label\": 1}", "{\"features\": [], \"label\": 1}");
        check("a class id outside [0, K)", "line 2: label class id 3 is outside [0, 3)",
                new String[] {"--task", "classification", "--classes", "3"},
                "{\"features\": [[1, 2]], \"label\": 1}", "{\"features\": [[1, 2]], \"label\": 3}");
        check("a label of the wrong shape", "line 2: label has 2 value(s), expected 1 (numbers, as the first record)",
                "{\"features\": [[1, 2]], \"label\": 1}", "{\"features\": [[1, 2]], \"label\": [1, 2]}");
    }

    @Test
    void badDataSets() throws Exception {
        check("an empty data set", "the data set is empty", new String[0]);
        check("an empty validation split", "the validation split is empty",
                new String[] {"--validation-fraction", "0.001"},
                "{\"features\": [[1, 2]], \"label\": 1}", "{\"features\": [[1, 3]], \"label\": 2}");
        checkArgs("a missing path", "nope.jsonl: no such file or directory", "--data",
                tmp.resolve("nope.jsonl").toString());
        Path emptyDir = Files.createDirectories(tmp.resolve("empty-dir"));
        checkArgs("a directory without data files", "empty-dir: no data file there", "--data", emptyDir.toString());
        Path csv = write("series.csv", "year,value", "1,10", "2,oops", "3,12");
        checkArgs("a CSV column that does not exist", "line 1: no column 'count' (--column); the header has [year, value]",
                "--data", csv.toString(), "--format", "csv", "--column", "count", "--window", "1");
        checkArgs("a CSV value that is not numeric", "series.csv line 3: column 'value' value 'oops' is not a number",
                "--data", csv.toString(), "--format", "csv", "--column", "value", "--window", "1");
    }

    @Test
    void badOptions() throws Exception {
        Path good = write("ok.jsonl", "{\"features\": [[1, 2]], \"label\": 1}");
        checkArgs("an unknown option", "unknown option '--colour' (did you mean --column or --conf?)", "--data", good.toString(), "--colour", "red");
        checkArgs("a misspelled option", "unknown option '--hiden' (did you mean --hidden?)",
                "--data", good.toString(), "--hiden", "8");
        checkArgs("a negative learning rate", "--lr must be > 0, got -0.1", "--data", good.toString(), "--lr", "-0.1");
        checkArgs("a zero hidden size", "--hidden needs one size >= 1 per layer", "--data", good.toString(),
                "--hidden", "8,0");
        NetworkSpec other = new NetworkSpec(2, List.of(LayerSpec.lstm(5)), 1, Loss.MSE);
        Path init = tmp.resolve("other.safetensors");
        Files.write(init, SafeTensors.toBytes(TorchNames.tensors(other, new double[new org.sparkrnn.model
                .ParameterLayout(other).size()], Precision.FLOAT32), Map.of()));
        checkArgs("--init weights of another shape",
                "other.safetensors: tensor 'lstm.weight_ih_l0' has shape [20, 2], I=2 lstm(3) -> 1 (mse) needs [12, 2]",
                "--data", good.toString(), "--hidden", "3", "--init", init.toString());
        checkArgs("--resume with another model configuration", "--resume: this run's settings differ from those in",
                true, "--data", tmp.resolve("good.jsonl").toString(), "--hidden", "4", "--iterations", "2",
                "--checkpoint-every", "1", "--model-dir", existing.toString(), "--resume");
        checkArgs("training into a directory that holds a run", "already holds a training run", true,
                "--data", tmp.resolve("good.jsonl").toString(), "--model-dir", existing.toString());
    }

    @Test
    void badRecordsCanBeSkippedAndAreReported() throws Exception {
        Path data = write("mixed.jsonl", "{\"features\": [[1, 2]], \"label\": 1}", "{\"features\": [[1]], \"label\": 1}",
                "{\"features\": [[2, 2]], \"label\": 2}", "not json", "{\"features\": [[3, 2]], \"label\": 3}");
        Path model = tmp.resolve("skip-model");
        Printed.Output<Integer> run = Printed.capture(false, () -> Main.run("train", "--data", data.toString(),
                "--on-bad-record", "skip", "--iterations", "2", "--model-dir", model.toString(), "--master",
                "local[1]"));
        int exit = run.value();
        String text = run.text();
        assertEquals(0, exit, text);
        assertTrue(text.contains("warning: skipped 2 bad record(s), written to " + model.resolve("rejects")), text);
        assertTrue(text.contains("data: 3 training sequences"), text);
        assertTrue(text.contains("2 bad record(s) skipped"), text);
        List<String> rejects;
        try (Stream<Path> parts = Files.list(model.resolve("rejects"))) {
            rejects = new ArrayList<>();
            for (Path part : parts.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
                rejects.addAll(Files.readAllLines(part));
            }
        }
        assertEquals(2, rejects.size(), rejects.toString());
        assertTrue(rejects.get(0).startsWith(data + " line 2: step 0 has 1 features, expected 2"), rejects.get(0));
        assertTrue(rejects.get(1).endsWith("\tnot json"), rejects.get(1));
    }

    private void check(String what, String expected, String... lines) throws Exception {
        check(what, expected, new String[0], lines);
    }

    private void check(String what, String expected, String[] options, String... lines) throws Exception {
        Path data = write(what.replaceAll("[^a-z]+", "-") + ".jsonl", lines);
        List<String> args = new ArrayList<>(List.of("--data", data.toString()));
        args.addAll(List.of(options));
        checkArgs(what, expected, args.toArray(new String[0]));
    }

    private void checkArgs(String what, String expected, String... trainArgs) throws Exception {
        checkArgs(what, expected, false, trainArgs);
    }

    private void checkArgs(String what, String expected, boolean ownModelDir, String... trainArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("train"));
        args.addAll(List.of(trainArgs));
        Path fresh = tmp.resolve("fresh-" + TABLE.size());
        if (!ownModelDir) {
            args.addAll(List.of("--model-dir", fresh.toString(), "--iterations", "1"));
        }
        args.addAll(List.of("--master", "local[1]"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = Main.run(args.toArray(new String[0]));
        } finally {
            System.setErr(stderr);
        }
        String text = err.toString(StandardCharsets.UTF_8);
        String line = text.lines().filter(l -> l.startsWith("error: ")).findFirst().orElse("(no error line) " + text);
        assertEquals(Main.USER_ERROR, exit, what + ": " + text);
        assertTrue(line.contains(expected), what + ": expected '" + expected + "' in: " + line);
        assertFalse(text.contains("\tat "), what + ": a stack trace without --verbose: " + text);
        assertEquals(existingDigest, digest(existing), what + ": the existing model directory changed");
        assertFalse(Files.exists(fresh.resolve("model.safetensors")) || Files.exists(fresh.resolve("config.properties")),
                what + ": a model directory was written");
        TABLE.add("| " + what + " | `" + line.replace(tmp.toString() + "/", "").replace("|", "\\|")
                + "` | existing model dir unchanged (all files hashed); nothing written |");
    }

    private static Path write(String name, String... lines) throws IOException {
        Path file = tmp.resolve(name);
        Files.write(file, List.of(lines));
        return file;
    }

    private static Map<String, String> digest(Path dir) throws Exception {
        Map<String, String> digests = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                digests.put(dir.relativize(file).toString(), HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
            }
        }
        return digests;
    }

    private interface Action {
        int run() throws Exception;
    }

    private static int quietly(Action action) {
        return Printed.quietly(action::run);
    }
}
