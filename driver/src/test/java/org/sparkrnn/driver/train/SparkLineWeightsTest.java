package org.sparkrnn.driver.train;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.TestData;
import org.sparkrnn.driver.cli.TrainCommand;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A fixed float64 training run (two layers, GRU and bidirectional LSTM, full batch, 3 partitions) ends with the
 * weights in {@code golden/spark-line-weights.txt}, written on the Spark 4.2 line. {@code scripts/test} runs this on
 * both Spark lines, which is how a Spark 3.5 build is shown to train the same model as a 4.2 build. Regenerate (on
 * 4.2 only, after a deliberate change to the numerics) with {@code -Dsparkrnn.writeGolden=<file>}.
 */
@Tag("every-spark-line")
class SparkLineWeightsTest {

    private static final PrintStream QUIET = new PrintStream(java.io.OutputStream.nullOutputStream());

    @TempDir
    Path tmp;

    @Test
    void theSameRunEndsWithTheSameWeightsOnEverySparkLine() throws Exception {
        Path data = TestData.perStepRegression(tmp, "steps.jsonl", 24, 3, 7, 99);
        double[] weights = new double[0];
        for (String[] model : List.of(new String[] {"--cell", "gru", "--hidden", "5,4"},
                new String[] {"--cell", "lstm", "--bidirectional", "--hidden", "4"})) {
            String[] args = java.util.stream.Stream.concat(Arrays.stream(model), java.util.stream.Stream.of(
                    "--data", data.toString(), "--iterations", "12", "--batch-size", "all", "--precision",
                    "float64", "--partitions", "3", "--lr", "0.02", "--model-dir",
                    tmp.resolve(model[1] + model.length).toString())).toArray(String[]::new);
            Trainer.Result result = new Trainer(SharedSpark.get(), TrainCommand.parse(args), QUIET).run();
            weights = concat(weights, result.finalParams());
        }
        String write = System.getProperty("sparkrnn.writeGolden");
        if (write != null) {
            Files.writeString(Path.of(write), Arrays.stream(weights).mapToObj(w -> String.format(Locale.ROOT,
                    "%.17g", w)).collect(Collectors.joining("\n", "", "\n")));
        }
        double[] golden;
        try (var in = getClass().getResourceAsStream("/golden/spark-line-weights.txt")) {
            golden = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
                    .mapToDouble(Double::parseDouble).toArray();
        }
        assertEquals(golden.length, weights.length);
        for (int j = 0; j < golden.length; j++) {
            assertEquals(golden[j], weights[j], 1e-11 * Math.max(1, Math.abs(golden[j])), "weight " + j);
        }
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
