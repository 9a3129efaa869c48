package org.sparkrnn.driver.train;

import org.sparkrnn.driver.config.SettingError;
import org.sparkrnn.driver.config.KernelSettings;
import org.sparkrnn.driver.data.LoadedData;
import org.sparkrnn.driver.data.records.RecordShape;
import org.sparkrnn.driver.exec.DistributedSums;
import org.sparkrnn.driver.model.FileStore;
import org.sparkrnn.driver.model.ModelDirectory;
import org.sparkrnn.driver.model.ModelFile;
import org.sparkrnn.driver.model.SavedModel;
import org.sparkrnn.evaluate.Baseline;
import org.sparkrnn.evaluate.Metrics;
import org.sparkrnn.kernel.Precision;
import org.sparkrnn.model.ModelWeights;
import org.sparkrnn.model.NetworkSpec;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;

/**
 * What a run leaves behind at its end: the kept model, metrics and loss curve in the model directory, the exported
 * weights, and the comparison of the kept model with a baseline forecast on the validation data.
 */
final class RunOutputs {

    private RunOutputs() {
    }

    /** The kept model and a baseline forecast, on the same validation data. */
    record Comparison(String baseline, Metrics baselineMetrics, Metrics modelMetrics) {
    }

    /** The configured baseline, checked against the data before training (not after a long run). */
    static Baseline checkedBaseline(String text, int[] horizons, LoadedData data) {
        Baseline baseline = Baseline.parse(text).withHorizons(horizons);
        RecordShape shape = data.shape();
        String mismatch = baseline.mismatch(shape.labelKind(), shape.labelShape(), shape.labelWidth());
        if (mismatch != null) {
            throw new SettingError("{--baseline}: " + mismatch + "; these data have " + shape.describeLabels());
        }
        if (data.validation() == null) {
            throw new SettingError("{--baseline} needs validation data ({--validation}, {--validation-fraction} or"
                    + " {--validate-from})");
        }
        return baseline;
    }

    /**
     * Writes the model file, the metrics and the loss curve into {@code dir}; {@code keptIteration} is the iteration
     * whose weights the model holds (null: the last).
     */
    static void writeModel(ModelDirectory dir, SavedModel model, MetricsHistory history, Precision precision,
                           Long keptIteration) throws IOException {
        dir.writeModel(model, precision);
        dir.writeText(ModelDirectory.METRICS, history.toCsv());
        String units = model.spec().loss().cliName()
                + (model.standardization() != null && !model.spec().loss().isClassification()
                ? ", standardised units" : "");
        dir.writeText(ModelDirectory.LOSS_CURVE, LossCurve.svg(history.rows(), model.spec().describe(), units,
                keptIteration));
    }

    /** Writes the weights with PyTorch names and the standardisation statistics to {@code path}. */
    static void export(FileStore files, String path, SavedModel model, Precision precision, PrintStream out)
            throws IOException {
        files.writeAtomically(path, ModelFile.export(model, precision));
        out.println("exported weights to " + path);
    }

    /** Scores the kept model and the baseline on the validation data and prints both. */
    static Comparison compare(String name, Baseline baseline, DistributedSums sums, LoadedData data, NetworkSpec spec,
                              double[] kept, KernelSettings kernel, int[] horizons, PrintStream out) {
        if (baseline.needsClassCounts()) {
            baseline = baseline.withClassCounts(sums.classCounts(data.train(), spec.outputSize(),
                    "baseline: training class counts"));
        }
        org.sparkrnn.evaluate.EvaluationSums baseSums = sums.baseline(data.validation(), baseline,
                data.standardization(), "baseline: validation");
        org.sparkrnn.evaluate.EvaluationSums modelSums = sums.evaluate(data.validation(),
                new ModelWeights(spec, kept.clone()), kernel, data.targetScale(), "kept model: validation");
        Metrics base = Metrics.of(baseSums, spec.loss());
        Metrics model = Metrics.of(modelSums, spec.loss());
        String key = Metrics.comparedBy(spec.loss());
        double ours = model.asMap().get(key);
        double theirs = base.asMap().get(key);
        out.printf(Locale.ROOT, "validation, kept model: %s%n", model.describe());
        printSteps(out, "validation, kept model, ", modelSums, data, horizons);
        out.printf(Locale.ROOT, "validation, baseline %s: %s%n", baseline.describe(), base.describe());
        printSteps(out, "validation, baseline " + baseline.describe() + ", ", baseSums, data, horizons);
        out.println("=> " + Metrics.versus(key, ours, theirs));
        return new Comparison(name, base, model);
    }

    /** With several horizons: rmse and mae at each, on a line of their own. */
    private static void printSteps(PrintStream out, String prefix, org.sparkrnn.evaluate.EvaluationSums sums,
                                   LoadedData data, int[] horizons) {
        String steps = org.sparkrnn.evaluate.StepMetrics.line(sums, data.shape().labelWidth(), horizons);
        if (steps != null) {
            out.println(prefix + steps);
        }
    }
}
