package org.sparkrnn.driver.cli;

import org.sparkrnn.data.LabelKind;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.config.Normalization;
import org.sparkrnn.driver.model.SavedModel;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

import java.util.ArrayList;
import java.util.List;

/**
 * Data options a trained model fixes (how it standardises, what its labels are, whether its windows are relative to
 * their last value): {@code evaluate} and {@code predict} take them from the model, and refuse them when given on
 * the command line with another value, instead of ignoring them.
 */
final class ModelFixedOptions {

    private ModelFixedOptions() {
    }

    /**
     * {@code options} as the model reads a table: its windows carry their future rows when it has a forecast decoder,
     * and its static columns have the model's categories.
     */
    static org.sparkrnn.driver.config.DataOptions forModel(org.sparkrnn.driver.config.DataOptions options,
                                                          SavedModel saved) {
        return options.forModelInputs(saved.spec().hasDecoder(), saved.shape().staticCategories(),
                saved.spec().loss() == org.sparkrnn.model.Loss.NEGATIVE_BINOMIAL);
    }

    static void check(CommandSpec spec, DataMixin data, SavedModel saved) {
        ParseResult given = spec.commandLine().getParseResult();
        List<String> wrong = new ArrayList<>();
        String normalize = (saved.windowTransform().scaled() ? Normalization.WINDOW
                : saved.seriesScaling() != null ? Normalization.SERIES
                : saved.standardization() != null ? Normalization.STANDARD : Normalization.NONE).cliName();
        if (given.hasMatchedOption("--normalize") && !data.normalize.equals(normalize)) {
            wrong.add("--normalize " + data.normalize + " (the model's: " + normalize + ")");
        }
        String task = saved.shape().labelKind() == LabelKind.CLASSES ? "classification" : "regression";
        if (given.hasMatchedOption("--task") && !data.task.equals(task) && !saved.shape().oneHot()) {
            wrong.add("--task " + data.task + " (the model's: " + task + ")");
        }
        if (given.hasMatchedOption("--classes") && data.classes != 0 && data.classes != saved.shape().classes()) {
            wrong.add("--classes " + data.classes + " (the model's: " + saved.shape().classes() + ")");
        }
        if (given.hasMatchedOption("--relative-to-last") && data.relativeToLast != saved.windowTransform().fromLast()) {
            wrong.add("--relative-to-last (the model's windows are not relative)");
        }
        if (!wrong.isEmpty()) {
            throw new UserError("the model fixes these and was trained otherwise: " + String.join(", ", wrong)
                    + "; leave them out");
        }
    }
}
