/**
 * What every source shares: a record ({@link org.sparkrnn.driver.data.records.SequenceRecord}) and its shape
 * ({@link org.sparkrnn.driver.data.records.RecordShape}) checked by one set of rules
 * ({@link org.sparkrnn.driver.data.records.RecordChecker}), the text vocabulary, the blocks a source reads into and
 * how they are partitioned and held out ({@link org.sparkrnn.driver.data.records.Partitioning}), the files of a
 * path, the rejects writer, and what a saved model fixes about the data it reads
 * ({@link org.sparkrnn.driver.data.records.ReadContext}). The lowest room of {@code data}: it imports none of the
 * others.
 */
package org.sparkrnn.driver.data.records;
