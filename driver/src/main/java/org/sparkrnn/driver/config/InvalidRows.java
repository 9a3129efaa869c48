package org.sparkrnn.driver.config;

import org.sparkrnn.model.CliNamed;

/**
 * What prediction does with a row whose sequence cannot be read (null or empty features, a null step, a number that
 * is not finite, the wrong number of features), named as Spark ML's {@code handleInvalid}: stop with an error naming
 * the row, leave the row out, or keep it with null predictions.
 */
public enum InvalidRows implements CliNamed {
    ERROR, SKIP, KEEP;

    @Override
    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
