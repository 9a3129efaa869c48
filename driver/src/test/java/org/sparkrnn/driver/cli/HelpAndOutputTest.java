package org.sparkrnn.driver.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.driver.Printed;
import org.sparkrnn.driver.SharedSpark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a user reads: help that is true for each subcommand, and evaluate reporting the run's own split, training and
 * validation apart, with the validation metrics training reported; metrics.csv counting epochs as the console does.
 */
class HelpAndOutputTest {

    @TempDir
    Path tmp;

    private static String run(String... args) {
        Printed.Output<Integer> run = Printed.commandLine(false, args);
        SharedSpark.stop();
        assertEquals(0, run.value(), String.join(" ", args));
        return run.text();
    }

    @Test
    void helpIsTrueForEachSubcommand() {
        String main = run("--help");
        assertTrue(main.contains("(LSTM, GRU, RNN)"), main);
        String train = run("train", "--help");
        assertTrue(train.contains("--hidden=H1,H2,..") && !train.contains("[,H1,H2"), train);
        assertTrue(train.contains("csv, text: steps per sequence. Default: 32."), train);
        String evaluate = run("evaluate", "--help");
        assertTrue(evaluate.contains("csv, text: steps per sequence. Default: the run's."), evaluate);
        assertFalse(evaluate.contains("Default: 32"), evaluate);
        String predict = run("predict", "--help");
        assertFalse(predict.contains("--validation-fraction") || predict.contains("--seed"), predict);
        String export = run("export", "--help");
        assertFalse(export.contains("--seed"), export);
        String sample = run("sample", "--help");
        assertTrue(sample.contains("Seed of the sampling"), sample);
        assertFalse(sample.contains("random splits"), sample);
    }

    @Test
    void evaluateReportsTheRunsSplitAsTrainingReportedIt() throws Exception {
        Path model = tmp.resolve("model");
        String training = run("train", "--conf", "../conf/sunspots.conf", "--data", "../data/sunspots.csv",
                "--model-dir", model.toString(), "--epochs", "2", "--validate-every", "16", "--master", "local[2]",
                "--log-every", "16");
        Matcher validated = Pattern.compile("validation @16: loss \\S+ rmse (\\S+)").matcher(training);
        assertTrue(validated.find(), training);
        String evaluation = run("evaluate", "--model-dir", model.toString(), "--master", "local[2]");
        // each side's line (the run's --baseline is compared too: its lines say "baseline")
        List<String> lines = evaluation.lines().filter(l -> l.contains(" sequences, ")).toList();
        assertEquals(2, lines.size(), evaluation);
        assertTrue(evaluation.contains("=> validation, rmse "), "the run's baseline, compared: " + evaluation);
        assertTrue(lines.get(0).contains(", training (241 sequences"), lines.get(0));
        assertTrue(lines.get(1).contains(", validation (48 sequences"), lines.get(1));
        assertTrue(lines.get(1).contains(" rmse " + validated.group(1) + " "), "the validation rmse training"
                + " reported: " + validated.group(1) + " vs " + lines.get(1));
        String all = run("evaluate", "--model-dir", model.toString(), "--part", "all", "--master", "local[2]");
        assertTrue(all.contains(", all (289 sequences"), all);

        // metrics.csv counts epochs from 1, as the progress lines do
        List<String> csv = Files.readAllLines(model.resolve("metrics.csv"));
        assertTrue(csv.get(csv.size() - 1).startsWith("16,2,"), csv.get(csv.size() - 1));
        assertTrue(training.contains("iter 16/16  epoch 2 "), training);
    }
}
