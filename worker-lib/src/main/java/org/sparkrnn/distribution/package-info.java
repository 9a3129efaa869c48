/**
 * Forecasts with their uncertainty: what a head's outputs mean under a quantile or likelihood loss
 * ({@link org.sparkrnn.distribution.ForecastHead}: the losses and their gradients, quantiles and point forecasts),
 * the special functions they need ({@link org.sparkrnn.distribution.SpecialFunctions}), and quantile levels as users
 * write them ({@link org.sparkrnn.distribution.Quantiles}). No Spark; the kernels and the driver both read it.
 */
package org.sparkrnn.distribution;
