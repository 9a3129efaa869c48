package org.sparkrnn.driver.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Help that is true for each subcommand: {@code evaluate} and {@code predict} take their data options from the
 * run's {@code config.properties}, so their help says "Default: the run's" where {@code train}'s shows its own
 * default; {@code predict}, which predicts every sequence, does not list the options that choose validation data
 * (it refuses them).
 */
final class RunDefaultsHelp {

    private static final Set<String> SPLIT_OPTIONS = Set.of("--validation", "--validation-fraction", "--split",
            "--validate-from");

    private RunDefaultsHelp() {
    }

    static void apply(CommandLine root) {
        for (String name : List.of("evaluate", "predict", "stream")) {
            CommandSpec command = root.getSubcommands().get(name).getCommandSpec();
            CommandSpec data = command.mixins().get("data");
            List<OptionSpec> options = new ArrayList<>(command.options());
            for (OptionSpec option : options) {
                command.remove(option);
            }
            for (OptionSpec option : options) {
                OptionSpec.Builder builder = option.toBuilder();
                if (data != null && data.findOption(option.longestName()) != null) {
                    String[] description = option.description().clone();
                    for (int i = 0; i < description.length; i++) {
                        // descriptions come interpolated: "Default: 32." is train's default, not the run's
                        description[i] = description[i].replaceAll("Default: \\S+\\.$", "Default: the run's.");
                    }
                    builder.description(description);
                }
                if ((name.equals("predict") || name.equals("stream")) && SPLIT_OPTIONS.contains(option.longestName())) {
                    builder.hidden(true);
                }
                command.addOption(builder.build());
            }
        }
    }
}
