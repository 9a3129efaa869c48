package org.sparkrnn.driver.docs;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.sparkrnn.driver.cli.Main;
import org.sparkrnn.driver.config.Defaults;
import org.sparkrnn.driver.ml.LstmClassifier;
import org.sparkrnn.driver.ml.LstmModel;
import org.sparkrnn.driver.ml.LstmRegressor;
import org.sparkrnn.driver.ml.SequenceWindows;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * docs/reference.md, generated from the command line's own option definitions (names, defaults from
 * {@link Defaults}, descriptions) and the Spark ML params, so the reference cannot drift from the code:
 * {@code scripts/docs} rewrites it and {@code ReferenceDocTest} fails when it is stale.
 */
public final class ReferenceDoc {

    private ReferenceDoc() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "docs/reference.md");
        Files.writeString(out, markdown(), StandardCharsets.UTF_8);
        System.out.println("wrote " + out);
    }

    /** The whole reference. */
    public static String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Command-line and configuration reference\n\n")
          .append("Generated from the code by `scripts/docs` (a test fails when this file is stale); every default\n")
          .append("comes from `org.sparkrnn.driver.config.Defaults`, the one place defaults are written.\n\n")
          .append("`scripts/lstm-spark COMMAND [options]`. A settings file (`--conf FILE`) holds lines\n")
          .append("`option-name = value` for any option of the command; the command line wins over it. `evaluate`,\n")
          .append("`predict`, `export` and `sample` take their defaults from the model directory's `config.properties`\n")
          .append("(the settings the model was trained with) before these.\n\n");
        CommandLine main = new CommandLine(new Main());
        for (String name : main.getSubcommands().keySet()) {
            command(md, main.getSubcommands().get(name).getCommandSpec());
        }
        md.append("## Spark ML params\n\n")
          .append("`LstmRegressor` and `LstmClassifier` (`org.sparkrnn.driver.ml`) have a param for every training\n")
          .append("option above that is not about files, named as the option in camelCase, with the same default\n")
          .append("(`--batch-size all` is `batchSize` 0, `--forget-bias keep` is `forgetBias` NaN).\n\n");
        params(md, "LstmRegressor", new LstmRegressor(), Set.of());
        Set<String> shared = Arrays.stream(new LstmRegressor().params()).map(Param::name)
                .collect(Collectors.toCollection(TreeSet::new));
        params(md, "LstmClassifier (in addition)", new LstmClassifier(), shared);
        params(md, "LstmModel (the fitted Transformer)", LstmModel.of(null), Set.of());
        params(md, "SequenceWindows (a long table to windows, a Pipeline stage before the estimators)",
                new SequenceWindows(), Set.of());
        params(md, "ForecastEvaluator (forecasting metrics for CrossValidator; smaller is better)",
                new org.sparkrnn.driver.ml.ForecastEvaluator(), Set.of());
        return md.toString();
    }

    private static void command(StringBuilder md, CommandSpec spec) {
        String description = String.join(" ", spec.usageMessage().description());
        md.append("## ").append(spec.name()).append("\n\n").append(description).append("\n\n")
          .append("| option | value | default | meaning |\n|---|---|---|---|\n");
        for (OptionSpec option : spec.options()) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            boolean flag = option.arity().max() == 0;
            String defaultValue = option.defaultValue() != null ? "`" + option.defaultValue() + "`"
                    : flag ? "off" : "";
            String text = String.join(" ", option.description())
                    .replace("${DEFAULT-VALUE}", String.valueOf(option.defaultValue()))
                    .replace(" Default: " + option.defaultValue() + ".", "");
            md.append("| `").append(String.join("`, `", option.names())).append("` | ")
              .append(flag ? "" : "`" + cell(option.paramLabel()) + "`").append(" | ")
              .append(defaultValue).append(" | ").append(cell(text)).append(" |\n");
        }
        md.append('\n');
    }

    private static void params(StringBuilder md, String title, Params instance, Set<String> skip) {
        md.append("### ").append(title).append("\n\n| param | default | meaning |\n|---|---|---|\n");
        for (Param<?> param : instance.params()) {
            if (skip.contains(param.name())) {
                continue;
            }
            String value = "";
            scala.Option<?> defaultValue = instance.getDefault(param);
            if (defaultValue.isDefined()) {
                Object v = defaultValue.get();
                value = "`" + (v instanceof int[] sizes ? Arrays.toString(sizes)
                        : v instanceof Object[] values ? Arrays.toString(values) : String.valueOf(v)) + "`";
            }
            md.append("| `").append(param.name()).append("` | ").append(value).append(" | ")
              .append(cell(param.doc())).append(" |\n");
        }
        md.append('\n');
    }

    /** A table cell's text: a | would end the cell. */
    static String cell(String text) {
        return text.replace("|", "\\|");
    }
}
