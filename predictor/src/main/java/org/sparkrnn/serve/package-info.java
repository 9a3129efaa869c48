/**
 * A trained model in a plain JVM, without Spark, Scala or Hadoop (the build enforces it): {@link
 * org.sparkrnn.serve.ServedModel} (weights and transforms), {@link org.sparkrnn.serve.ModelOutputs} (the outputs in
 * the data's units: the one code path {@code predict} runs too) and {@link org.sparkrnn.serve.Forecaster} (windows in,
 * {@link org.sparkrnn.serve.Forecasts} out).
 */
package org.sparkrnn.serve;
