/**
 * Sequences as the kernel consumes them: {@link org.sparkrnn.data.SequenceBatch} holds B variable-length sequences
 * and their labels (many-to-one or many-to-many, values or classes) in flat primitive arrays.
 */
package org.sparkrnn.data;
