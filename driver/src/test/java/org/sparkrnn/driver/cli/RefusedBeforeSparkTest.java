package org.sparkrnn.driver.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.driver.SharedSpark;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every refusal the options, the model directory or the file system decide comes before Spark starts: each command
 * here runs with a master Spark cannot parse, so a command that started Spark first would end with Spark's
 * "Could not parse Master URL" (exit 1) instead of its own one line (exit 2). No time is measured.
 */
@Tag("no-numerics")
class RefusedBeforeSparkTest {

    /** A master URL no Spark accepts: starting Spark with it fails at once. */
    private static final String NO_SPARK = "no-spark-here://0";

    /** The bundled CO2 long table, from the module's directory (where Maven runs the tests). */
    private static final String CO2_BY_YEAR = "../data/co2-by-year.csv";

    @TempDir
    static Path runs;

    private static Path model;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalErr;

    /** A small standardised model of the CO2 long table, trained once through the command line. */
    @BeforeAll
    static void trainAModel() {
        SharedSpark.stop();
        model = runs.resolve("co2");
        int exit = Main.run("train", "--data", CO2_BY_YEAR, "--format", "csv", "--id-column", "year",
                "--time-column", "date", "--feature-columns", "co2,season", "--target-column", "co2", "--window", "8",
                "--normalize", "standard", "--hidden", "4", "--iterations", "2", "--model-dir", model.toString(),
                "--master", "local[1]");
        assertEquals(0, exit);
    }

    @BeforeEach
    void captureStderr() {
        originalErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStderr() {
        System.setErr(originalErr);
    }

    /** {@code args} (with the unparseable master) end with exit code 2 and one line that says {@code expected}. */
    private void assertRefused(String expected, String... args) {
        err.reset();
        int exit = Main.run(Stream.concat(Stream.of(args), Stream.of("--master", NO_SPARK)).toArray(String[]::new));
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(Main.USER_ERROR, exit, text);
        assertEquals(1, text.lines().count(), text);
        assertTrue(text.contains(expected), text);
    }

    @Test
    void trainingRefusesARunDirectoryAndMissingDataBeforeSparkStarts() throws Exception {
        assertRefused(model + " already holds a training run", "train", "--data", CO2_BY_YEAR, "--format", "csv",
                "--column", "co2", "--model-dir", model.toString());
        Path empty = Files.createDirectories(runs.resolve("empty"));
        assertRefused(empty + " holds no run to resume", "train", "--data", CO2_BY_YEAR, "--format", "csv",
                "--column", "co2", "--model-dir", empty.toString(), "--resume");
        assertRefused("none.csv: no such file or directory", "train", "--data", runs.resolve("none.csv").toString(),
                "--format", "csv", "--column", "co2", "--model-dir", runs.resolve("new").toString());
    }

    @Test
    void predictionRefusesAnOutputThatExistsAndAModelThatDoesNot() throws Exception {
        Path output = Files.createDirectories(runs.resolve("predictions"));
        assertRefused(output + " already exists", "predict", "--model-dir", model.toString(), "--output",
                output.toString());
        Path noModel = Files.createDirectories(runs.resolve("no-model"));
        assertRefused(noModel + ": no model.safetensors here", "predict", "--model-dir", noModel.toString(),
                "--data", CO2_BY_YEAR, "--output", runs.resolve("p2").toString());
        assertRefused("--normalize none (the model's: standard)", "predict", "--model-dir", model.toString(),
                "--output", runs.resolve("p3").toString(), "--normalize", "none");
        assertRefused("gone.csv: no such file or directory", "predict", "--model-dir", model.toString(), "--output",
                runs.resolve("p4").toString(), "--data", runs.resolve("gone.csv").toString());
    }

    @Test
    void evaluationRefusesWhatTheModelDecides() {
        assertRefused("needs the training class counts; evaluate compares with last or lag:N", "evaluate", "--model-dir",
                model.toString(), "--baseline", "unigram");
        assertRefused("--normalize none (the model's: standard)", "evaluate", "--model-dir", model.toString(),
                "--normalize", "none");
        assertRefused("missing: no model.safetensors here", "evaluate", "--model-dir",
                runs.resolve("missing").toString(), "--data", CO2_BY_YEAR, "--format", "csv", "--column", "co2");
        // without --data the run's data is read: a directory without a model is what is wrong (it said "--data is
        // required"), for each command that reads a saved model
        for (String[] command : new String[][] {{"evaluate"}, {"predict", "--output", runs.resolve("p5").toString()},
            {"backtest", "--origins", "2"}}) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(command));
            args.addAll(java.util.List.of("--model-dir", runs.resolve("typo").toString()));
            assertRefused("typo: no model.safetensors here", args.toArray(String[]::new));
        }
    }

    @Test
    void aStreamRefusesAMissingSourceAndTheModelsOptionsBeforeSparkStarts() throws Exception {
        Path source = Files.createDirectories(runs.resolve("arrivals"));
        assertRefused("nowhere: no such directory", "stream", "--model-dir", model.toString(), "--source",
                runs.resolve("nowhere").toString(), "--output", "console");
        assertRefused("--normalize none (the model's: standard)", "stream", "--model-dir", model.toString(),
                "--source", source.toString(), "--output", "console", "--normalize", "none");
    }
}
