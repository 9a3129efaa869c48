/**
 * Reading data sets into the cached form training uses: JSON Lines, CSV windows and text, each record checked and
 * located (file, line) when bad; validation hold-outs; contiguous blocks packed into one
 * {@link org.sparkrnn.data.SequenceBatch} per partition ({@link org.sparkrnn.driver.data.DatasetLoader}).
 */
package org.sparkrnn.driver.data;
