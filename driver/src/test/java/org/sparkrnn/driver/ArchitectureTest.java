package org.sparkrnn.driver;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layers of docs/architecture.md are the code's: every package of the driver is in the table, and every
 * reference from one package to another (imports and qualified names, outside strings and comments) goes to a lower
 * layer. That also rules out cycles between packages.
 */
class ArchitectureTest {

    private static final Path SOURCES = Path.of("src/main/java/org/sparkrnn/driver");
    private static final Path DOC = Path.of("../docs/architecture.md");
    private static final Pattern ROW = Pattern.compile("^\\| (\\d+) \\| ([a-z(), ]+) \\|");
    private static final Pattern REFERENCE = Pattern.compile("org\\.sparkrnn\\.driver\\.([a-z]+)\\.[A-Z]");

    @Test
    void everyPackageImportsOnlyLowerLayers() throws IOException {
        Map<String, Integer> layers = documentedLayers();
        Map<String, Set<String>> uses = packageReferences();
        assertEquals(new TreeSet<>(uses.keySet()), new TreeSet<>(layers.keySet()),
                "docs/architecture.md lists exactly the driver's packages");
        List<String> upward = new ArrayList<>();
        uses.forEach((from, targets) -> {
            for (String to : targets) {
                if (layers.get(to) >= layers.get(from)) {
                    upward.add(from + " (layer " + layers.get(from) + ") -> " + to + " (layer " + layers.get(to)
                            + ")");
                }
            }
        });
        assertTrue(upward.isEmpty(), "references that do not go down a layer: " + upward);
    }

    /**
     * The front ends reach the executors only through the layers below them (scoring, train, predict, data), and
     * neither leans on the other.
     */
    @Test
    void theFrontEndsImportNeitherExecNorEachOther() throws IOException {
        Map<String, Set<String>> uses = packageReferences();
        for (String front : List.of("cli", "ml")) {
            Set<String> used = uses.get(front);
            assertTrue(!used.contains("exec"), front + " uses exec: " + used);
            assertTrue(!used.contains(front.equals("cli") ? "ml" : "cli"), front + " uses the other front end: "
                    + used);
        }
    }

    /** The table's packages with their layer. */
    private static Map<String, Integer> documentedLayers() throws IOException {
        Map<String, Integer> layers = new TreeMap<>();
        for (String line : Files.readAllLines(DOC)) {
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                for (String name : m.group(2).split(",")) {
                    layers.put(name.trim(), Integer.parseInt(m.group(1)));
                }
            }
        }
        assertTrue(layers.size() > 5, "no layer table in " + DOC);
        return layers;
    }

    /** Package → the other driver packages its code names ("(root)" for org.sparkrnn.driver itself). */
    private static Map<String, Set<String>> packageReferences() throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path relative = SOURCES.relativize(file.getParent());
                String pkg = relative.toString().isEmpty() ? "(root)" : relative.toString().replace('/', '.');
                Set<String> targets = uses.computeIfAbsent(pkg, k -> new TreeSet<>());
                String code = withoutCommentsAndStrings(Files.readString(file));
                Matcher m = REFERENCE.matcher(code);
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        targets.add(m.group(1));
                    }
                }
                // a class of the root package used from another package: by import of org.sparkrnn.driver.Name
                if (!pkg.equals("(root)") && Pattern.compile("import org\\.sparkrnn\\.driver\\.[A-Z]").matcher(code)
                        .find()) {
                    targets.add("(root)");
                }
            }
        }
        return uses;
    }

    private static String withoutCommentsAndStrings(String code) {
        return code.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ")
                .replaceAll("\"(?:\\\\.|[^\"\\\\])*\"", "\"\"");
    }
}
