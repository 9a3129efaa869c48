/**
 * DataFrames and Spark data sources as sequences: where the sequences are in a frame
 * ({@link org.sparkrnn.driver.data.frame.FrameColumns}, and the {@code features} column every prediction frame
 * holds; read from Spark's internal rows without boxing by {@link org.sparkrnn.driver.data.frame.InternalFeatures}),
 * and reading a frame's rows into blocks, checked as JSON Lines records are
 * ({@link org.sparkrnn.driver.data.frame.FrameSource}).
 */
package org.sparkrnn.driver.data.frame;
