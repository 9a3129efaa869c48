/**
 * The typed configuration both front ends translate into: {@link org.sparkrnn.driver.config.TrainingConfig} (model,
 * optimizer, loop, outputs) and {@link org.sparkrnn.driver.config.DataOptions}, records of enums and numbers that
 * check themselves when built and fail with a {@link org.sparkrnn.driver.config.SettingError} naming the settings
 * (as options on the command line, as params in the Spark ML API); every default in
 * {@link org.sparkrnn.driver.config.Defaults}; names parsed into enums once
 * ({@link org.sparkrnn.driver.config.Choices}).
 */
package org.sparkrnn.driver.config;
