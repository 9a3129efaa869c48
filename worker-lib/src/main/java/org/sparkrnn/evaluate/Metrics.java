package org.sparkrnn.evaluate;

import org.sparkrnn.model.Loss;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Metrics formed from merged {@link EvaluationSums}: the loss as training defines it, RMSE and MAE (regression, in
 * the targets' original units), accuracy and perplexity = exp(mean cross-entropy) (classification).
 */
public record Metrics(double loss, double rmse, double mae, double accuracy, double perplexity, long labelledSteps) {

    public static Metrics of(EvaluationSums sums, Loss loss) {
        if (sums.labelledSteps() == 0) {
            throw new IllegalArgumentException("no labelled step to evaluate on");
        }
        double objective = sums.lossSum() * loss.objectiveScale(sums.lossCount());
        if (loss.isClassification()) {
            double meanCe = sums.lossSum() / sums.lossCount();
            return new Metrics(objective, Double.NaN, Double.NaN, (double) sums.correct() / sums.labelledSteps(),
                    Math.exp(meanCe), sums.labelledSteps());
        }
        return new Metrics(objective, Math.sqrt(sums.squaredError() / sums.elements()),
                sums.absoluteError() / sums.elements(), Double.NaN, Double.NaN, sums.labelledSteps());
    }

    public boolean isClassification() {
        return !Double.isNaN(accuracy);
    }

    /** Name → value, in display order, only the metrics of the task. */
    public Map<String, Double> asMap() {
        Map<String, Double> map = new LinkedHashMap<>();
        map.put("loss", loss);
        if (isClassification()) {
            map.put("accuracy", accuracy);
            map.put("perplexity", perplexity);
        } else {
            map.put("rmse", rmse);
            map.put("mae", mae);
        }
        return map;
    }

    /** The metric a model and a baseline are compared by: perplexity for classes, rmse for values. */
    public static String comparedBy(Loss loss) {
        return loss.isClassification() ? "perplexity" : "rmse";
    }

    /** The verdict line's text: "rmse 0.3953 vs baseline 0.5291: the model is better (25% lower)". */
    public static String versus(String key, double ours, double theirs) {
        return String.format(java.util.Locale.ROOT, "%s %.4g vs baseline %.4g: the model is %s (%.0f%% %s)", key,
                ours, theirs, ours < theirs ? "better" : "NOT better", 100 * Math.abs(1 - ours / theirs),
                ours < theirs ? "lower" : "higher");
    }

    public String describe() {
        StringBuilder sb = new StringBuilder();
        asMap().forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append(' ')
                .append(String.format(java.util.Locale.ROOT, "%.6g", v)));
        return sb.toString();
    }
}
