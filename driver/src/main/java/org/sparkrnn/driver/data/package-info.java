/**
 * Reading data sets into the cached form training uses: the pipeline every source shares
 * ({@link org.sparkrnn.driver.data.DatasetLoader}: picks the source, hold-out, partitions, statistics,
 * standardisation, caching, one {@link org.sparkrnn.data.SequenceBlock} per partition; the rows prediction reads)
 * over one room per kind of source: {@code data.files} (JSON Lines, CSV windows, text), {@code data.frame} (Spark
 * data sources and DataFrames), {@code data.table} (long tables cut into windows per series on the executors),
 * {@code data.stream} (a stream of table rows made into what each new row completes), all on
 * {@code data.records} (records, shapes, checks, blocks, partitioning, hold-out, rejects). Every record is checked by
 * the same rules and located (file and line, or partition and row) when bad; rejected records are collected in the
 * reading pass and written by one writer. Nothing here prints: warnings go to the caller's
 * {@link org.sparkrnn.driver.Reporter}.
 */
package org.sparkrnn.driver.data;
