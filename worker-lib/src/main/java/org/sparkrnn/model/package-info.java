/**
 * What a model is: its architecture ({@link org.sparkrnn.model.NetworkSpec}), where each parameter lives in the one
 * flat array ({@link org.sparkrnn.model.ParameterLayout}, PyTorch names and shapes), the loss contract
 * ({@link org.sparkrnn.model.Loss}, with a quantile loss's levels as users write them:
 * {@link org.sparkrnn.model.Quantiles}) and seeded initialisation.
 */
package org.sparkrnn.model;
