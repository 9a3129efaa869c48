package org.sparkrnn.driver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/** Small JSON Lines data sets written to temporary files. */
public final class TestData {

    private TestData() {
    }

    /** {@code n} sequences of 1..maxLength steps, I features, per-step numeric labels (some null). */
    public static Path perStepRegression(Path dir, String name, int n, int inputs, int maxLength, long seed)
            throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> lines = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            int length = 1 + random.nextInt(maxLength);
            StringBuilder features = new StringBuilder("[");
            StringBuilder labels = new StringBuilder("[");
            for (int t = 0; t < length; t++) {
                features.append(t == 0 ? "" : ",").append('[');
                double sum = 0;
                for (int i = 0; i < inputs; i++) {
                    double x = random.nextDouble() * 2 - 1;
                    sum += x;
                    features.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.6f", x));
                }
                features.append(']');
                boolean labelled = t == length - 1 || random.nextDouble() < 0.7;
                labels.append(t == 0 ? "" : ",").append(labelled ? String.format(Locale.ROOT, "%.6f", sum / 2) : "null");
            }
            lines.add("{\"features\": " + features + "], \"labels\": " + labels + "]}");
        }
        Path file = dir.resolve(name);
        Files.write(file, lines);
        return file;
    }

    public static Path write(Path dir, String name, String... lines) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, List.of(lines));
        return file;
    }

    /** Removes a directory tree (test scratch space created outside JUnit's @TempDir). */
    public static void deleteRecursively(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
