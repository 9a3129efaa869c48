package org.sparkrnn.driver.model;

import org.sparkrnn.distribution.ForecastHead;
import org.sparkrnn.model.Quantiles;
import org.sparkrnn.driver.config.Defaults;
import org.sparkrnn.driver.config.SettingError;

import java.util.List;

/**
 * The quantile levels a saved model forecasts ({@code --quantiles}, the estimators' {@code quantiles} param): a
 * quantile model's trained levels (or those asked among them: it gives no other), any levels of a distribution
 * (by default {@link Defaults#QUANTILES}), none for a point forecast (asking for some is refused).
 */
public final class ForecastLevels {

    private ForecastLevels() {
    }

    /** The levels for {@code saved} given {@code given} (the option's text, or null). */
    public static double[] of(SavedModel saved, String given) {
        ForecastHead head = ForecastHead.of(saved.spec());
        if (head == null) {
            if (given != null) {
                throw new SettingError("{--quantiles} needs a model that gives them: train with {--loss}"
                        + " quantile:LEVELS, gaussian, student-t or negative-binomial (this model's loss is "
                        + saved.spec().loss().cliName() + ")");
            }
            return new double[0];
        }
        if (given == null) {
            return head.levels().length > 0 ? head.levels() : parse(Defaults.QUANTILES);
        }
        double[] levels = parse(given);
        for (double level : levels) {
            if (head.levels().length > 0 && head.trainedLevel(level) < 0) {
                throw new SettingError("{--quantiles} " + Quantiles.text(level) + ": a quantile model gives the"
                        + " levels it was trained on (" + head.levelsText() + ")");
            }
        }
        return levels;
    }

    private static double[] parse(String text) {
        List<Double> levels;
        try {
            levels = Quantiles.parse(text, "{--quantiles}");
        } catch (IllegalArgumentException e) {
            throw new SettingError(e.getMessage());
        }
        return levels.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
