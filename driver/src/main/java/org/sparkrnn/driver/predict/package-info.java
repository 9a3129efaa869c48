/**
 * Predictions at scale, shared by {@code lstm-spark predict} and the Spark ML model's {@code transform}: the columns a
 * model's predictions take ({@link org.sparkrnn.driver.predict.PredictionLayout}), the executor-side loop that reads
 * sequences in bounded chunks, runs the forward pass and yields rows lazily
 * ({@link org.sparkrnn.driver.predict.ChunkedPredictor}), the same over a DataFrame's rows
 * ({@link org.sparkrnn.driver.predict.FramePredictor}), and text sampling on the driver.
 */
package org.sparkrnn.driver.predict;
