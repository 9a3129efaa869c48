/**
 * Reading data sets into the cached form training uses: JSON Lines, CSV windows, text, and DataFrames (any Spark
 * data source, or the Spark ML estimators' input) with the columns of JSON Lines ({@link
 * org.sparkrnn.driver.data.FrameColumns}); every record checked by the same rules ({@link
 * org.sparkrnn.driver.data.RecordChecker}) and located (file and line, or partition and row) when bad; validation
 * hold-outs; blocks packed into one {@link org.sparkrnn.data.SequenceBatch} per partition
 * ({@link org.sparkrnn.driver.data.DatasetLoader}).
 */
package org.sparkrnn.driver.data;
