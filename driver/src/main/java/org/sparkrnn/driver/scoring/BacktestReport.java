package org.sparkrnn.driver.scoring;

import org.sparkrnn.driver.model.FileStore;
import org.sparkrnn.evaluate.Baseline;
import org.sparkrnn.evaluate.EvaluationSums;
import org.sparkrnn.evaluate.ForecastSums;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code lstm-spark backtest} reports: each cutoff's forecasting metrics (the model's and the seasonal naive's,
 * {@link ForecastReport}), every cutoff together, and, written out, a CSV of every cutoff's metrics overall and per
 * series, the summary as printed, a chart of the metric by cutoff and fan charts of chosen series.
 */
public final class BacktestReport {

    private final double[] levels;
    private final int season;
    private final int[] horizons;
    private final List<String> cutoffs = new ArrayList<>();
    private final List<ForecastReport.Result> results = new ArrayList<>();
    private final StringBuilder printed = new StringBuilder();

    public BacktestReport(double[] levels, int season, int[] horizons) {
        this.levels = levels.clone();
        this.season = season;
        this.horizons = horizons.clone();
    }

    /** Cutoff {@code cutoff}'s scores (added in time order). */
    public void add(String cutoff, ForecastReport.Result result) {
        cutoffs.add(cutoff);
        results.add(result);
    }

    /** The metric the model and the baseline are compared by: wQL with quantiles, else sMAPE. */
    public String metric() {
        return levels.length > 0 ? "wql" : "smape";
    }

    /** Cutoff k's lines: the model's metrics, the baseline's, and which is better. */
    public String cutoffLine(int k) {
        ForecastReport.Result result = results.get(k);
        ForecastSums ours = result.model().forecast();
        ForecastSums theirs = result.baseline().forecast();
        String line = String.format(Locale.ROOT, "cutoff %s (%d series, %d values): model %s%n  baseline %s: %s%n  =>"
                + " %s", cutoffs.get(k), result.perSeries().size(), ours.count(), describe(result.model()),
                naive().describe(), describe(result.baseline()),
                org.sparkrnn.evaluate.Metrics.versus(metric(), value(ours), value(theirs)));
        printed.append(line).append('\n');
        return line;
    }

    /** Every cutoff's sums together: the backtest's overall lines. */
    public void printSummary(PrintStream out) {
        EvaluationSums model = new EvaluationSums();
        EvaluationSums baseline = new EvaluationSums();
        for (ForecastReport.Result result : results) {
            model.merge(result.model());
            baseline.merge(result.baseline());
        }
        String text = String.format(Locale.ROOT, "all %d cutoff(s): model %s%n  baseline %s: %s%n=> all cutoffs, %s",
                cutoffs.size(), describe(model), naive().describe(), describe(baseline),
                org.sparkrnn.evaluate.Metrics.versus(metric(), value(model.forecast()), value(baseline.forecast())));
        printed.append(text).append('\n');
        out.println(text);
    }

    /**
     * Writes {@code dir}/backtest.csv (a line per cutoff and side: overall, then per series), summary.txt (what was
     * printed), metric-by-cutoff.svg, and the fan charts {@code charts} draws (null: none).
     */
    public void write(FileStore files, String dir, ForecastCharts charts, PrintStream out) throws IOException {
        files.writeAtomically(dir + "/backtest.csv", csv().getBytes(StandardCharsets.UTF_8));
        files.writeAtomically(dir + "/summary.txt", printed.toString().getBytes(StandardCharsets.UTF_8));
        double[] ours = new double[results.size()];
        double[] theirs = new double[results.size()];
        for (int k = 0; k < results.size(); k++) {
            ours[k] = value(results.get(k).model().forecast());
            theirs[k] = value(results.get(k).baseline().forecast());
        }
        files.writeAtomically(dir + "/metric-by-cutoff.svg", ForecastCharts.metricByCutoff(metric() + " by cutoff",
                metric(), cutoffs, ours, theirs, naive().describe()).getBytes(StandardCharsets.UTF_8));
        int pictures = 1;
        if (charts != null) {
            pictures += charts.write(files, dir, results.get(results.size() - 1), cutoffs.get(cutoffs.size() - 1),
                    metric());
        }
        out.printf("backtest written to %s: backtest.csv, summary.txt and %d chart(s)%n", dir, pictures);
    }

    private String csv() {
        StringBuilder csv = new StringBuilder(ForecastTable.header("cutoff", levels));
        for (int k = 0; k < results.size(); k++) {
            ForecastTable.rows(csv, cutoffs.get(k), results.get(k), levels);
        }
        return csv.toString();
    }

    private String describe(EvaluationSums sums) {
        return ForecastReport.describe(sums.forecast()) + String.format(Locale.ROOT, " rmse %.4g mae %.4g",
                Math.sqrt(sums.squaredError() / sums.elements()), sums.absoluteError() / sums.elements());
    }

    private double value(ForecastSums sums) {
        return levels.length > 0 ? sums.meanWeightedQuantileLoss() : sums.smape();
    }

    private Baseline naive() {
        return ForecastReport.seasonalNaive(season, horizons);
    }
}
