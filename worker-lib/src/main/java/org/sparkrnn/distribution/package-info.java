/**
 * Forecasts with their uncertainty: what a head's outputs mean under a quantile or likelihood loss
 * ({@link org.sparkrnn.distribution.ForecastHead}: the losses and their gradients, quantiles and point forecasts),
 * and the special functions they need ({@link org.sparkrnn.distribution.SpecialFunctions}). Above {@code model}: a
 * head is built from a network spec's loss and levels. No Spark; the kernels and the driver both read it.
 */
package org.sparkrnn.distribution;
