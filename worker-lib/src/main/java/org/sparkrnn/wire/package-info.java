/**
 * Kryo serializers for every wire type (spec, weights, batches, gradient accumulators), registered in one place:
 * {@link org.sparkrnn.wire.WireTypes#registerAll}.
 */
package org.sparkrnn.wire;
