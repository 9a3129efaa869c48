package org.sparkrnn.driver.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's PyTorch recipe ({@code src/test/resources/torch/predict_from_export.py}: {@code torch.nn.LSTM} or GRU
 * and {@code Linear} loaded from an export) run by Debian's {@code /usr/bin/python3}, for the tests that check our
 * exports in PyTorch itself.
 */
final class TorchRecipe {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static Boolean available;

    private TorchRecipe() {
    }

    /** Whether /usr/bin/python3 imports torch (asked once per JVM: the import alone takes over a second). */
    static synchronized boolean available() throws Exception {
        if (available == null) {
            if (!Files.isExecutable(PYTHON)) {
                available = false;
            } else {
                Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import torch").redirectErrorStream(true)
                        .start();
                available = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
            }
        }
        return available;
    }

    /**
     * What the recipe predicts from {@code export} ({@code layers} × {@code hidden}) for each sequence of the JSON
     * Lines file {@code sequences}: all the outputs of each.
     */
    static List<double[]> outputs(Path export, Path sequences, int layers, int hidden) throws Exception {
        Path script = Path.of("src/test/resources/torch/predict_from_export.py").toAbsolutePath();
        Process python = new ProcessBuilder(PYTHON.toString(), script.toString(), export.toString(),
                sequences.toString(), String.valueOf(layers), String.valueOf(hidden)).redirectErrorStream(true)
                .start();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(python.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, python.exitValue(), output);
        ObjectMapper json = new ObjectMapper();
        List<double[]> all = new ArrayList<>();
        for (String line : output.lines().filter(l -> l.startsWith("[")).toList()) {
            JsonNode values = json.readTree(line);
            double[] y = new double[values.size()];
            for (int j = 0; j < y.length; j++) {
                y[j] = values.get(j).asDouble();
            }
            all.add(y);
        }
        return all;
    }
}
