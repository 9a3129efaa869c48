/**
 * The project's file formats, each read by one class, for training (blocks) and for prediction (rows keyed by what
 * identifies their input): JSON Lines ({@link org.sparkrnn.driver.data.files.JsonLinesSource}, parsed without an
 * object per record by {@link org.sparkrnn.driver.data.files.JsonLinesParser}), one CSV column cut into windows
 * ({@link org.sparkrnn.driver.data.files.CsvWindowSource}) and text windows
 * ({@link org.sparkrnn.driver.data.files.TextSource}). Text files are read line by line on the executors, in input
 * splits; one loop walks a split's records ({@link org.sparkrnn.driver.data.files.SplitRecords}).
 */
package org.sparkrnn.driver.data.files;
