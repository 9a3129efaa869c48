package org.sparkrnn.driver.config;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.TestData;
import org.sparkrnn.driver.cli.Main;
import org.sparkrnn.driver.cli.TrainCommand;
import org.sparkrnn.driver.ml.LstmClassifier;
import org.sparkrnn.driver.ml.LstmRegressor;
import org.sparkrnn.model.CellType;
import org.sparkrnn.optim.LearningRateSchedule;
import org.sparkrnn.optim.OptimizerKind;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both front ends translate into the one typed configuration: a name it does not know is a clear error from either
 * (never a fallback to some other value), each names the settings in its own spelling (options on the command
 * line, params in the Spark ML API), and an option given twice follows one rule: the last one wins.
 */
class FrontEndsTest {

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalErr;

    @BeforeEach
    void captureStderr() {
        originalErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStderr() {
        System.setErr(originalErr);
    }

    @Test
    void unknownNamesAreRefusedByTheCommandLine() {
        List<String[]> cases = List.of(
                new String[] {"--cell", "lstn", "unknown cell 'lstn', expected one of lstm, rnn, gru"},
                new String[] {"--optimizer", "adamw", "unknown optimizer 'adamw', expected one of sgd, adam, rmsprop,"
                        + " adagrad"},
                new String[] {"--schedule", "linear", "unknown schedule 'linear', expected one of constant, step,"
                        + " exponential, cosine"},
                new String[] {"--activation", "relu", "unknown activation 'relu', expected one of tanh, identity"},
                new String[] {"--precision", "float16", "unknown precision 'float16', expected one of float32,"
                        + " float64"},
                new String[] {"--loss", "mae", "unknown loss 'mae', expected one of auto, mse, cross-entropy,"
                        + " sum-half-squared, quantile:LEVELS, gaussian, student-t, negative-binomial"},
                new String[] {"--init-scheme", "he", "unknown init-scheme 'he', expected one of pytorch,"
                        + " xavier-orthogonal"},
                new String[] {"--split", "head", "unknown split 'head', expected one of random, tail"});
        for (String[] c : cases) {
            SettingError e = assertThrows(SettingError.class,
                    () -> TrainCommand.parse("--data", "x.jsonl", c[0], c[1]));
            assertEquals(c[2], e.getMessage(), c[0]);
        }
    }

    @Test
    void unknownNamesAreRefusedByTheEstimatorsNamingTheirParams() {
        List<Object[]> cases = List.of(
                new Object[] {(Function<LstmRegressor, LstmRegressor>) r -> r.setCell("lstn"),
                    "unknown cell 'lstn', expected one of lstm, rnn, gru"},
                new Object[] {(Function<LstmRegressor, LstmRegressor>) r -> r.setOptimizer("adamw"),
                    "unknown optimizer 'adamw', expected one of sgd, adam, rmsprop, adagrad"},
                new Object[] {(Function<LstmRegressor, LstmRegressor>) r -> r.setSchedule("linear"),
                    "unknown schedule 'linear', expected one of constant, step, exponential, cosine"},
                new Object[] {(Function<LstmRegressor, LstmRegressor>) r -> r.setInitScheme("he"),
                    "unknown initScheme 'he', expected one of pytorch, xavier-orthogonal"});
        for (Object[] c : cases) {
            @SuppressWarnings("unchecked")
            Function<LstmRegressor, LstmRegressor> set = (Function<LstmRegressor, LstmRegressor>) c[0];
            LstmRegressor regressor = new LstmRegressor();
            // refused when set, before any fit
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> set.apply(regressor));
            assertEquals(regressor.uid() + ": " + c[1], e.getMessage());
            assertFalse(e.getMessage().contains("--"), "params, not options: " + e.getMessage());
        }
    }

