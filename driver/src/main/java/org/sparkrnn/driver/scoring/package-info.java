/**
 * Scoring a saved model on data, below the front ends: its metrics overall, against a baseline and per series
 * ({@link org.sparkrnn.driver.scoring.ModelScoring}, {@link org.sparkrnn.driver.scoring.PerSeriesReport}), computed
 * on the executors through {@code exec}, so that the command line and the Spark ML API reach the same code and
 * neither imports {@code exec}.
 */
package org.sparkrnn.driver.scoring;
