package org.sparkrnn.driver.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.driver.SharedSpark;
import org.sparkrnn.driver.cli.TrainCommand;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model learns on the bundled real data, judged against the baselines a user would compare with (loose bounds,
 * so noise cannot fail them; the README states the numbers of the full example runs).
 */
class RealLearningTest {

    private static final PrintStream QUIET = new PrintStream(java.io.OutputStream.nullOutputStream());

    @TempDir
    Path tmp;

    private static Path project(String relative) {
        Path here = Path.of("").toAbsolutePath();
        Path candidate = here.resolve(relative);
        return Files.exists(candidate) ? candidate : here.getParent().resolve(relative);
    }

    @Test
    void sunspotForecastsBeatTheNaiveForecast() throws Exception {
        Path csv = project("data/sunspots.csv");
        Map<Integer, Double> byYear = new LinkedHashMap<>();
        for (String line : Files.readAllLines(csv).subList(1, 310)) {
            String[] f = line.split(",");
            byYear.put((int) Double.parseDouble(f[0]), Double.parseDouble(f[1]));
        }
        double naive = 0;
        for (int year = 1961; year <= 2008; year++) {
            double error = byYear.get(year) - byYear.get(year - 1); // next year = this year
            naive += error * error;
        }
        naive = Math.sqrt(naive / 48);

        Trainer.Result result = new Trainer(SharedSpark.get(), TrainCommand.parse("--format", "csv",
                "--data", csv.toString(), "--column", "SUNACTIVITY", "--time-column", "YEAR", "--window", "20",
                "--validate-from", "1961", "--normalize", "standard", "--hidden", "32", "--lr", "0.01",
                "--batch-size", "32", "--epochs", "30", "--precision", "float64", "--validate-every", "20",
                "--model-dir", tmp.resolve("sunspots").toString()), QUIET).run();
        double best = result.history().rows().stream().filter(r -> r.validation().containsKey("rmse"))
                .mapToDouble(r -> r.validation().get("rmse")).min().orElseThrow();
        assertTrue(best < 0.75 * naive, "validation RMSE " + best + " vs naive " + naive);
        assertTrue(Files.readString(tmp.resolve("sunspots/loss.svg")).contains("<polyline"));
    }

    @Test
    void characterModelBeatsTheUnigramBaseline() throws Exception {
        String text = Files.readString(project("data/fortunes.txt"), StandardCharsets.ISO_8859_1);
        Path sample = tmp.resolve("fortunes-sample.txt");
        Files.writeString(sample, text.substring(0, 150_000), StandardCharsets.ISO_8859_1);
        Trainer.Result result = new Trainer(SharedSpark.get(), TrainCommand.parse("--format", "text",
                "--data", sample.toString(), "--window", "64", "--validation-fraction", "0.1", "--split", "tail",
                "--hidden", "64", "--lr", "0.005", "--clip-norm", "5", "--batch-size", "64", "--iterations", "200",
                "--validate-every", "100", "--model-dir", tmp.resolve("text").toString()), QUIET).run();

        // unigram baseline over the same labels: training character frequencies, scored on validation labels
        List<SequenceBatch> train = result.data().train().collect();
        List<SequenceBatch> validation = result.data().validation().collect();
        int k = result.spec().outputSize();
        double[] counts = new double[k];
        double total = 0;
        for (SequenceBatch b : train) {
            for (int c : b.classes()) {
                counts[c]++;
                total++;
            }
        }
        double crossEntropy = 0;
        long n = 0;
        for (SequenceBatch b : validation) {
            for (int c : b.classes()) {
                crossEntropy -= Math.log(Math.max(counts[c], 0.5) / total);
                n++;
            }
        }
        double unigram = Math.exp(crossEntropy / n);
        double perplexity = result.lastValidation().perplexity();
        assertTrue(perplexity < 0.6 * unigram, "validation perplexity " + perplexity + " vs unigram " + unigram);
    }
}
