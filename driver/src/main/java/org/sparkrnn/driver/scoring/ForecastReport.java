package org.sparkrnn.driver.scoring;

import org.apache.spark.api.java.JavaPairRDD;
import org.sparkrnn.data.SequenceBlock;
import org.sparkrnn.model.Quantiles;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.config.DataOptions;
import org.sparkrnn.driver.config.SettingError;
import org.sparkrnn.driver.data.DatasetLoader;
import org.sparkrnn.driver.data.records.SplitSide;
import org.sparkrnn.driver.model.SavedModel;
import org.sparkrnn.evaluate.Baseline;
import org.sparkrnn.evaluate.EvaluationSums;
import org.sparkrnn.evaluate.ForecastSums;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The forecasting metrics of a model on a long table, beside the seasonal naive forecast's ({@code --season N}:
 * the value N steps back; 1: the last value) with its own empirical residual quantiles, so that a probabilistic model
 * has a fair opponent: weighted quantile loss (the mean over the levels of 2 Σ pinball / Σ |y|), the coverage of each
 * central interval among the levels, sMAPE and MASE (against the series' in-sample seasonal-naive error), overall,
 * per predicted step and per series. Each series' training windows fit the baseline, its scored windows are scored
 * (a held-out side: the windows after the split; the training side: in sample).
 */
public final class ForecastReport {

    /** The model's and the baseline's sums, overall and per series. */
    public record Result(EvaluationSums model, EvaluationSums baseline, Map<Object, EvaluationSums[]> perSeries,
                         double[] levels, int season) {
    }

    private ForecastReport() {
    }

    /**
     * The seasonal naive baseline of {@code season} for the options' horizons (its MASE scale too); a model of
     * class labels has none.
     */
    public static Baseline seasonalNaive(int season, int[] horizons) {
        if (season < 1) {
            throw new SettingError("{--season} must be >= 1, got " + season);
        }
        return Baseline.parse(season == 1 ? "last" : "lag:" + season).withHorizons(horizons);
    }

    /** Scores {@code scoring}'s model and the seasonal naive on the {@code side} windows of the table. */
    public static Result run(DatasetLoader loader, ModelScoring scoring, DataOptions options, double[] levels,
                             int season, SplitSide side) {
        SavedModel saved = scoring.saved();
        if (options.table() == null) {
            throw new SettingError("the forecasting metrics read a long table: give {--id-column}, {--time-column}"
                    + " and {--target-column} (or a model trained on one)");
        }
        Baseline naive = seasonalNaive(season, options.horizons());
        String mismatch = naive.mismatch(saved.shape().labelKind(), saved.shape().labelShape(),
                saved.shape().labelWidth());
        if (mismatch != null) {
            throw new SettingError("the forecasting metrics compare with " + naive.describe() + ": " + mismatch
                    + "; these data have " + saved.shape().describeLabels());
        }
        DataOptions read = options.forModelInputs(saved.spec().hasDecoder(), saved.shape().staticCategories(),
                saved.spec().loss() == org.sparkrnn.model.Loss.NEGATIVE_BINOMIAL);
        SplitSide fitSide = side == SplitSide.VALIDATION ? SplitSide.TRAINING : side;
        JavaPairRDD<Object, SequenceBlock> fit = loader.tableWindowsBySeries(read, saved.standardization(),
                saved.seriesScaling(), saved.frequency(), fitSide);
        JavaPairRDD<Object, SequenceBlock> held = side == fitSide ? fit : loader.tableWindowsBySeries(read,
                saved.standardization(), saved.seriesScaling(), saved.frequency(), side);
        Map<Object, EvaluationSums[]> perSeries = scoring.forecastByKey(fit, held, naive, levels,
                "forecast metrics: " + side.name().toLowerCase(Locale.ROOT));
        if (perSeries.isEmpty()) {
            throw new UserError(options.path() + ": no series has a window on the "
                    + side.name().toLowerCase(Locale.ROOT) + " side");
        }
        // overall: every series' sums, merged in the order of their keys' text (the same bits every run)
        EvaluationSums model = new EvaluationSums();
        EvaluationSums baseline = new EvaluationSums();
        perSeries.entrySet().stream().sorted(java.util.Comparator.comparing(e -> String.valueOf(e.getKey())))
                .forEach(e -> {
                    model.merge(e.getValue()[0]);
                    baseline.merge(e.getValue()[1]);
                });
        return new Result(model, baseline, perSeries, levels, season);
    }

    /** Prints the overall lines, the comparison, and with several steps a line per step of each metric. */
    public static void print(Result result, String what, String side, int[] horizons, PrintStream out) {
        ForecastSums ours = result.model().forecast();
        ForecastSums theirs = result.baseline().forecast();
        Baseline naive = seasonalNaive(result.season(), horizons);
        out.printf(Locale.ROOT, "%s, %s, forecast (%d values%s): %s%n", what, side, ours.count(),
                result.levels().length == 0 ? "" : ", quantiles " + levelsText(result.levels()), describe(ours));
        out.printf(Locale.ROOT, "%s, %s, baseline %s%s: %s%n", what, side, naive.describe(),
                result.levels().length == 0 ? "" : " with its residual quantiles", describe(theirs));
        String key = result.levels().length > 0 ? "wql" : "smape";
        double a = key.equals("wql") ? ours.meanWeightedQuantileLoss() : ours.smape();
        double b = key.equals("wql") ? theirs.meanWeightedQuantileLoss() : theirs.smape();
        out.println("=> " + side + ", " + org.sparkrnn.evaluate.Metrics.versus(key, a, b));
        out.printf(Locale.ROOT, "%s, %s, forecast per series: %s%n", what, side, perSeries(result, key));
        if (horizons.length > 1 && ours.width() == horizons.length) {
            out.printf(Locale.ROOT, "%s, %s, forecast by step (%d..%d): %s%n", what, side, horizons[0],
                    horizons[horizons.length - 1], bySteps(ours));
            out.printf(Locale.ROOT, "%s, %s, baseline by step (%d..%d): %s%n", what, side, horizons[0],
                    horizons[horizons.length - 1], bySteps(theirs));
        }
    }

    /**
     * The series the model beats the baseline on by {@code key} (wql, else smape), and the worst and the best series
     * by it: {@code the model is better on 12 of 14 series; worst Construction (wql 0.1456), best ...}.
     */
    static String perSeries(Result result, String key) {
        List<Map.Entry<Object, EvaluationSums[]>> series = new java.util.ArrayList<>(result.perSeries().entrySet());
        java.util.function.ToDoubleFunction<EvaluationSums> metric = sums -> key.equals("wql")
                ? sums.forecast().meanWeightedQuantileLoss() : sums.forecast().smape();
        series.sort(java.util.Comparator.<Map.Entry<Object, EvaluationSums[]>>comparingDouble(
                e -> -metric.applyAsDouble(e.getValue()[0])).thenComparing(e -> String.valueOf(e.getKey())));
        long better = series.stream().filter(e -> metric.applyAsDouble(e.getValue()[0])
                < metric.applyAsDouble(e.getValue()[1])).count();
        Map.Entry<Object, EvaluationSums[]> worst = series.get(0);
        Map.Entry<Object, EvaluationSums[]> best = series.get(series.size() - 1);
        return String.format(Locale.ROOT, "the model's %s is lower than the baseline's on %d of %d series; worst %s"
                        + " (%.4g against %.4g), best %s (%.4g against %.4g)", key, better, series.size(), worst.getKey(),
                metric.applyAsDouble(worst.getValue()[0]), metric.applyAsDouble(worst.getValue()[1]), best.getKey(),
                metric.applyAsDouble(best.getValue()[0]), metric.applyAsDouble(best.getValue()[1]));
    }

    /** The metrics of {@code sums} over the chosen values (all when none): {@code wql 0.041 cover80 0.81 ...}. */
    public static String describe(ForecastSums sums, int... values) {
        StringBuilder text = new StringBuilder();
        double[] levels = sums.levels();
        if (levels.length > 0) {
            text.append(String.format(Locale.ROOT, "wql %.4f", sums.meanWeightedQuantileLoss(values)));
            List<int[]> intervals = sums.intervals();
            for (int i = 0; i < intervals.size(); i++) {
                text.append(String.format(Locale.ROOT, " coverage%s %.3f",
                        Quantiles.intervalName(levels[intervals.get(i)[0]]).replace("%", ""),
                        sums.coverage(i, values)));
            }
            text.append(' ');
        }
        text.append(String.format(Locale.ROOT, "smape %.3f", sums.smape(values)));
        double mase = sums.mase(values);
        if (!Double.isNaN(mase)) {
            text.append(String.format(Locale.ROOT, " mase %.4f", mase));
        }
        return text.toString();
    }

    private static String bySteps(ForecastSums sums) {
        StringBuilder text = new StringBuilder();
        String[] keys = sums.levels().length > 0 ? new String[] {"wql", "smape", "mase"}
                : new String[] {"smape", "mase"};
        for (String key : keys) {
            text.append(text.length() == 0 ? "" : "; ").append(key);
            for (int v = 0; v < sums.width(); v++) {
                double value = switch (key) {
                    case "wql" -> sums.meanWeightedQuantileLoss(v);
                    case "smape" -> sums.smape(v);
                    default -> sums.mase(v);
                };
                text.append(String.format(Locale.ROOT, " %.4g", value));
            }
        }
        if (sums.levels().length > 0) {
            double[] levels = sums.levels();
            List<int[]> intervals = sums.intervals();
            for (int i = 0; i < intervals.size(); i++) {
                text.append("; coverage").append(Quantiles.intervalName(levels[intervals.get(i)[0]]).replace("%", ""));
                for (int v = 0; v < sums.width(); v++) {
                    text.append(String.format(Locale.ROOT, " %.3f", sums.coverage(i, v)));
                }
            }
        }
        return text.toString();
    }

    private static String levelsText(double[] levels) {
        return Quantiles.text(java.util.Arrays.stream(levels).boxed().toList());
    }
}
