package org.sparkrnn.driver.config;

import org.sparkrnn.model.CliNamed;

/** Which sequences a held-out share takes: seeded per sequence, or the last ones in input order. */
public enum Split implements CliNamed {
    RANDOM, TAIL;

    @Override
    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
