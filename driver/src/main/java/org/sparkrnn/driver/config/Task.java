package org.sparkrnn.driver.config;

import org.sparkrnn.model.CliNamed;

/** What the labels are: numbers (regression) or class ids (classification). */
public enum Task implements CliNamed {
    REGRESSION, CLASSIFICATION;

    @Override
    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
