package org.sparkrnn.driver.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An SVG picture of the training loss (every logged iteration, raw and smoothed) and the validation loss (where
 * computed) against iteration, with round tick values, the loss's units on its axis and the kept model marked; on a
 * log scale when the losses span more than two decades. Opens in any browser; no dependencies.
 */
public final class LossCurve {

    private static final int WIDTH = 800;
    private static final int HEIGHT = 480;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 40;
    private static final int BOTTOM = 60;
    private static final String TRAIN = "#1f77b4";
    private static final String TRAIN_RAW = "#a6c8e6";
    private static final String VALIDATION = "#d62728";

    private LossCurve() {
    }

    /**
     * @param units        what the loss is measured in, for the axis label (e.g. "standardised units")
     * @param keptIteration the iteration whose weights the model file holds, marked; null when it is the last
     */
    public static String svg(List<MetricsHistory.Row> rows, String title, String units, Long keptIteration) {
        List<double[]> train = new ArrayList<>();
        List<double[]> validation = new ArrayList<>();
        for (MetricsHistory.Row row : rows) {
            if (Double.isFinite(row.trainLoss())) {
                train.add(new double[] {row.iteration(), row.trainLoss()});
            }
            Double v = row.validation().get("loss");
            if (v != null && Double.isFinite(v)) {
                validation.add(new double[] {row.iteration(), v});
            }
        }
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"13\">%n", WIDTH, HEIGHT));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"16\">%s</text>%n", LEFT,
                escape(title)));
        if (train.isEmpty()) {
            return svg.append("<text x=\"80\" y=\"240\">no finite loss recorded</text>\n</svg>\n").toString();
        }
        double xMin = Double.MAX_VALUE, xMax = -Double.MAX_VALUE, yMin = Double.MAX_VALUE, yMax = -Double.MAX_VALUE;
        for (List<double[]> series : List.of(train, validation)) {
            for (double[] p : series) {
                xMin = Math.min(xMin, p[0]);
                xMax = Math.max(xMax, p[0]);
                yMin = Math.min(yMin, p[1]);
                yMax = Math.max(yMax, p[1]);
            }
        }
        boolean log = yMin > 0 && yMax / yMin > 100;
        Axis x = Axis.linear(Math.min(0, xMin), xMax);
        Axis y = log ? Axis.log(yMin, yMax) : Axis.linear(Math.min(0, yMin), yMax);
        Frame f = new Frame(x, y);
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\""
                + " stroke=\"#444\"/>%n", LEFT, TOP, plotW, plotH));
        for (double tick : y.ticks()) {
            double py = f.py(tick);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT, LEFT + plotW, py, py,
                    LEFT - 6, py + 4, label(tick)));
        }
        for (double tick : x.ticks()) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    f.px(tick), TOP + plotH + 18, label(tick)));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">iteration</text>%n",
                LEFT + plotW / 2, HEIGHT - 18));
        svg.append(String.format(Locale.ROOT, "<text x=\"18\" y=\"%d\" transform=\"rotate(-90 18 %d)\""
                        + " text-anchor=\"middle\">loss (%s%s)</text>%n", TOP + plotH / 2, TOP + plotH / 2,
                escape(units), log ? ", log scale" : ""));
        if (keptIteration != null) {
            double px = f.px(keptIteration);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#2ca02c\""
                            + " stroke-dasharray=\"5,4\"/><text x=\"%.1f\" y=\"%d\" fill=\"#2ca02c\">kept model @%d</text>%n",
                    px, px, TOP, TOP + plotH, px + 4, TOP + 14, keptIteration));
        }
        svg.append(polyline(train, f, TRAIN_RAW, 1));
        svg.append(polyline(smoothed(train), f, TRAIN, 2));
        if (!validation.isEmpty()) {
            svg.append(polyline(validation, f, VALIDATION, 1.5));
            for (double[] p : validation) {
                svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n",
                        f.px(p[0]), f.py(p[1]), VALIDATION));
            }
        }
        int legend = LEFT + plotW - 220;
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">— train (smoothed)</text>%n",
                legend, TOP + 20, TRAIN));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">— train (each iteration)</text>%n",
                legend, TOP + 38, TRAIN_RAW));
        if (!validation.isEmpty()) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">— validation</text>%n",
                    legend, TOP + 56, VALIDATION));
        }
        return svg.append("</svg>\n").toString();
    }

    /**
     * An exponential moving average over about a fiftieth of the run (at least 1 point), started from the first
     * value and bias-corrected, so the line follows the trend and not the noise of single mini-batches.
     */
    static List<double[]> smoothed(List<double[]> points) {
        double alpha = 1.0 / Math.max(1, points.size() / 50.0);
        List<double[]> out = new ArrayList<>(points.size());
        double average = 0;
        double weight = 0;
        for (double[] p : points) {
            average = (1 - alpha) * average + alpha * p[1];
            weight = (1 - alpha) * weight + alpha;
            out.add(new double[] {p[0], average / weight});
        }
        return out;
    }

    /** A value range extended to round ticks: 1, 2 or 5 × 10^k apart (linear), or the powers of ten (log). */
    record Axis(double lo, double hi, List<Double> ticks, boolean log) {

        static Axis linear(double min, double max) {
            if (max - min < 1e-12) {
                max = min + 1;
            }
            double step = roundStep((max - min) / 5);
            double lo = Math.floor(min / step) * step;
            double hi = Math.ceil(max / step) * step;
            List<Double> ticks = new ArrayList<>();
            for (long i = 0; lo + i * step <= hi + step * 1e-9; i++) {
                ticks.add(lo + i * step);
            }
            return new Axis(lo, hi, ticks, false);
        }

        static Axis log(double min, double max) {
            int lo = (int) Math.floor(Math.log10(min));
            int hi = (int) Math.ceil(Math.log10(max));
            List<Double> ticks = new ArrayList<>();
            for (int e = lo; e <= hi; e++) {
                ticks.add(Math.pow(10, e));
            }
            return new Axis(lo, hi, ticks, true);
        }

        /** The step among 1, 2, 5 × 10^k nearest above {@code raw}. */
        static double roundStep(double raw) {
            double power = Math.pow(10, Math.floor(Math.log10(raw)));
            for (double m : new double[] {1, 2, 5, 10}) {
                if (m * power >= raw * (1 - 1e-9)) {
                    return m * power;
                }
            }
            return 10 * power;
        }

        double position(double value) {
            return log ? Math.log10(value) : value;
        }
    }

    private record Frame(Axis x, Axis y) {
        double px(double value) {
            return LEFT + (value - x.lo()) / (x.hi() - x.lo()) * (WIDTH - LEFT - RIGHT);
        }

        double py(double value) {
            return TOP + (y.hi() - y.position(value)) / (y.hi() - y.lo()) * (HEIGHT - TOP - BOTTOM);
        }
    }

    /** A tick value as people write it: 0.25, 1e-05, 300. */
    private static String label(double value) {
        if (value == 0) {
            return "0";
        }
        double abs = Math.abs(value);
        if (abs >= 1e-3 && abs < 1e6) {
            return java.math.BigDecimal.valueOf(value).round(new java.math.MathContext(6)).stripTrailingZeros()
                    .toPlainString();
        }
        return String.format(Locale.ROOT, "%.0e", value);
    }

    private static String polyline(List<double[]> points, Frame f, String color, double width) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\" points=\"", color, width));
        for (double[] p : points) {
            sb.append(String.format(Locale.ROOT, "%.1f,%.1f ", f.px(p[0]), f.py(p[1])));
        }
        return sb.append("\"/>\n").toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
