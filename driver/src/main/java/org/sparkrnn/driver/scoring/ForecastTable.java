package org.sparkrnn.driver.scoring;

import org.sparkrnn.model.Quantiles;
import org.sparkrnn.evaluate.EvaluationSums;
import org.sparkrnn.evaluate.ForecastSums;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The forecasting metrics as CSV: a line for a scored side (or a backtest's cutoff) overall, then one per series in
 * the order of their keys' text, each with the model's and the baseline's wQL, coverage of each central interval,
 * sMAPE, MASE, rmse and mae (full precision; empty where a metric has no value). What {@code backtest.csv} and
 * {@code evaluate --per-series}'s forecasting file hold.
 */
public final class ForecastTable {

    private ForecastTable() {
    }

    /** The header line: {@code first} (side or cutoff), series, values, then each metric of the model's and the baseline's. */
    public static String header(String first, double[] levels) {
        StringBuilder csv = new StringBuilder(first).append(",series,values");
        for (String who : List.of("model", "baseline")) {
            for (String name : columnNames(levels)) {
                csv.append(',').append(who).append('_').append(name);
            }
        }
        return csv.append('\n').toString();
    }

    /** {@code result}'s lines: overall (an empty series), then each series'. */
    public static void rows(StringBuilder csv, String first, ForecastReport.Result result, double[] levels) {
        row(csv, first, "", result.model(), result.baseline(), levels);
        List<Map.Entry<Object, EvaluationSums[]>> series = new ArrayList<>(result.perSeries().entrySet());
        series.sort(Comparator.comparing(e -> String.valueOf(e.getKey())));
        for (Map.Entry<Object, EvaluationSums[]> e : series) {
            row(csv, first, String.valueOf(e.getKey()), e.getValue()[0], e.getValue()[1], levels);
        }
    }

    private static List<String> columnNames(double[] levels) {
        List<String> names = new ArrayList<>();
        if (levels.length > 0) {
            names.add("wql");
            for (int[] interval : Quantiles.centralIntervals(levels)) {
                names.add("coverage" + Quantiles.intervalName(levels[interval[0]]).replace("%", ""));
            }
        }
        names.addAll(List.of("smape", "mase", "rmse", "mae"));
        return names;
    }

    private static void row(StringBuilder csv, String first, String series, EvaluationSums model,
                            EvaluationSums baseline, double[] levels) {
        csv.append(quoted(first)).append(',').append(quoted(series)).append(',').append(model.forecast().count());
        for (EvaluationSums sums : List.of(model, baseline)) {
            ForecastSums f = sums.forecast();
            List<Double> values = new ArrayList<>();
            if (levels.length > 0) {
                values.add(f.meanWeightedQuantileLoss());
                for (int i = 0; i < f.intervals().size(); i++) {
                    values.add(f.coverage(i));
                }
            }
            values.add(f.smape());
            values.add(f.mase());
            values.add(Math.sqrt(sums.squaredError() / sums.elements()));
            values.add(sums.absoluteError() / sums.elements());
            for (double v : values) {
                csv.append(',').append(Double.isNaN(v) ? "" : String.valueOf(v));
            }
        }
        csv.append('\n');
    }

    private static String quoted(String text) {
        return text.contains(",") || text.contains("\"") ? '"' + text.replace("\"", "\"\"") + '"' : text;
    }
}
