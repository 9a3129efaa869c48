package org.sparkrnn.driver.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An SVG picture of training loss (every logged iteration) and validation loss (where computed) against iteration,
 * on a log scale when the losses span more than two decades. Opens in any browser; no dependencies.
 */
public final class LossCurve {

    private static final int WIDTH = 800;
    private static final int HEIGHT = 480;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 40;
    private static final int BOTTOM = 60;

    private LossCurve() {
    }

    public static String svg(List<MetricsHistory.Row> rows, String title) {
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
        double xMin = Double.MAX_VALUE, xMax = -Double.MAX_VALUE, yMin = Double.MAX_VALUE, yMax = -Double.MAX_VALUE;
        for (List<double[]> series : List.of(train, validation)) {
            for (double[] p : series) {
                xMin = Math.min(xMin, p[0]);
                xMax = Math.max(xMax, p[0]);
                yMin = Math.min(yMin, p[1]);
                yMax = Math.max(yMax, p[1]);
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
        boolean log = yMin > 0 && yMax / yMin > 100;
        double lo = log ? Math.log10(yMin) : yMin;
        double hi = log ? Math.log10(yMax) : yMax;
        if (hi - lo < 1e-12) {
            hi = lo + 1;
        }
        if (xMax - xMin < 1e-12) {
            xMax = xMin + 1;
        }
        Frame f = new Frame(xMin, xMax, lo, hi, log);
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\""
                + " stroke=\"#444\"/>%n", LEFT, TOP, plotW, plotH));
        for (int i = 0; i <= 4; i++) {
            double y = lo + (hi - lo) * i / 4;
            double py = f.py(log ? Math.pow(10, y) : y);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.3g</text>%n", LEFT, LEFT + plotW, py, py,
                    LEFT - 6, py + 4, log ? Math.pow(10, y) : y));
            double x = xMin + (xMax - xMin) * i / 4;
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n",
                    f.px(x), TOP + plotH + 18, Math.round(x)));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">iteration</text>%n",
                LEFT + plotW / 2, HEIGHT - 18));
        svg.append(String.format(Locale.ROOT, "<text x=\"18\" y=\"%d\" transform=\"rotate(-90 18 %d)\""
                + " text-anchor=\"middle\">loss%s</text>%n", TOP + plotH / 2, TOP + plotH / 2, log ? " (log)" : ""));
        svg.append(polyline(train, f, "#1f77b4"));
        if (!validation.isEmpty()) {
            svg.append(polyline(validation, f, "#d62728"));
            for (double[] p : validation) {
                svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#d62728\"/>%n",
                        f.px(p[0]), f.py(p[1])));
            }
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#1f77b4\">— train</text>%n",
                LEFT + plotW - 160, TOP + 20));
        if (!validation.isEmpty()) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#d62728\">— validation</text>%n",
                    LEFT + plotW - 160, TOP + 38));
        }
        return svg.append("</svg>\n").toString();
    }

    private record Frame(double xMin, double xMax, double lo, double hi, boolean log) {
        double px(double x) {
            return LEFT + (x - xMin) / (xMax - xMin) * (WIDTH - LEFT - RIGHT);
        }

        double py(double y) {
            double v = log ? Math.log10(y) : y;
            return TOP + (hi - v) / (hi - lo) * (HEIGHT - TOP - BOTTOM);
        }
    }

    private static String polyline(List<double[]> points, Frame f, String color) {
        StringBuilder sb = new StringBuilder("<polyline fill=\"none\" stroke=\"" + color + "\" stroke-width=\"1.5\""
                + " points=\"");
        for (double[] p : points) {
            sb.append(String.format(Locale.ROOT, "%.1f,%.1f ", f.px(p[0]), f.py(p[1])));
        }
        return sb.append("\"/>\n").toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
