package org.sparkrnn.driver.ml;

import org.apache.spark.ml.param.Param;
import org.junit.jupiter.api.Test;
import org.sparkrnn.driver.cli.TrainCommand;
import org.sparkrnn.driver.config.TrainingConfig;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The estimators' params are the command line's training options: every option (except those that only make
 * sense for files on a command line) is a param of the same name in camelCase with the same default, and an
 * estimator with default params describes the same run as {@code train} with default options.
 */
class EstimatorParamsTest {

    /**
     * Options about files, formats and the process, which a DataFrame estimator does not have (a long table becomes
     * the estimators' sequences by a transformer, not by their params).
     */
    private static final Set<String> COMMAND_LINE_ONLY = Set.of("data", "format", "validation", "column",
            "time-column", "window", "horizon", "validate-from", "missing", "delimiter",
            "id-column", "feature-columns", "target-column", "stride", "calendar", "time-format", "frequency",
            "known-columns", "static-columns",
            "no-header", "task", "resume", "export", "baseline", "per-series", "master", "spark", "verbose", "conf", "help",
            "version", "model-dir");

    @Test
    void everyTrainingOptionIsAParamWithTheSameDefault() {
        CommandLine train = new CommandLine(new TrainCommand());
        LstmClassifier classifier = new LstmClassifier();
        Map<String, Param<?>> params = new TreeMap<>();
        for (Param<?> p : classifier.trainingParams()) {
            params.put(p.name(), p);
        }
        List<String> checked = new ArrayList<>();
        for (OptionSpec option : train.getCommandSpec().options()) {
            String name = option.longestName().replaceFirst("^--", "");
            if (COMMAND_LINE_ONLY.contains(name)) {
                continue;
            }
            String paramName = MlParams.paramName(name);
            Param<?> param = params.get(paramName);
            assertTrue(param != null, "--" + name + " has no param '" + paramName + "'");
            String cliDefault = option.defaultValue();
            if (cliDefault == null && (option.type() == boolean.class || option.type() == Boolean.class)) {
                cliDefault = "false"; // a flag: off unless given
            }
            if (cliDefault == null) {
                assertTrue(!classifier.hasDefault(param), paramName + " has a default, --" + name + " none");
            } else {
                Object value = classifier.getOrDefault(param);
                assertEquals(normalize(cliDefault), normalize(optionValue(paramName, value)),
                        "default of " + paramName + " vs --" + name);
            }
            checked.add(name);
        }
        assertTrue(checked.size() >= 30, "checked " + checked);
    }

    /** A param value as the command line writes it: arrays comma-separated, batchSize 0 = all, NaN = keep. */
    private static String optionValue(String param, Object value) {
        if (value instanceof int[] sizes) {
            return Arrays.stream(sizes).mapToObj(String::valueOf).collect(Collectors.joining(","));
        }
        if (param.equals("batchSize") && ((Integer) value) == 0) {
            return "all";
        }
        if (param.equals("forgetBias") && Double.isNaN((Double) value)) {
            return "keep";
        }
        return String.valueOf(value);
    }

    private static String normalize(String value) {
        try {
            return String.valueOf(Double.parseDouble(value));
        } catch (NumberFormatException e) {
            return value;
        }
    }

    @Test
    void defaultParamsDescribeTheDefaultRun() {
        TrainingConfig fromParams = new LstmRegressor().trainingConfig();
        TrainingConfig fromCli = TrainCommand.parse("--data", "DataFrame[features, label]", "--format", "dataframe");
        assertEquals(fromCli.model(), fromParams.model());
        assertEquals(fromCli.optim(), fromParams.optim());
        assertEquals(fromCli.loop(), fromParams.loop());
        assertEquals(fromCli.normalize(), fromParams.normalize());
        assertEquals(null, fromParams.output().modelDir(), "without modelDir nothing is written");
        LstmRegressor set = new LstmRegressor().setHidden(16, 8).setOptimizer("sgd").setLr(0.1).setMomentum(0.9)
                .setNesterov(true).setBatchSize(0).setForgetBias(Double.NaN).setModelDir("/tmp/x");
        TrainingConfig custom = set.trainingConfig();
        assertEquals(List.of(16, 8), custom.model().hidden());
        assertEquals(0, custom.loop().batchSize(), "0 = all");
        assertEquals(null, custom.model().forgetBias(), "NaN = keep the scheme's draw");
        assertTrue(custom.optim().nesterov());
        assertEquals("/tmp/x", custom.output().modelDir());
        IllegalArgumentException lr = assertThrows(IllegalArgumentException.class,
                () -> new LstmRegressor().setLr(-1));
        assertTrue(lr.getMessage().endsWith(": lr must be > 0, got -1.0"), lr.getMessage());
    }
}
