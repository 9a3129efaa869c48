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
    private static final Pattern ROOM = Pattern.compile("^\\| (\\d+) \\| (data[a-z., ]*) \\|");
    private static final Pattern REFERENCE = Pattern.compile("org\\.sparkrnn\\.driver\\.([a-z]+(?:\\.[a-z]+)*)\\.[A-Z]");
    private static final Pattern TYPE = Pattern.compile("\\b(?:class|record|enum|interface) ([A-Z]\\w*)");

    @Test
    void everyPackageImportsOnlyLowerLayers() throws IOException {
        Map<String, Integer> layers = documentedLayers();
        Map<String, Set<String>> uses = layerReferences(packageReferences());
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
        Map<String, Set<String>> uses = layerReferences(packageReferences());
        for (String front : List.of("cli", "ml")) {
            Set<String> used = uses.get(front);
            assertTrue(!used.contains("exec"), front + " uses exec: " + used);
            assertTrue(!used.contains(front.equals("cli") ? "ml" : "cli"), front + " uses the other front end: "
                    + used);
        }
    }

    /**
     * The rooms of {@code data} (its subpackages, in the second table of docs/architecture.md) import only rooms
     * below them: no cycle between them either.
     */
    @Test
    void theRoomsOfDataImportOnlyLowerRooms() throws IOException {
        Map<String, Integer> rooms = new TreeMap<>();
        List<String> lines = Files.readAllLines(DOC);
        for (String line : lines.subList(roomsTable(lines), lines.size())) {
            Matcher m = ROOM.matcher(line);
            if (m.find()) {
                for (String name : m.group(2).split(",")) {
                    rooms.put(name.trim(), Integer.parseInt(m.group(1)));
                }
            }
        }
        Map<String, Set<String>> uses = new TreeMap<>(packageReferences());
        uses.keySet().removeIf(pkg -> !pkg.equals("data") && !pkg.startsWith("data."));
        assertEquals(uses.keySet(), rooms.keySet(), "docs/architecture.md lists exactly the rooms of data");
        List<String> upward = new ArrayList<>();
        uses.forEach((from, targets) -> targets.stream().filter(rooms::containsKey)
                .filter(to -> rooms.get(to) >= rooms.get(from))
                .forEach(to -> upward.add(from + " (room " + rooms.get(from) + ") -> " + to + " (room "
                        + rooms.get(to) + ")")));
        assertTrue(upward.isEmpty(), "references between data's rooms that do not go down: " + upward);
    }

    /**
     * Within every package, no two classes refer to each other in a circle (a class refers to another of its package
     * by naming it in code, outside comments and strings; nested types count as their file's class).
     */
    @Test
    void noClassesOfAPackageReferToEachOtherInACircle() throws IOException {
        Map<Path, List<Path>> byPackage = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            files.filter(f -> f.toString().endsWith(".java") && !f.endsWith("package-info.java"))
                    .forEach(f -> byPackage.computeIfAbsent(f.getParent(), k -> new ArrayList<>()).add(f));
        }
        List<String> circles = new ArrayList<>();
        for (Map.Entry<Path, List<Path>> pkg : byPackage.entrySet()) {
            Map<String, Set<String>> refers = new TreeMap<>();
            Map<String, String> code = new TreeMap<>();
            for (Path file : pkg.getValue()) {
                code.put(file.getFileName().toString().replace(".java", ""),
                        withoutCommentsAndStrings(Files.readString(file)));
            }
            for (Map.Entry<String, String> from : code.entrySet()) {
                Set<String> own = new TreeSet<>();
                Matcher declared = TYPE.matcher(from.getValue());
                while (declared.find()) {
                    own.add(declared.group(1));
                }
                Set<String> targets = new TreeSet<>();
                for (String to : code.keySet()) {
                    if (!to.equals(from.getKey()) && !own.contains(to)
                            && Pattern.compile("\\b" + to + "\\b").matcher(from.getValue()).find()) {
                        targets.add(to);
                    }
                }
                refers.put(from.getKey(), targets);
            }
            for (Set<String> circle : Cycles.of(refers)) {
                circles.add(SOURCES.relativize(pkg.getKey()) + ": " + circle);
            }
        }
        assertTrue(circles.isEmpty(), "classes that refer to each other in a circle: " + circles);
    }

    /** Strongly connected components of more than one node (Tarjan). */
    private static final class Cycles {
        private final Map<String, Set<String>> graph;
        private final Map<String, Integer> index = new TreeMap<>();
        private final Map<String, Integer> low = new TreeMap<>();
        private final java.util.Deque<String> stack = new java.util.ArrayDeque<>();
        private final List<Set<String>> found = new ArrayList<>();

        private Cycles(Map<String, Set<String>> graph) {
            this.graph = graph;
        }

        static List<Set<String>> of(Map<String, Set<String>> graph) {
            Cycles c = new Cycles(graph);
            for (String node : graph.keySet()) {
                if (!c.index.containsKey(node)) {
                    c.visit(node);
                }
            }
            return c.found;
        }

        private void visit(String node) {
            index.put(node, index.size());
            low.put(node, index.get(node));
            stack.push(node);
            for (String next : graph.getOrDefault(node, Set.of())) {
                if (!index.containsKey(next)) {
                    visit(next);
                    low.put(node, Math.min(low.get(node), low.get(next)));
                } else if (stack.contains(next)) {
                    low.put(node, Math.min(low.get(node), index.get(next)));
                }
            }
            if (low.get(node).equals(index.get(node))) {
                Set<String> component = new TreeSet<>();
                String top;
                do {
                    top = stack.pop();
                    component.add(top);
                } while (!top.equals(node));
                if (component.size() > 1) {
                    found.add(component);
                }
            }
        }
    }

    /** Package references folded to layers: a subpackage ({@code data.table}) is in its top package's layer. */
    private static Map<String, Set<String>> layerReferences(Map<String, Set<String>> packages) {
        Map<String, Set<String>> layers = new TreeMap<>();
        packages.forEach((from, targets) -> {
            String layer = topOf(from);
            Set<String> to = layers.computeIfAbsent(layer, k -> new TreeSet<>());
            targets.stream().map(ArchitectureTest::topOf).filter(t -> !t.equals(layer)).forEach(to::add);
        });
        return layers;
    }

    private static String topOf(String pkg) {
        int dot = pkg.indexOf('.');
        return dot < 0 ? pkg : pkg.substring(0, dot);
    }

    /** Where the table of data's rooms starts (the layers' table is above it). */
    private static int roomsTable(List<String> lines) {
        int at = lines.indexOf("| room | in `data` | what lives there |");
        assertTrue(at > 0, "no table of data's rooms in " + DOC);
        return at;
    }

    /** The table's packages with their layer. */
    private static Map<String, Integer> documentedLayers() throws IOException {
        Map<String, Integer> layers = new TreeMap<>();
        List<String> lines = Files.readAllLines(DOC);
        for (String line : lines.subList(0, roomsTable(lines))) {
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
        // a string literal as runs of plain characters (possessive: no backtracking), not a step per character: a
        // long literal overflowed the stack of a cold (interpreted) JVM
        return code.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ")
                .replaceAll("\"(?:[^\"\\\\\n]++|\\\\.)*+\"", "\"\"");
    }
}