    @Test
    void theEstimatorsNameTheirParamsInEveryCheck() {
        // one value alone: refused when set
        assertRefusedWhenSet(r -> r.setDropout(1.0), "dropout must be in [0, 1), got 1.0");
        assertRefusedWhenSet(r -> r.setBatchSize(-3), "batchSize must be at least 1 (or all), got -3");
        assertRefusedWhenSet(r -> r.setValidationFraction(1.5), "validationFraction must be in [0, 1), got 1.5");
        assertRefusedWhenSet(r -> r.setHidden(), "hidden needs one size >= 1 per layer");
        assertRefusedWhenSet(r -> r.setHidden(8, 0), "hidden needs one size >= 1 per layer");
        assertRefusedWhenSet(r -> r.setKeepCheckpoints(0), "keepCheckpoints must be at least 1, got 0");
        assertRefusedWhenSet(r -> r.setNormalize("minmax"), "unknown normalize 'minmax'");
        assertRefusedWhenSet(r -> r.setLr(-0.1), "lr must be > 0, got -0.1");
        assertRefusedWhenSet(r -> r.setEpochs(0), "epochs must be > 0, got 0.0");
        assertRefusedWhenSet(r -> r.setIterations(-1), "iterations must be >= 0, got -1");
        assertRefusedWhenSet(r -> r.setStepSize(0), "stepSize must be at least 1, got 0");
        assertRefusedWhenSet(r -> r.setLoss("mae"), "unknown loss 'mae', expected one of auto, mse, cross-entropy,"
                + " sum-half-squared, quantile:LEVELS, gaussian, student-t, negative-binomial");
        assertRefusedWhenSet(r -> r.setLoss("quantile:0.5,0.2"), "loss quantile: quantile levels must be ascending"
                + " and distinct (0.2 after 0.5)");
        LstmClassifier classifier = new LstmClassifier();
        IllegalArgumentException classes = assertThrows(IllegalArgumentException.class,
                () -> classifier.setClasses(1));
        assertEquals(classifier.uid() + ": classes must be 0 (infer) or at least 2, got 1", classes.getMessage());
        // combinations: refused when the whole configuration is built (fit), whatever the order they were set in
        assertMessage(new LstmRegressor().setTbptt(5).setBidirectional(true),
                "tbptt cuts sequences into chunks, but bidirectional reads whole sequences; use one or the other");
        assertMessage(new LstmRegressor().setTbptt(5).setPooling("mean"),
                "tbptt cuts sequences into chunks, but pooling mean reads whole sequences; use one or the other");
        assertMessage(new LstmRegressor().setNesterov(true), "nesterov needs a momentum > 0");
        assertMessage(new LstmRegressor().setDropout(0.5), "dropout acts between stacked layers");
        assertMessage(new LstmRegressor().setMomentum(0.9), "momentum applies to sgd and rmsprop, not optimizer adam");
    }

