package org.sparkrnn.driver.scoring;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.sparkrnn.model.Quantiles;
import org.sparkrnn.driver.config.DataOptions;
import org.sparkrnn.driver.config.Defaults;
import org.sparkrnn.driver.config.InvalidRows;
import org.sparkrnn.driver.config.KernelSettings;
import org.sparkrnn.driver.data.DatasetLoader;
import org.sparkrnn.driver.data.frame.FrameColumns;
import org.sparkrnn.driver.data.frame.RowArrays;
import org.sparkrnn.driver.data.table.LongTableSource;
import org.sparkrnn.driver.model.FileStore;
import org.sparkrnn.driver.model.SavedModel;
import org.sparkrnn.driver.predict.FramePredictor;
import org.sparkrnn.driver.predict.PredictionLayout;
import org.sparkrnn.driver.predict.ScopedPredictions;
import org.sparkrnn.evaluate.EvaluationSums;
import org.sparkrnn.evaluate.ForecastSums;
import org.sparkrnn.kernel.Precision;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Pictures of forecasts, as SVG (any browser opens them; no dependency): a fan chart per chosen series (its history
 * before the cutoff, the actual values after it, the forecast's median or mean and its central intervals shaded,
 * the cutoff marked; times and values in the data's own units) and the metric by cutoff (the model's and the
 * baseline's). The N worst and the N best series by the metric are chosen from a scored side; their rows and
 * forecasts are read again for them alone (a Spark job each, small results).
 */
public final class ForecastCharts {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 480;
    private static final int LEFT = 90;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 70;
    private static final String HISTORY = "#444444";
    private static final String ACTUAL = "#000000";
    private static final String FORECAST = "#1f77b4";
    private static final String BASELINE = "#d62728";
    /** History shown before the cutoff: this many windows' worth of rows. */
    private static final int HISTORY_WINDOWS = 3;

    private final DatasetLoader loader;
    private final SavedModel saved;
    private final DataOptions options;
    private final int count;
    private final Precision precision;
    private final double[] levels;

    /**
     * @param options the table as scored, its hold-out from the cutoff charted
     * @param count   how many worst and how many best series
     */
    public ForecastCharts(DatasetLoader loader, SavedModel saved, DataOptions options, int count, Precision precision,
                          double[] levels) {
        this.loader = loader;
        this.saved = saved;
        this.options = options;
        this.count = count;
        this.precision = precision;
        this.levels = levels.clone();
    }

    /** One series' point: its index on the time axis, the time as the table writes it, the value. */
    private record Point(int x, String time, double y) {
    }

    /**
     * Writes the fan charts of the {@code count} worst and best series of {@code scored} (by {@code metric}) at
     * {@code cutoff} to {@code dir}; returns how many.
     */
    public int write(FileStore files, String dir, ForecastReport.Result scored, String cutoff, String metric)
            throws IOException {
        List<Map.Entry<Object, EvaluationSums[]>> ranked = new ArrayList<>(scored.perSeries().entrySet());
        ranked.sort(Comparator.<Map.Entry<Object, EvaluationSums[]>>comparingDouble(e -> -value(e.getValue()[0]
                .forecast(), metric)).thenComparing(e -> String.valueOf(e.getKey())));
        Map<String, String> chosen = new LinkedHashMap<>(); // key → file name
        for (int k = 0; k < Math.min(count, ranked.size()); k++) {
            chosen.put(String.valueOf(ranked.get(k).getKey()), "fan-worst-" + (k + 1));
        }
        for (int k = 0; k < Math.min(count, ranked.size()); k++) {
            String key = String.valueOf(ranked.get(ranked.size() - 1 - k).getKey());
            chosen.putIfAbsent(key, "fan-best-" + (k + 1));
        }
        Map<String, List<Point>> rows = new HashMap<>();
        loader.seriesValues(options, List.copyOf(chosen.keySet())).forEach((key, values) -> {
            List<Point> points = new ArrayList<>();
            for (Map.Entry<String, Double> value : values) {
                points.add(new Point(points.size(), value.getKey(), value.getValue()));
            }
            rows.put(key, points);
        });
        Map<String, List<Object[]>> forecasts = forecasts(chosen.keySet());
        String units = options.table().targetColumns().get(0);
        for (Map.Entry<String, String> e : chosen.entrySet()) {
            String key = e.getKey();
            EvaluationSums[] sums = scored.perSeries().entrySet().stream()
                    .filter(s -> String.valueOf(s.getKey()).equals(key)).findFirst().orElseThrow().getValue();
            String title = String.format(Locale.ROOT, "%s, from %s: %s %.4g (baseline %.4g)", key, cutoff, metric,
                    value(sums[0].forecast(), metric), value(sums[1].forecast(), metric));
            String svg = fanChart(title, units, rows.getOrDefault(key, List.of()), forecasts.getOrDefault(key,
                    List.of()), cutoff);
            files.writeAtomically(dir + "/" + e.getValue() + "-" + fileName(key) + ".svg",
                    svg.getBytes(StandardCharsets.UTF_8));
        }
        return chosen.size();
    }

    private static double value(ForecastSums sums, String metric) {
        return metric.equals("wql") ? sums.meanWeightedQuantileLoss() : sums.smape();
    }

    private static String fileName(String key) {
        String name = key.replaceAll("[^A-Za-z0-9._-]+", "_");
        return name.length() > 60 ? name.substring(0, 60) : name;
    }

    /**
     * The chosen series' forecasts from the cutoff on: per series, rows of {forecast times (String[]), point
     * (double[]), each level's quantiles (double[][])}, in time order.
     */
    private Map<String, List<Object[]>> forecasts(java.util.Collection<String> keys) {
        String id = options.table().idColumn();
        Dataset<Row> windows = loader.predictionRows(options.absolute(), saved.shape(), saved.frequency());
        if (id != null) {
            windows = windows.where(org.apache.spark.sql.functions.col(id).cast("string").isin(keys.toArray()));
        }
        PredictionLayout layout = PredictionLayout.forModel(saved, levels);
        Map<String, List<Object[]>> out = new HashMap<>();
        try (ScopedPredictions predicted = FramePredictor.open(windows, saved, layout, FrameColumns.FEATURES,
                options.path(), InvalidRows.ERROR, new KernelSettings(precision, 0), Defaults.Values.CHUNK_SIZE)) {
            Dataset<Row> rows = predicted.rows();
            List<String> names = new ArrayList<>();
            names.add(LongTableSource.FORECAST_TIME);
            names.add("prediction");
            for (double level : levels) {
                names.add(Quantiles.columnName(level));
            }
            List<org.apache.spark.sql.Column> columns = new ArrayList<>();
            columns.add(id == null ? org.apache.spark.sql.functions.lit("") : org.apache.spark.sql.functions.col(id)
                    .cast("string"));
            for (String name : names) {
                columns.add(org.apache.spark.sql.functions.col(name));
            }
            for (Row row : rows.select(columns.toArray(new org.apache.spark.sql.Column[0])).collectAsList()) {
                Object[] entry = new Object[2 + levels.length];
                entry[0] = RowArrays.texts(row.get(1));
                for (int k = 0; k <= levels.length; k++) {
                    entry[1 + k] = RowArrays.doubles(row.get(2 + k));
                }
                out.computeIfAbsent(row.getString(0), k -> new ArrayList<>()).add(entry);
            }
        }
        return out;
    }

    /**
     * A fan chart: the series' rows ({@code points}, in time order), the forecasts of the windows whose first
     * forecast time is at or after {@code cutoff} (one-step forecasts: each window's; several steps: the fan of the
     * window at the cutoff).
     */
    private String fanChart(String title, String units, List<Point> rows, List<Object[]> forecasts, String cutoff) {
        Map<String, Integer> index = new HashMap<>();
        for (Point p : rows) {
            index.put(p.time(), p.x());
        }
        Integer at = index.get(cutoff);
        int cut = at == null ? (rows.isEmpty() ? 0 : rows.get(rows.size() - 1).x() + 1) : at;
        int from = Math.max(0, cut - HISTORY_WINDOWS * Math.max(1, options.table().window()));
        // the forecasts drawn: per x, the point and each level's quantile
        java.util.TreeMap<Integer, double[]> drawn = new java.util.TreeMap<>();
        boolean fan = options.horizons().length > 1;
        for (Object[] f : forecasts) {
            String[] times = (String[]) f[0];
            Integer first = index.get(times[0]);
            if (first == null || first < cut || (fan && first != cut)) {
                continue;
            }
            for (int s = 0; s < times.length; s++) {
                Integer x = index.get(times[s]);
                if (x == null) {
                    continue; // past the data: no actual to draw it against
                }
                double[] values = new double[1 + levels.length];
                for (int k = 0; k <= levels.length; k++) {
                    values[k] = ((double[]) f[1 + k])[s];
                }
                drawn.putIfAbsent(x, values);
            }
        }
        int to = Math.max(cut, drawn.isEmpty() ? cut : drawn.lastKey());
        List<Point> shown = rows.stream().filter(p -> p.x() >= from && p.x() <= to).toList();
        double yMin = Double.MAX_VALUE;
        double yMax = -Double.MAX_VALUE;
        for (Point p : shown) {
            yMin = Math.min(yMin, p.y());
            yMax = Math.max(yMax, p.y());
        }
        for (double[] v : drawn.values()) {
            for (double y : v) {
                yMin = Math.min(yMin, y);
                yMax = Math.max(yMax, y);
            }
        }
        Canvas canvas = new Canvas(title, from - 0.5, Math.max(to, from + 1) + 0.5, yMin, yMax);
        canvas.yAxis(units);
        List<String> labels = new ArrayList<>();
        List<Integer> ticks = new ArrayList<>();
        int every = Math.max(1, (to - from) / 8);
        for (Point p : shown) {
            if ((p.x() - from) % every == 0) {
                ticks.add(p.x());
                labels.add(p.time());
            }
        }
        canvas.xTicks(ticks, labels);
        // the central intervals, widest first (lightest), then the point forecast
        List<int[]> intervals = Quantiles.centralIntervals(levels);
        for (int i = 0; i < intervals.size(); i++) {
            int[] pair = intervals.get(i);
            List<double[]> lower = new ArrayList<>();
            List<double[]> upper = new ArrayList<>();
            drawn.forEach((x, v) -> {
                lower.add(new double[] {x, v[1 + pair[0]]});
                upper.add(new double[] {x, v[1 + pair[1]]});
            });
            canvas.band(lower, upper, FORECAST, 0.15 + 0.15 * i, Quantiles.intervalName(levels[pair[0]])
                    + " interval");
        }
        List<double[]> points = new ArrayList<>();
        drawn.forEach((x, v) -> points.add(new double[] {x, v[0]}));
        List<double[]> history = new ArrayList<>();
        List<double[]> actual = new ArrayList<>();
        for (Point p : shown) {
            (p.x() < cut ? history : actual).add(new double[] {p.x(), p.y()});
        }
        if (!history.isEmpty() && !actual.isEmpty()) {
            actual.add(0, history.get(history.size() - 1));
        }
        canvas.line(history, HISTORY, 1.5, false, "history");
        canvas.line(actual, ACTUAL, 2, false, "actual");
        org.sparkrnn.distribution.ForecastHead head = org.sparkrnn.distribution.ForecastHead.of(saved.spec());
        canvas.line(points, FORECAST, 2, true, head == null ? "forecast" : head.levels().length > 0 ? "median"
                : "mean");
        canvas.markers(points, FORECAST);
        canvas.markers(actual.size() > 1 ? actual.subList(1, actual.size()) : actual, ACTUAL);
        canvas.cutoff(cut, "cutoff " + cutoff);
        return canvas.finish();
    }

    /** The model's and the baseline's metric at each cutoff, as SVG. */
    public static String metricByCutoff(String title, String metric, List<String> cutoffs, double[] model,
                                        double[] baseline, String baselineName) {
        double yMin = 0;
        double yMax = 0;
        for (double[] values : List.of(model, baseline)) {
            for (double v : values) {
                if (Double.isFinite(v)) {
                    yMax = Math.max(yMax, v);
                }
            }
        }
        Canvas canvas = new Canvas(title, -0.5, cutoffs.size() - 0.5, yMin, yMax);
        canvas.yAxis(metric);
        List<Integer> ticks = new ArrayList<>();
        for (int k = 0; k < cutoffs.size(); k++) {
            ticks.add(k);
        }
        canvas.xTicks(ticks, cutoffs);
        List<double[]> ours = new ArrayList<>();
        List<double[]> theirs = new ArrayList<>();
        for (int k = 0; k < cutoffs.size(); k++) {
            ours.add(new double[] {k, model[k]});
            theirs.add(new double[] {k, baseline[k]});
        }
        canvas.line(ours, FORECAST, 2, false, "model");
        canvas.markers(ours, FORECAST);
        canvas.line(theirs, BASELINE, 2, false, "baseline: " + baselineName);
        canvas.markers(theirs, BASELINE);
        return canvas.finish();
    }

    /** An SVG plot area with linear axes: x from {@code xMin} to {@code xMax}, y padded around its range. */
    private static final class Canvas {
        private final StringBuilder svg = new StringBuilder();
        private final StringBuilder legend = new StringBuilder();
        private final double xMin;
        private final double xMax;
        private final double yMin;
        private final double yMax;
        private int legendRows;

        Canvas(String title, double xMin, double xMax, double yLow, double yHigh) {
            if (!(yHigh > yLow)) {
                double mid = Double.isFinite(yLow) && yLow != Double.MAX_VALUE ? yLow : 0;
                yLow = mid - 1;
                yHigh = mid + 1;
            }
            double pad = 0.05 * (yHigh - yLow);
            this.xMin = xMin;
            this.xMax = xMax;
            this.yMin = yLow - pad;
            this.yMax = yHigh + pad;
            svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\""
                    + " height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT));
            svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH,
                    HEIGHT));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"15\">%s</text>%n", LEFT,
                    escape(title)));
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\""
                    + " stroke=\"#999\"/>%n", LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM));
        }

        double x(double value) {
            return LEFT + (value - xMin) / (xMax - xMin) * (WIDTH - LEFT - RIGHT);
        }

        double y(double value) {
            return TOP + (yMax - value) / (yMax - yMin) * (HEIGHT - TOP - BOTTOM);
        }

        void yAxis(String units) {
            double stepSize = niceStep((yMax - yMin) / 6);
            for (double v = Math.ceil(yMin / stepSize) * stepSize; v <= yMax; v += stepSize) {
                svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\""
                        + " stroke=\"#eee\"/>%n", LEFT, WIDTH - RIGHT, y(v), y(v)));
                svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                        LEFT - 6, y(v) + 4, escape(tick(v, stepSize))));
            }
            svg.append(String.format(Locale.ROOT, "<text transform=\"translate(18,%d) rotate(-90)\""
                    + " text-anchor=\"middle\">%s</text>%n", TOP + (HEIGHT - TOP - BOTTOM) / 2, escape(units)));
        }

        void xTicks(List<Integer> ticks, List<String> labels) {
            for (int k = 0; k < ticks.size(); k++) {
                double at = x(ticks.get(k));
                svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\""
                        + " stroke=\"#999\"/>%n", at, at, HEIGHT - BOTTOM, HEIGHT - BOTTOM + 5));
                svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                        at, HEIGHT - BOTTOM + 20, escape(labels.get(k))));
            }
        }

        void line(List<double[]> points, String color, double width, boolean dashed, String name) {
            if (points.isEmpty()) {
                return;
            }
            StringBuilder path = new StringBuilder();
            for (double[] p : points) {
                path.append(path.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.1f,%.1f", x(p[0]),
                        y(p[1])));
            }
            svg.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\""
                    + " stroke-width=\"%.1f\"%s/>%n", path, color, width, dashed ? " stroke-dasharray=\"6,3\"" : ""));
            legendEntry(String.format(Locale.ROOT, "<line x1=\"0\" x2=\"24\" y1=\"0\" y2=\"0\" stroke=\"%s\""
                    + " stroke-width=\"%.1f\"%s/>", color, width, dashed ? " stroke-dasharray=\"6,3\"" : ""), name);
        }

        void markers(List<double[]> points, String color) {
            for (double[] p : points) {
                if (Double.isFinite(p[1])) {
                    svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n",
                            x(p[0]), y(p[1]), color));
                }
            }
        }

        void band(List<double[]> lower, List<double[]> upper, String color, double opacity, String name) {
            if (lower.isEmpty()) {
                return;
            }
            StringBuilder path = new StringBuilder();
            for (double[] p : lower) {
                path.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(p[0]), y(p[1])));
            }
            for (int k = upper.size() - 1; k >= 0; k--) {
                path.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(upper.get(k)[0]), y(upper.get(k)[1])));
            }
            if (lower.size() == 1) { // one step: a bar
                double[] p = lower.get(0);
                double[] q = upper.get(0);
                svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"8\" height=\"%.1f\""
                        + " fill=\"%s\" fill-opacity=\"%.2f\"/>%n", x(p[0]) - 4, y(q[1]), y(p[1]) - y(q[1]), color,
                        opacity));
            } else {
                svg.append(String.format(Locale.ROOT, "<polygon points=\"%s\" fill=\"%s\" fill-opacity=\"%.2f\""
                        + " stroke=\"none\"/>%n", path.toString().trim(), color, opacity));
            }
            legendEntry(String.format(Locale.ROOT, "<rect x=\"0\" y=\"-6\" width=\"24\" height=\"12\" fill=\"%s\""
                    + " fill-opacity=\"%.2f\"/>", color, opacity), name);
        }

        void cutoff(double at, String label) {
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#888\""
                    + " stroke-dasharray=\"4,4\"/>%n", x(at), x(at), TOP, HEIGHT - BOTTOM));
            boolean right = x(at) > WIDTH - RIGHT - 160; // near the right edge: the label to the line's left
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"#555\"%s>%s</text>%n",
                    x(at) + (right ? -4 : 4), TOP + 14, right ? " text-anchor=\"end\"" : "", escape(label)));
        }

        private void legendEntry(String mark, String name) {
            int y = HEIGHT - 22;
            int x = LEFT + legendRows * 160;
            legend.append(String.format(Locale.ROOT, "<g transform=\"translate(%d,%d)\">%s<text x=\"30\" y=\"4\">%s"
                    + "</text></g>%n", x, y, mark, escape(name)));
            legendRows++;
        }

        String finish() {
            return svg.append(legend).append("</svg>\n").toString();
        }

        private static double niceStep(double raw) {
            double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
            double fraction = raw / magnitude;
            return (fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10) * magnitude;
        }

        private static String tick(double value, double step) {
            int decimals = Math.max(0, (int) -Math.floor(Math.log10(step)));
            return String.format(Locale.ROOT, "%." + decimals + "f", Math.abs(value) < step / 1e6 ? 0.0 : value);
        }

        private static String escape(String text) {
            return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        }
    }
}
