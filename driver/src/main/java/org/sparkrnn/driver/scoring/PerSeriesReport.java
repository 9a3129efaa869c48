package org.sparkrnn.driver.scoring;

import org.apache.spark.api.java.JavaPairRDD;
import org.sparkrnn.data.SequenceBlock;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.config.DataOptions;
import org.sparkrnn.driver.data.DatasetLoader;
import org.sparkrnn.driver.data.records.SplitSide;
import org.sparkrnn.driver.model.FileStore;
import org.sparkrnn.driver.model.SavedModel;
import org.sparkrnn.evaluate.Baseline;
import org.sparkrnn.evaluate.EvaluationSums;
import org.sparkrnn.evaluate.Metrics;
import org.sparkrnn.evaluate.StepMetrics;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code --per-series} (train and evaluate on a long table): a model's metrics on each series' windows of one side,
 * beside a baseline's on the same windows when one is given. The windows are cut again from the table and scored on
 * the executors, summed per series there; one line of sums per series reaches the driver. Printed worst first (all
 * series up to {@link #SHOWN}, else the worst and the best halves of that), with how many series the model beats the
 * baseline on; {@code --per-series=FILE} also writes every series' line as CSV.
 */
public final class PerSeriesReport {

    /** Series printed at most; the rest are counted (and written with --per-series=FILE). */
    public static final int SHOWN = 40;

    /**
     * What {@code --per-series} gives: print only, or also write every series of every side reported to one CSV
     * file ({@link #write}, once all sides are in).
     */
    public static final class Request {
        private final String csvPath;
        private final StringBuilder csv = new StringBuilder();
        private int series;

        private Request(String csvPath) {
            this.csvPath = csvPath;
        }

        /** From the option's value: absent (null), given bare (""), or a file. */
        public static Request of(String value) {
            return value == null ? null : new Request(value.isEmpty() ? null : value);
        }

        public String csvPath() {
            return csvPath;
        }

        /** Writes the CSV file, when one is asked for, and says so. */
        public void write(FileStore files, PrintStream out) throws IOException {
            if (csvPath != null && series > 0) {
                files.writeAtomically(csvPath, csv.toString().getBytes(StandardCharsets.UTF_8));
                out.println("per-series metrics (" + series + " lines) written to " + csvPath);
            }
        }
    }

    /** @param modelSteps per predicted step (a many-step label), else null; {@code baselineSteps} likewise */
    private record Line(Object series, Metrics model, Metrics baseline, StepMetrics modelSteps,
                        StepMetrics baselineSteps) {
    }

    private PerSeriesReport() {
    }

    /**
     * Scores {@code scoring}'s model per series on the {@code side} windows of the table in {@code options} and
     * prints the report; {@code baseline} may be null.
     */
    public static void run(Request request, DatasetLoader loader, ModelScoring scoring, DataOptions options,
                           Baseline baseline, SplitSide side, PrintStream out) {
        SavedModel model = scoring.saved();
        // the table as the model reads it: its static categories kept, not learned again
        options = options.forModelInputs(model.spec().hasDecoder(), model.shape().staticCategories(),
                model.spec().loss() == org.sparkrnn.model.Loss.NEGATIVE_BINOMIAL);
        JavaPairRDD<Object, SequenceBlock> series = loader.tableWindowsBySeries(options, model.standardization(),
                model.seriesScaling(), model.frequency(), side);
        Map<Object, EvaluationSums[]> perSeries = scoring.perKeySums(series, baseline, "per series: "
                + side.name().toLowerCase(Locale.ROOT));
        if (perSeries.isEmpty()) {
            throw new UserError(options.path() + ": no series has a window on the " + sideName(side) + " side");
        }
        int[] horizons = options.horizons();
        int targets = model.shape().labelWidth() / horizons.length;
        boolean steps = horizons.length > 1;
        List<Line> lines = new ArrayList<>();
        perSeries.forEach((key, pair) -> lines.add(new Line(key, Metrics.of(pair[0], model.spec().loss()),
                pair[1] == null ? null : Metrics.of(pair[1], model.spec().loss()),
                steps ? StepMetrics.of(pair[0], targets) : null,
                steps && pair[1] != null ? StepMetrics.of(pair[1], targets) : null)));
        String metric = Metrics.comparedBy(model.spec().loss());
        // worst first; ties (and equal metrics) by the series key's text, so the order does not depend on the run
        lines.sort(Comparator.<Line>comparingDouble(line -> -line.model().asMap().get(metric))
                .thenComparing(line -> String.valueOf(line.series())));
        print(lines, metric, baseline, side, out);
        if (request.csvPath != null) {
            csv(request, lines, metric, side, horizons);
        }
    }

    private static void print(List<Line> lines, String metric, Baseline baseline, SplitSide side,
                              PrintStream out) {
        boolean compared = baseline != null;
        out.printf(Locale.ROOT, "per series, %s (%d series, worst %s first%s):%n", sideName(side), lines.size(),
                metric, compared ? ", against the baseline " + baseline.describe() : "");
        int width = Math.max(6, lines.stream().mapToInt(line -> String.valueOf(line.series()).length()).max()
                .orElse(6));
        String header = String.format(Locale.ROOT, "  %-" + width + "s %8s %10s %10s", "series", "windows", metric,
                "mae");
        out.println(compared ? header + String.format(Locale.ROOT, " %14s %12s", "baseline " + metric,
                "vs baseline") : header);
        for (int k = 0; k < lines.size(); k++) {
            if (lines.size() > SHOWN && k == SHOWN / 2) {
                out.printf(Locale.ROOT, "  ... %d series not shown ...%n", lines.size() - SHOWN);
                k = lines.size() - SHOWN / 2;
            }
            Line line = lines.get(k);
            String text = String.format(Locale.ROOT, "  %-" + width + "s %8d %10.4f %10.4f", line.series(),
                    line.model().labelledSteps(), line.model().asMap().get(metric), line.model().mae());
            if (compared) {
                double ours = line.model().asMap().get(metric);
                double theirs = line.baseline().asMap().get(metric);
                text += String.format(Locale.ROOT, " %14.4f %+11.1f%%", theirs, 100 * (ours / theirs - 1));
            }
            out.println(text);
        }
        if (compared) {
            long better = lines.stream().filter(line -> line.model().asMap().get(metric)
                    < line.baseline().asMap().get(metric)).count();
            out.printf(Locale.ROOT, "=> per series: the model is better than the baseline on %d of %d series"
                    + " (%.0f%%)%n", better, lines.size(), 100.0 * better / lines.size());
        }
    }

    /**
     * Appends the side's lines to the request's CSV text (side, series, windows, metric, mae[, baseline's]; for a
     * many-step label then rmse and mae at each step, {@code rmse_h1} ..., and the baseline's).
     */
    private static void csv(Request request, List<Line> lines, String metric, SplitSide side, int[] horizons) {
        StringBuilder text = request.csv;
        boolean compared = !lines.isEmpty() && lines.get(0).baseline() != null;
        boolean steps = !lines.isEmpty() && lines.get(0).modelSteps() != null;
        if (text.length() == 0) {
            text.append("side,series,windows,").append(metric).append(",mae");
            text.append(compared ? ",baseline_" + metric + ",baseline_mae" : "");
            if (steps) {
                for (String who : compared ? List.of("", "baseline_") : List.of("")) {
                    for (String m : List.of("rmse", "mae")) {
                        for (int h : horizons) {
                            text.append(',').append(who).append(m).append("_h").append(h);
                        }
                    }
                }
            }
            text.append('\n');
        }
        String sideName = side.name().toLowerCase(Locale.ROOT);
        for (Line line : lines) {
            String key = String.valueOf(line.series());
            text.append(sideName).append(',')
                    .append(key.contains(",") || key.contains("\"") ? '"' + key.replace("\"", "\"\"") + '"' : key)
                    .append(',').append(line.model().labelledSteps())
                    .append(',').append(line.model().asMap().get(metric))
                    .append(',').append(line.model().mae());
            if (compared) {
                text.append(',').append(line.baseline().asMap().get(metric)).append(',')
                        .append(line.baseline().mae());
            }
            if (steps) {
                for (StepMetrics m : compared ? List.of(line.modelSteps(), line.baselineSteps())
                        : List.of(line.modelSteps())) {
                    for (double[] values : List.of(m.rmse(), m.mae())) {
                        for (double v : values) {
                            text.append(',').append(v);
                        }
                    }
                }
            }
            text.append('\n');
        }
        request.series += lines.size();
    }

    private static String sideName(SplitSide side) {
        return side == SplitSide.ALL ? "all windows" : side.name().toLowerCase(Locale.ROOT);
    }
}
