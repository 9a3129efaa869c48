package org.sparkrnn.driver.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.TestData;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input and bad options end the command with exit code 2 and one line naming the file, line and problem. */
class CommandLineErrorsTest {

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalErr;

    @BeforeEach
    void captureStderr() {
        SharedSpark.stop();
        originalErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStderr() {
        System.setErr(originalErr);
    }

    private String run(String... args) {
        err.reset();
        int exit = Main.run(args);
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(Main.USER_ERROR, exit, text);
        assertFalse(text.contains("\tat "), "no stack trace without --verbose: " + text);
        return text.lines().filter(l -> l.startsWith("error: ")).findFirst().orElse(text);
    }

    private String train(Path data, String... extra) {
        String[] base = {"train", "--data", data.toString(), "--model-dir", tmp.resolve("model").toString(),
                "--iterations", "1", "--master", "local[1]"};
        return run(java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(extra))
                .toArray(String[]::new));
    }

    @Test
    void badRecordsAreNamedByFileAndLine() throws Exception {
        Path wrongWidth = TestData.write(tmp, "width.jsonl",
                "{\"features\": [[1, 2], [3, 4]], \"label\": 0.5}",
                "",
                "{\"features\": [[1, 2], [3, 4, 5]], \"label\": 0.5}");
        assertEquals("error: " + wrongWidth + " line 3: step 1 has 3 features, expected 2 (the first record had 2)",
                train(wrongWidth));

        Path malformed = TestData.write(tmp, "malformed.jsonl",
                "{\"features\": [[1]], \"label\": 1}", "{\"features\": [[1]], \"label\": }");
        String message = train(malformed);
        assertTrue(message.contains("malformed.jsonl line 2: malformed JSON"), message);

        Path badClass = TestData.write(tmp, "classes.jsonl",
                "{\"features\": [[1]], \"label\": 1}", "{\"features\": [[1]], \"label\": 7}");
        message = train(badClass, "--task", "classification", "--classes", "3");
        assertTrue(message.contains("classes.jsonl line 2: label class id 7 is outside [0, 3)"), message);

        Path empty = TestData.write(tmp, "empty.jsonl", "{\"features\": [], \"label\": 1}");
        message = train(empty);
        assertTrue(message.contains("empty.jsonl line 1: the sequence is empty"), message);
    }

    @Test
    void missingDataAndWrongOptionsAreExplained() throws Exception {
        String message = train(tmp.resolve("nope.jsonl"));
        assertTrue(message.contains("nope.jsonl: no such file or directory"), message);

        Path ok = TestData.write(tmp, "ok.jsonl", "{\"features\": [[1]], \"label\": 1}");
        message = train(ok, "--batch-size", "many");
        assertEquals("error: --batch-size must be a number or 'all', got 'many'", message);

        Path conf = tmp.resolve("bad.conf");
        Files.writeString(conf, "hidden = 8\nhiden = 9\n# a comment\n\nepocs: 3\nwindowz = 4\n");
        message = run("train", "--conf", conf.toString(), "--data", ok.toString());
        assertEquals("error: " + conf + ": line 2: 'hiden' is not an option of 'train' (did you mean hidden?);"
                + " line 5: 'epocs' is not an option of 'train' (did you mean epochs?); line 6: 'windowz' is not an"
                + " option of 'train' (did you mean window?) (see lstm-spark train --help)", message);

        message = train(ok, "--loss", "cross-entropy");
        assertTrue(message.contains("--loss cross-entropy does not fit the labels (numbers)"), message);
        assertFalse(Files.exists(tmp.resolve("model").resolve("model.safetensors")));
    }

