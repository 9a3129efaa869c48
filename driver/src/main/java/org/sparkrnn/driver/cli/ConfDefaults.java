package org.sparkrnn.driver.cli;

import org.sparkrnn.driver.UserError;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Option values from settings files, consulted by picocli for every option the command line does not give:
 * lines {@code option-name = value} (the format of a model directory's {@code config.properties}). Later files
 * override earlier ones; the command line overrides them all; annotation defaults fill the rest.
 */
final class ConfDefaults implements CommandLine.IDefaultValueProvider {

    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, String> origin = new LinkedHashMap<>();
    private final Map<String, Integer> lineOf = new LinkedHashMap<>();
    private final java.util.Set<String> runSources = new java.util.HashSet<>();
    private final java.util.Set<String> notFromRun = new java.util.HashSet<>();

    /** Adds a settings text; {@code source} names it in errors. Lines are read as {@code Properties} reads them. */
    void add(String text, String source) {
        String[] lines = text.split("\\R", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = i == 0 && lines[i].startsWith("\uFEFF") ? lines[i].substring(1) : lines[i];
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("!")) {
                continue;
            }
            Properties one = new Properties();
            try {
                one.load(new StringReader(line));
            } catch (IOException | IllegalArgumentException e) {
                throw new UserError(source + " line " + (i + 1) + ": not a setting (" + e.getMessage() + ")");
            }
            int number = i + 1;
            one.forEach((k, v) -> {
                String key = k.toString().trim().replaceFirst("^-+", "");
                values.put(key, v.toString().trim());
                origin.put(key, source);
                lineOf.put(key, number);
            });
        }
    }

    /**
     * Adds a run's own settings (a model directory's {@code config.properties}): defaults like any other, but not
     * settings the user gave ({@link #givenByUser}).
     */
    void addRun(String text, String source) {
        runSources.add(source);
        add(text, source);
    }

    /**
     * Options (without dashes) that a run's settings must not fill: the command gives the name another meaning
     * (export's {@code --format} is the file it writes, the run's the data it read).
     */
    void notFromRun(java.util.Collection<String> names) {
        notFromRun.addAll(names);
    }

    /** Whether option {@code name} (without dashes) comes from a settings file the user gave ({@code --conf}). */
    boolean givenByUser(String name) {
        return origin.containsKey(name) && !runSources.contains(origin.get(name));
    }

    void addFile(String file) {
        try {
            add(Files.readString(Path.of(file), StandardCharsets.UTF_8), file);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read the settings file (" + e.getMessage() + ")");
        }
    }

    /**
     * Fails on every key from {@code strictSource} that names no option of the command, all in one message with
     * their line numbers and the options they may have meant.
     */
    void checkKnown(CommandLine.Model.CommandSpec command, String strictSource) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> e : origin.entrySet()) {
            if (!e.getValue().equals(strictSource) || command.findOption("--" + e.getKey()) != null) {
                continue;
            }
            String meant = suggestion(e.getKey(), command);
            problems.add("line " + lineOf.get(e.getKey()) + ": '" + e.getKey() + "' is not an option of '"
                    + command.name() + "'" + (meant == null ? "" : " (did you mean " + meant + "?)"));
        }
        if (!problems.isEmpty()) {
            throw new UserError(strictSource + ": " + String.join("; ", problems) + " (see " + command.qualifiedName()
                    + " --help)");
        }
    }

    /** The option closest to {@code key} by edit distance, if close enough to be a slip. */
    private static String suggestion(String key, CommandLine.Model.CommandSpec command) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (OptionSpec option : command.options()) {
            String name = option.longestName().replaceFirst("^-+", "");
            int d = distance(key, name);
            if (d < bestDistance) {
                bestDistance = d;
                best = name;
            }
        }
        return best != null && bestDistance <= Math.max(1, key.length() / 3) ? best : null;
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (argSpec instanceof OptionSpec option) {
            String name = option.longestName().replaceFirst("^-+", "");
            return notFromRun.contains(name) && runSources.contains(origin.get(name)) ? null : values.get(name);
        }
        return null;
    }
}
