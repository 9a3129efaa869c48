package org.sparkrnn.driver.config;

import org.sparkrnn.model.CliNamed;

/** CSV gaps: drop every window that touches one, or fill them linearly between known values (inputs only). */
public enum MissingValues implements CliNamed {
    SKIP, INTERPOLATE;

    @Override
    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
