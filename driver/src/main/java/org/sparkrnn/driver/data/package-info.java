/**
 * Reading data sets into the cached form training uses: the pipeline every source shares
 * ({@link org.sparkrnn.driver.data.DatasetLoader}: hold-out, partitions, statistics, standardisation, caching, one
 * {@link org.sparkrnn.data.SequenceBlock} per partition) and one class per source (JSON Lines, CSV windows, text,
 * Spark data sources and DataFrames with the columns of {@link org.sparkrnn.driver.data.FrameColumns}, long tables
 * cut into windows per series on the executors by {@link org.sparkrnn.driver.data.LongTableSource}, and a stream of
 * such rows made into the windows each new row completes by {@link org.sparkrnn.driver.data.SeriesStream}, windows by {@link org.sparkrnn.driver.data.StreamingWindows}); every
 * record checked by the same rules ({@link org.sparkrnn.driver.data.RecordChecker}) and located (file and line, or
 * partition and row) when bad; rejected records collected in the reading pass and written by one writer. Nothing
 * here prints: warnings go to the caller's {@link org.sparkrnn.driver.Reporter}.
 */
package org.sparkrnn.driver.data;
