/**
 * Long tables, one row per series and time: checked and projected in one place for batch and stream
 * ({@link org.sparkrnn.driver.data.table.TableProjection}; a small plain CSV file the same way without a Spark SQL
 * query, {@link org.sparkrnn.driver.data.table.SmallCsvTable}), read into columnar pieces
 * ({@link org.sparkrnn.driver.data.table.TableRows} by {@link org.sparkrnn.driver.data.table.TableRowReader}) and
 * cut into windows per series on the executors ({@link org.sparkrnn.driver.data.table.SeriesCutter}, Spark-free),
 * each partition with its neighbours' edge rows ({@link org.sparkrnn.driver.data.table.TableEdges}); the whole read
 * by {@link org.sparkrnn.driver.data.table.LongTableSource}.
 */
package org.sparkrnn.driver.data.table;
