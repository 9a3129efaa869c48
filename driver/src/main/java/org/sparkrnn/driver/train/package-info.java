/**
 * The training loop on the driver: {@link org.sparkrnn.driver.train.Trainer} runs a configuration on loaded data;
 * {@link org.sparkrnn.driver.train.TrainingStep} is one iteration (gradient on the executors, mean, finiteness check,
 * clipping, optimizer step), shared with the benchmark; validation, the best model and early stopping
 * ({@link org.sparkrnn.driver.train.ValidationTracker}); what a run writes at its end
 * ({@link org.sparkrnn.driver.train.RunOutputs}); metrics history and loss curve.
 */
package org.sparkrnn.driver.train;
