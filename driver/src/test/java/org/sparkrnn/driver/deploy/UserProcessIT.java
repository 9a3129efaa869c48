package org.sparkrnn.driver.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scripts as a user runs them: nothing printed that the user did not ask for (no JVM module warning, no
 * library INFO lines, no Spark warnings about its own context), and scripts/example taking overrides, its own
 * --model-dir included.
 */
class UserProcessIT {

    @TempDir
    Path tmp;

    private final ClusterProcesses processes = new ClusterProcesses(Path.of("target/user-process-state"));

    private static void assertQuiet(String output) {
        for (String line : output.lines().toList()) {
            assertTrue(!line.startsWith("WARNING") && !line.contains(" INFO ") && !line.startsWith("INFO")
                    && !line.contains(" WARN "), "a line nobody asked for: " + line + "\n" + output);
        }
    }

    @Test
    void commandsPrintOnlyWhatTheUserAskedFor() throws Exception {
        String version = processes.run(tmp.resolve("version.log"), "lstm-spark", "--version");
        assertEquals("lstm-spark 0.1.0", version.strip(), version);

        Path text = tmp.resolve("t.txt");
        Files.writeString(text, "the quick brown fox jumps over the lazy dog. ".repeat(30));
        Path model = tmp.resolve("text-model");
        String training = processes.run(tmp.resolve("train.log"), "lstm-spark", "train", "--data", text.toString(),
                "--format", "text", "--window", "8", "--hidden", "8", "--iterations", "3", "--model-dir",
                model.toString(), "--master", "local[2]");
        assertQuiet(training);
        String sample = processes.run(tmp.resolve("sample.log"), "lstm-spark", "sample", "--model-dir",
                model.toString(), "--length", "40", "--prime", "the ");
        assertQuiet(sample);
        assertTrue(sample.strip().startsWith("the "), sample);
        String predicted = processes.run(tmp.resolve("predict.log"), "lstm-spark", "predict", "--model-dir",
                model.toString(), "--output", tmp.resolve("predictions").toString(), "--master", "local[2]");
        assertQuiet(predicted);
    }

    @Test
    void theExampleScriptTakesOverrides() throws Exception {
        Path dir = tmp.resolve("my-sunspots");
        ClusterProcesses.Run run = processes.start(tmp.resolve("example.log"), Map.of(), "example", "sunspots",
                "--model-dir", dir.toString(), "--epochs", "1", "--validate-every", "8");
        int exit = run.waitFor(300);
        String output = run.output();
        assertEquals(0, exit, output);
        assertTrue(output.contains("training: 8 iterations"), output);
        assertTrue(output.contains("model directory: " + dir), output);
        assertTrue(Files.exists(dir.resolve("model.safetensors")), output);
        assertTrue(List.of(dir.toFile().list()).contains("config.properties"));
    }
}