    /**
     * An option the format has no use for is refused when it is given, at its default value too (whether it was
     * given is known, not guessed from the value), on the command line or in the user's settings file; a run's own
     * settings, read back as defaults, do not count as given.
     */
    @Test
    void windowOptionsAreRefusedForFormatsWithoutWindowsEvenAtTheirDefaults() throws Exception {
        Path ok = TestData.write(tmp, "ok.jsonl", "{\"features\": [[1]], \"label\": 1}");
        assertEquals("error: --window shapes csv windows and text, not --format jsonl", train(ok, "--window", "32"));
        assertEquals("error: --horizon, --missing shape csv windows, not --format jsonl",
                train(ok, "--horizon", "1", "--missing", "skip"));
        Path conf = tmp.resolve("window.conf");
        Files.writeString(conf, "window = 32\n");
        assertEquals("error: --window shapes csv windows and text, not --format jsonl",
                run("train", "--conf", conf.toString(), "--data", ok.toString(), "--iterations", "1",
                        "--master", "local[1]"));
        // a jsonl run stores window = 32 among its settings: evaluating it reads them, and is not refused
        Path model = tmp.resolve("jsonl-model");
        assertEquals(0, Main.run("train", "--data", ok.toString(), "--model-dir", model.toString(), "--iterations",
                "1", "--master", "local[1]"));
        java.util.Properties settings = new java.util.Properties();
        settings.load(new java.io.StringReader(Files.readString(model.resolve("config.properties"))));
        assertEquals("32", settings.getProperty("window"), settings.toString());
        assertEquals(0, Main.run("evaluate", "--model-dir", model.toString(), "--master", "local[1]"));
    }

    /** A long table with a header and no row: one line, not an index out of bounds. */
    @Test
    void aTableWithOnlyAHeaderSaysSo() throws Exception {
        Path header = Files.writeString(tmp.resolve("header.csv"), "year,date,co2\n");
        assertEquals("error: " + header + ": the table has no row (only a header?)", train(header, "--format", "csv",
                "--id-column", "year", "--time-column", "date", "--target-column", "co2", "--window", "4"));
    }

    /**
     * A stream reads --source: --data, which train, evaluate and predict read, is refused, not ignored; so is
     * --partitions (a stream caches no data; its state store's partitions are Spark's shuffle partitions).
     */
    @Test
    void aStreamRefusesDataAndPartitions() {
        assertEquals("error: --partitions is how cached data are cut; a stream caches none (its state store has one"
                + " partition per core, fixed by the checkpoint's first run: --spark spark.sql.shuffle.partitions=N"
                + " chooses)", run("stream", "--model-dir", tmp.resolve("no-model").toString(), "--source",
                tmp.toString(), "--output", "console", "--partitions", "7"));
        assertEquals("error: --data is what train, evaluate and predict read; a stream reads its rows from --source"
                + " DIR|kafka", run("stream", "--model-dir", tmp.resolve("no-model").toString(), "--source",
                tmp.toString(), "--output", tmp.resolve("out").toString(), "--checkpoint-location",
                tmp.resolve("ck").toString(), "--data", "/nonexistent/x.csv"));
    }

    /**
     * --relative-to-last and --normalize window express windows of a series (csv windows, a long table of any
     * format): records that are sequences already refuse them before anything runs.
     */
    @Test
    void windowTransformsAreRefusedForRecordsThatAreNotWindowsOfASeries() throws java.io.IOException {
        String jsonl = TestData.write(tmp, "records.jsonl", "{\"features\": [[1.0]], \"label\": 1.0}").toString();
        assertEquals("error: --relative-to-last applies to windows of a series (csv windows, a long table), not"
                + " --format jsonl", run("train", "--data", jsonl, "--format", "jsonl", "--relative-to-last",
                "--master", "local[1]"));
        assertEquals("error: --normalize window applies to windows of a series (csv windows, a long table), not"
                + " --format jsonl", run("train", "--data", jsonl, "--format", "jsonl", "--normalize", "window",
                "--master", "local[1]"));
    }

    /** Two ways of choosing the validation data at once are refused, for csv windows and long tables alike. */
    @Test
    void aTimeSplitAndAHeldOutShareAreNotBothTaken() {
        String both = "error: --validate-from and --validation-fraction both choose the validation data; give one";
        assertEquals(both, run("train", "--data", tmp.resolve("s.csv").toString(), "--format", "csv", "--column",
                "v", "--time-column", "t", "--validate-from", "2000", "--validation-fraction", "0.2"));
        assertEquals(both, run("train", "--data", tmp.resolve("table.csv").toString(), "--format", "csv",
                "--id-column", "id", "--time-column", "t", "--target-column", "v", "--validate-from", "2000",
                "--validation-fraction", "0.2"));
    }
}
