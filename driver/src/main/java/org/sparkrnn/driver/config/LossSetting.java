package org.sparkrnn.driver.config;

import org.sparkrnn.model.Quantiles;
import org.sparkrnn.model.Loss;

import java.util.List;

/**
 * {@code --loss} as typed once: {@code auto} (null: mse for values, cross-entropy for classes), a loss's name, or
 * {@code quantile:} and its levels ({@code quantile:0.1,0.5,0.9}).
 *
 * @param loss      the loss, or null for auto
 * @param quantiles the levels of a quantile loss, else empty
 */
public record LossSetting(Loss loss, List<Double> quantiles) {

    public LossSetting {
        quantiles = quantiles == null ? List.of() : List.copyOf(quantiles);
    }

    /** The setting {@code text} names; a bad name or level list is a {@link SettingError} naming {@code --loss}. */
    public static LossSetting parse(String text) {
        if (text.equals("auto")) {
            return new LossSetting(null, List.of());
        }
        int colon = text.indexOf(':');
        String name = colon < 0 ? text : text.substring(0, colon);
        Loss loss = org.sparkrnn.model.CliNamed.find(Loss.class, name);
        if (loss == null) {
            throw new SettingError("unknown {loss} '" + name + "', expected one of auto, "
                    + Choices.names(Loss.class).replace("quantile", "quantile:LEVELS"));
        }
        if (loss == Loss.QUANTILE) {
            if (colon < 0) {
                throw new SettingError("{--loss} quantile needs its levels, e.g. quantile:0.1,0.5,0.9");
            }
            try {
                return new LossSetting(loss, Quantiles.parse(text.substring(colon + 1), "{--loss} quantile"));
            } catch (IllegalArgumentException e) {
                throw new SettingError(e.getMessage());
            }
        }
        if (colon >= 0) {
            throw new SettingError("{--loss} " + loss.cliName() + " takes no levels (only quantile:LEVELS does),"
                    + " got '" + text + "'");
        }
        return new LossSetting(loss, List.of());
    }

    /** As {@code --loss} takes it. */
    public String text() {
        return loss == null ? "auto" : loss.cliName() + (quantiles.isEmpty() ? "" : ":" + Quantiles.text(quantiles));
    }
}
