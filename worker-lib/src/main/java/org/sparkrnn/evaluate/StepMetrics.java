package org.sparkrnn.evaluate;

/**
 * RMSE and MAE for each predicted step of a many-step label (horizon-major: the targets at the first horizon, then at
 * the second, ...), in original units, from the sums per value that {@link EvaluationSums} keeps.
 *
 * @param rmse one per horizon
 * @param mae  one per horizon
 */
public record StepMetrics(double[] rmse, double[] mae) {

    /** Per horizon, each over its {@code targets} values; null when the sums hold no value errors. */
    public static StepMetrics of(EvaluationSums sums, int targets) {
        double[] squared = sums.squaredByValue();
        if (squared == null) {
            return null;
        }
        int horizons = squared.length / targets;
        double[] rmse = new double[horizons];
        double[] mae = new double[horizons];
        for (int h = 0; h < horizons; h++) {
            double s = 0;
            double a = 0;
            long n = 0;
            for (int t = 0; t < targets; t++) {
                s += squared[h * targets + t];
                a += sums.absoluteByValue()[h * targets + t];
                n += sums.countByValue()[h * targets + t];
            }
            rmse[h] = Math.sqrt(s / n);
            mae[h] = a / n;
        }
        return new StepMetrics(rmse, mae);
    }

    /**
     * The per-step line ({@link #describe}) for labels of {@code labelWidth} values at {@code horizons}
     * (horizon-major); null with one horizon, or when the sums hold no value errors.
     */
    public static String line(EvaluationSums sums, int labelWidth, int[] horizons) {
        if (horizons.length < 2 || labelWidth % horizons.length != 0) {
            return null;
        }
        StepMetrics steps = of(sums, labelWidth / horizons.length);
        return steps == null ? null : steps.describe(horizons);
    }

    /** {@code rmse} per step as one line: {@code rmse by step (1..3): 89.7 120 151}. */
    public String describe(int[] horizons) {
        StringBuilder sb = new StringBuilder("by step (").append(horizons[0]).append("..")
                .append(horizons[horizons.length - 1]).append("): rmse");
        for (double r : rmse) {
            sb.append(' ').append(String.format(java.util.Locale.ROOT, "%.4g", r));
        }
        sb.append("; mae");
        for (double m : mae) {
            sb.append(' ').append(String.format(java.util.Locale.ROOT, "%.4g", m));
        }
        return sb.toString();
    }
}
