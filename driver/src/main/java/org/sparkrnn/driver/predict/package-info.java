/**
 * Predictions at scale, shared by {@code lstm-spark predict} and the Spark ML model's {@code transform}: the columns a
 * model's predictions take ({@link org.sparkrnn.driver.predict.PredictionLayout}), the executor-side loop that reads
 * sequences in bounded chunks, runs the forward pass and yields rows lazily
 * ({@link org.sparkrnn.driver.predict.ChunkedPredictor}), the same over a DataFrame's rows
 * ({@link org.sparkrnn.driver.predict.FramePredictor}; a batch frame's rows read and written in Spark's internal form,
 * {@link org.sparkrnn.driver.predict.BinaryRows}, a streaming one's as external rows,
 * {@link org.sparkrnn.driver.predict.ExternalRows}: two {@link org.sparkrnn.driver.predict.ScoredRows}), forecasts on a stream of long-table rows with per-series
 * state ({@link org.sparkrnn.driver.predict.StreamForecaster}, {@code lstm-spark stream}: a window model's completed
 * windows predicted in each series' state function, {@link org.sparkrnn.driver.predict.WindowForecasts}; a per-step
 * model's state carried, {@link org.sparkrnn.driver.predict.RecurrentSteps}), forecasts in rows a format without
 * arrays holds ({@link org.sparkrnn.driver.predict.FlatForecasts}: CSV), and text sampling on the driver.
 */
package org.sparkrnn.driver.predict;
