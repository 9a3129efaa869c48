package org.sparkrnn.driver.config;

import org.sparkrnn.model.CliNamed;

/**
 * {@code --normalize}: none; {@code standard} (features and numeric labels standardised with the training set's
 * statistics); {@code series} (each series' target first divided by that series' own scale over its training rows,
 * kept in the model: {@link org.sparkrnn.data.SeriesScaling}, then standardised); {@code window} (each window's target first
 * scaled by the window's own values, then standardised).
 */
public enum Normalization implements CliNamed {
    NONE, STANDARD, SERIES, WINDOW;

    @Override
    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether features and numeric labels are standardised with training-set statistics. */
    public boolean standardizes() {
        return this != NONE;
    }

    /** Whether each series is first scaled by its own training statistics. */
    public boolean scalesSeries() {
        return this == SERIES;
    }

    /** Whether each window is first scaled by its own values. */
    public boolean scalesWindows() {
        return this == WINDOW;
    }
}
