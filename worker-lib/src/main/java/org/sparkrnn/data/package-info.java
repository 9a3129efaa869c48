/**
 * Sequences as the kernel consumes them: {@link org.sparkrnn.data.SequenceBatch} holds B variable-length sequences
 * and their labels (many-to-one or many-to-many, values or classes) in flat primitive arrays; the input transforms
 * a model keeps ({@link org.sparkrnn.data.Standardization}, {@link org.sparkrnn.data.WindowTransform}) and the
 * statistics they are computed from.
 */
package org.sparkrnn.data;
