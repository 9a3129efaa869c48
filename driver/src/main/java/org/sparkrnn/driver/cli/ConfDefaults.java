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
import java.util.LinkedHashMap;
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

    /** Adds a settings text; {@code source} names it in errors. */
    void add(String text, String source) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            throw new UserError(source + ": not a settings file (" + e.getMessage() + ")");
        }
        properties.forEach((k, v) -> {
            String key = k.toString().trim().replaceFirst("^-+", "");
            values.put(key, v.toString().trim());
            origin.put(key, source);
        });
    }

    void addFile(String file) {
        try {
            add(Files.readString(Path.of(file), StandardCharsets.UTF_8), file);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read the settings file (" + e.getMessage() + ")");
        }
    }

    /** Fails on a key from {@code strictSource} that names no option of the command. */
    void checkKnown(CommandLine.Model.CommandSpec command, String strictSource) {
        for (Map.Entry<String, String> e : origin.entrySet()) {
            if (!e.getValue().equals(strictSource)) {
                continue;
            }
            if (command.findOption("--" + e.getKey()) == null) {
                throw new UserError(strictSource + ": '" + e.getKey() + "' is not an option of '" + command.name()
                        + "' (see --help)");
            }
        }
    }

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (argSpec instanceof OptionSpec option) {
            return values.get(option.longestName().replaceFirst("^-+", ""));
        }
        return null;
    }
}
