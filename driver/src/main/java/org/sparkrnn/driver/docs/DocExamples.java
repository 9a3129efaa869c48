package org.sparkrnn.driver.docs;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The example outputs in the README and {@code docs/} are what the commands they show print today. A marked block
 * is run and its shown lines compared with the output, each number to the precision it is shown with:
 * <ul>
 *   <li>{@code <!-- example -->} before a fenced block: its lines that are not comments are a bash script (run from
 *   the project's root); each comment line {@code # TEXT} is a line it prints, in order ({@code # ...} skips any);
 *   a note after two spaces and {@code <-} is the reader's, not output;</li>
 *   <li>{@code <!-- output of: COMMAND -->} before a fenced block: every line of the block is a line COMMAND prints
 *   ({@code ...} skips any); a command is run once for all the blocks that show its output.</li>
 * </ul>
 * Blocks run in the order of the files given, then of the file, in one scratch copy of the project (links to its
 * directories, a {@code runs/} of its own), so a later block uses what an earlier one made. Paths inside the scratch
 * copy are shown as {@code /path/to/sparkrnn}. Times (a number of seconds, sequences per second, an eta) are not
 * compared. A shown line is matched with the first printed line of its shape (the same text once its numbers are set
 * aside) whose numbers agree, else the first of its shape (after {@code ...}: the last of a run of such lines): the
 * line it has drifted from.
 *
 * <p>{@code scripts/docs --check-examples} (a step of {@code scripts/test}) fails naming every line that differs;
 * {@code scripts/docs --examples} writes the printed lines into the files instead.
 */
public final class DocExamples {

    private static final Pattern MARK = Pattern.compile("^\\s*<!-- (example|output of: (.+?)) -->\\s*$");
    private static final Pattern FENCE = Pattern.compile("^(\\s*)```.*$");
    /** How long one block may run (a walkthrough that waits for something that never comes ends here). */
    private static final long BLOCK_MINUTES = 10;
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?");
    private static final Pattern TIME = Pattern.compile("\\b\\d+(?:\\.\\d+)? (?:s|ms|seq/s)\\b|eta \\d+:\\d\\d:\\d\\d");
    private static final Pattern NOTE = Pattern.compile("\\s{2,}<-.*$");
    /** How the scratch copy's path is shown. */
    static final String SHOWN_ROOT = "/path/to/sparkrnn";

    private final Path project;
    private final Path scratch;
    private final Map<String, List<String>> outputs = new HashMap<>();

    DocExamples(Path project, Path scratch) {
        this.project = project;
        this.scratch = scratch;
    }

    /** {@code --check-examples|--examples FILE...}: exit 1 when a checked block differs. */
    public static void main(String[] args) throws Exception {
        boolean write = args.length > 0 && args[0].equals("--examples");
        if (args.length < 2 || !(write || args[0].equals("--check-examples"))) {
            System.err.println("usage: DocExamples --check-examples|--examples FILE.md...");
            System.exit(2);
        }
        Path project = Path.of("").toAbsolutePath();
        Path scratch = Files.createTempDirectory("sparkrnn-docs-");
        DocExamples examples = new DocExamples(project, scratch);
        examples.prepareScratch();
        List<String> problems = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            Path file = project.resolve(args[i]);
            String text = Files.readString(file, StandardCharsets.UTF_8);
            List<String> differences = new ArrayList<>();
            String updated = examples.run(args[i], text, differences);
            if (write && !updated.equals(text)) {
                Files.writeString(file, updated, StandardCharsets.UTF_8);
                System.out.println("rewrote " + args[i] + " (" + differences.size() + " lines)");
            }
            problems.addAll(differences);
        }
        if (!write && !problems.isEmpty()) {
            problems.forEach(System.err::println);
            System.err.println(problems.size() + " example line(s) differ from what the code prints; run"
                    + " scripts/docs --examples to write them");
            System.exit(1);
        }
        System.out.println("example outputs: " + (problems.isEmpty() ? "as printed" : problems.size() + " updated"));
    }

    /** The scratch copy: a link to each of the project's entries but runs/, and a runs/ of its own. */
    void prepareScratch() throws IOException {
        try (var entries = Files.list(project)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (!name.equals("runs") && !name.equals(".git")) {
                    Files.createSymbolicLink(scratch.resolve(name), entry);
                }
            }
        }
        Files.createDirectories(scratch.resolve("runs"));
    }

    /**
     * Runs the marked blocks of one file ({@code name}), adds a line to {@code differences} for every shown line that
     * is not printed, and returns the file with the printed lines in their place.
     */
    String run(String name, String text, List<String> differences) throws IOException, InterruptedException {
        List<String> lines = new ArrayList<>(text.lines().toList());
        for (int i = 0; i < lines.size(); i++) {
            Matcher mark = MARK.matcher(lines.get(i));
            Matcher fence = i + 1 < lines.size() ? FENCE.matcher(lines.get(i + 1)) : null;
            if (!mark.matches() || fence == null || !fence.matches()) {
                continue;
            }
            String indent = fence.group(1); // a block inside a list item: its lines are indented as its fence
            int open = i + 1;
            int close = open + 1;
            while (close < lines.size() && !lines.get(close).strip().startsWith("```")) {
                close++;
            }
            String command = mark.group(2);
            StringBuilder script = new StringBuilder();
            List<Integer> shown = new ArrayList<>();
            for (int j = open + 1; j < close; j++) {
                String line = unindented(lines.get(j), indent);
                if (command != null) {
                    shown.add(j);
                } else if (line.startsWith("# ") || line.equals("#")) {
                    shown.add(j);
                } else {
                    script.append(line).append('\n');
                }
            }
            String what = name + " line " + (i + 1);
            List<String> printed = command != null ? outputs.computeIfAbsent(command, c -> execute(c, what, true))
                    : execute(script.toString(), what, false);
            int from = 0;
            boolean skipped = false;
            for (int j : shown) {
                String line = unindented(lines.get(j), indent);
                String prefix = command != null ? "" : line.startsWith("# ") ? "# " : "#";
                String body = line.substring(prefix.length());
                Matcher note = NOTE.matcher(body);
                String suffix = note.find() ? body.substring(note.start()) : "";
                String expected = body.substring(0, body.length() - suffix.length());
                if (expected.strip().equals("...")) {
                    skipped = true;
                    continue;
                }
                int at = find(expected, printed, from, skipped);
                skipped = false;
                if (at < 0) {
                    differences.add(name + ":" + (j + 1) + ": no printed line like: " + expected);
                    continue;
                }
                if (!agrees(expected, printed.get(at))) {
                    differences.add(name + ":" + (j + 1) + ": shows   " + expected + "\n" + " ".repeat(name.length()
                            + String.valueOf(j + 1).length() + 2) + "printed " + printed.get(at));
                    lines.set(j, indent + prefix + printed.get(at) + suffix);
                }
                from = at + 1;
            }
            i = close;
        }
        String joined = String.join("\n", lines);
        return text.endsWith("\n") ? joined + "\n" : joined;
    }

    private static String unindented(String line, String indent) {
        return line.startsWith(indent) ? line.substring(indent.length()) : line.stripLeading();
    }

    /**
     * The printed line {@code expected} stands for, from {@code from} on: the first that agrees with it, else the first
     * of its shape, or, after a skip ({@code ...}), the last of the lines of its shape that follow that one (the best
     * series after "..." below the worst); -1 if none has its shape.
     */
    static int find(String expected, List<String> printed, int from, boolean afterSkip) {
        String shape = shape(expected);
        int first = -1;
        for (int k = from; k < printed.size(); k++) {
            if (shape(printed.get(k)).equals(shape)) {
                if (agrees(expected, printed.get(k))) {
                    return k;
                }
                first = first < 0 ? k : first;
            }
        }
        while (afterSkip && first >= 0 && first + 1 < printed.size() && shape(printed.get(first + 1)).equals(shape)) {
            first++;
        }
        return first;
    }

    /**
     * A line with its times and numbers set aside, and every run of spaces as one: a table's columns widen and narrow
     * with the numbers in them.
     */
    static String shape(String line) {
        return NUMBER.matcher(TIME.matcher(line.stripTrailing()).replaceAll("<time>")).replaceAll("<n>")
                .replaceAll(" {2,}", " ");
    }

    /**
     * Whether a printed line is the shown one: the same shape, and every number the same to the shown precision
     * (12.99 shows 12.9915; 12.2 does not); times are not compared.
     */
    public static boolean agrees(String shown, String printed) {
        String a = TIME.matcher(shown.stripTrailing()).replaceAll("<time>");
        String b = TIME.matcher(printed.stripTrailing()).replaceAll("<time>");
        if (!shape(a).equals(shape(b))) {
            return false;
        }
        Matcher x = NUMBER.matcher(a);
        Matcher y = NUMBER.matcher(b);
        while (x.find() && y.find()) {
            if (!sameToShownPrecision(x.group(), y.group())) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code printed} shows as {@code shown} at the precision {@code shown} has (12.99 for 12.9915). */
    public static boolean sameToShownPrecision(String shown, String printed) {
        if (shown.equals(printed)) {
            return true;
        }
        if (shown.contains("e") || shown.contains("E")) {
            BigDecimal s = new BigDecimal(shown);
            return s.round(new java.math.MathContext(s.precision(), RoundingMode.HALF_UP))
                    .compareTo(new BigDecimal(printed).round(new java.math.MathContext(s.precision(),
                            RoundingMode.HALF_UP))) == 0;
        }
        BigDecimal s = new BigDecimal(shown);
        return new BigDecimal(printed).setScale(Math.max(0, s.scale()), RoundingMode.HALF_UP).compareTo(s) == 0;
    }

    /**
     * Runs a bash script in the scratch copy (at most {@link #BLOCK_MINUTES}): what it printed (stdout and stderr),
     * the copy's path as shown. {@code mustSucceed}: a command whose exit code is not 0 is an error; a walkthrough's
     * own steps may end otherwise (a stream stopped with kill), its shown lines say whether it did what it shows.
     */
    private List<String> execute(String script, String what, boolean mustSucceed) {
        try {
            System.out.println("running the example at " + what + ":\n" + script.strip());
            Path log = Files.createTempFile(scratch, "example-", ".log");
            Process bash = new ProcessBuilder("bash", "-c", "set -o pipefail\n" + script).directory(scratch.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean ended = bash.waitFor(BLOCK_MINUTES, java.util.concurrent.TimeUnit.MINUTES);
            if (!ended) {
                bash.descendants().forEach(ProcessHandle::destroyForcibly);
                bash.destroyForcibly();
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            if (!ended || (mustSucceed && bash.exitValue() != 0)) {
                throw new IllegalStateException("the example at " + what + (ended ? " exited " + bash.exitValue()
                        : " did not end in " + BLOCK_MINUTES + " minutes") + ":\n" + output);
            }
            return output.replace(scratch.toString(), SHOWN_ROOT).lines().toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run the example at " + what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