    private static void assertRefusedWhenSet(Function<LstmRegressor, LstmRegressor> set, String expected) {
        LstmRegressor regressor = new LstmRegressor();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> set.apply(regressor));
        assertTrue(e.getMessage().startsWith(regressor.uid() + ": " + expected), e.getMessage());
        assertFalse(e.getMessage().contains("--"), "params, not options: " + e.getMessage());
        assertEquals(new LstmRegressor().trainingConfig().loop(), regressor.trainingConfig().loop(),
                "a refused value is not kept");
    }

    private static void assertMessage(LstmRegressor estimator, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, estimator::trainingConfig);
        assertTrue(e.getMessage().startsWith(estimator.uid() + ": " + expected), e.getMessage());
    }


    @Test
    void theSameChecksSpeakInOptionsOnTheCommandLine() {
        assertEquals("--tbptt cuts sequences into chunks, but --pooling mean reads whole sequences; use one or the"
                + " other", assertThrows(SettingError.class, () -> TrainCommand.parse("--data", "x.jsonl", "--tbptt",
                "5", "--pooling", "mean")).getMessage());
        assertEquals("--nesterov needs a --momentum > 0", assertThrows(SettingError.class,
                () -> TrainCommand.parse("--data", "x.jsonl", "--nesterov")).getMessage());
        assertEquals("--hidden needs one size >= 1 per layer, e.g. --hidden 64 or --hidden 64,64; got '64,,2'",
                assertThrows(SettingError.class, () -> TrainCommand.parse("--data", "x.jsonl", "--hidden", "64,,2"))
                        .getMessage());
    }

    @Test
    void everyChoiceIsTypedOnceAndMapsToItsEnum() {
        TrainingConfig config = TrainCommand.parse("--data", "x.jsonl", "--cell", "gru", "--optimizer", "rmsprop",
                "--schedule", "cosine", "--split", "tail", "--validation-fraction", "0.2");
        assertEquals(CellType.GRU, config.model().cell());
        assertEquals(OptimizerKind.RMSPROP, config.optim().optimizer());
        assertEquals(LearningRateSchedule.Kind.COSINE, config.optim().schedule());
        assertEquals(Split.TAIL, config.data().split());
        TrainingConfig fromParams = new LstmRegressor().setCell("gru").setOptimizer("rmsprop").setSchedule("cosine")
                .trainingConfig();
        assertEquals(config.model().cell(), fromParams.model().cell());
        assertEquals(config.optim(), fromParams.optim());
    }

    @Test
    void anOptionGivenTwiceTakesTheLastValue() throws Exception {
        TrainingConfig config = TrainCommand.parse("--data", "a.jsonl", "--hidden", "4", "--hidden", "7",
                "--format", "csv", "--format", "jsonl", "--data", "b.jsonl", "--lr", "0.5", "--lr", "0.01");
        assertEquals(List.of(7), config.model().hidden(), "not two layers 4 and 7");
        assertEquals("jsonl", config.data().format());
        assertEquals("b.jsonl", config.data().path());
        assertEquals(0.01, config.optim().learningRate());

        // the same through the real command line, with settings files: the last --conf and the last option win
        Path data = TestData.write(tmp, "d.jsonl", "{\"features\": [[1], [2]], \"label\": 0.5}",
                "{\"features\": [[2], [1]], \"label\": 0.1}");
        Path first = tmp.resolve("first.conf");
        Files.writeString(first, "hidden = 3\nepochs = 1\n");
        Path second = tmp.resolve("second.conf");
        Files.writeString(second, "hidden = 5\nepochs = 1\n");
        Path model = tmp.resolve("model");
        SharedSpark.stop();
        int exit = Main.run("train", "--conf", first.toString(), "--conf", second.toString(), "--data",
                data.toString(), "--model-dir", tmp.resolve("ignored").toString(), "--model-dir", model.toString(),
                "--hidden", "2", "--hidden", "6", "--iterations", "1", "--master", "local[1]", "--log-every", "10");
        assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
        Properties saved = new Properties();
        try (var in = Files.newInputStream(model.resolve("config.properties"))) {
            saved.load(in);
        }
        assertEquals("6", saved.getProperty("hidden"));
        assertFalse(Files.exists(tmp.resolve("ignored")), "the first --model-dir was not used");
    }

    @Test
    void noJavaClassNameReachesTheUser() throws Exception {
        Path data = TestData.write(tmp, "d.jsonl", "{\"features\": [[1], [2]], \"label\": 0.5}");
        Path notSafetensors = tmp.resolve("x.safetensors");
        Files.writeString(notSafetensors, "hello");
        SharedSpark.stop();
        int exit = Main.run("train", "--data", data.toString(), "--init", notSafetensors.toString(), "--model-dir",
                tmp.resolve("m").toString(), "--iterations", "1", "--master", "local[1]");
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(Main.USER_ERROR, exit, text);
        String line = text.lines().filter(l -> l.startsWith("error: ")).findFirst().orElse(text);
        assertEquals("error: " + notSafetensors + ": not a safetensors file (shorter than its 8-byte header length)",
                line);
        assertFalse(text.contains("java."), text);
    }

    @Test
    void onlyPathsOfFilesAreStoredQualified() {
        TrainingConfig frame = new LstmRegressor().trainingConfig().withInputPaths(path -> "/abs/" + path);
        assertEquals("DataFrame[features, label]", frame.data().path(), "a DataFrame's columns are not a path");
        TrainingConfig files = TrainCommand.parse("--data", "d.jsonl", "--validation", "v.jsonl")
                .withInputPaths(path -> "/abs/" + path);
        assertEquals("/abs/d.jsonl", files.data().path());
        assertEquals("/abs/v.jsonl", files.data().validationPath());
    }
}
