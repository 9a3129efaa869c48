/**
 * {@link org.sparkrnn.reference.ReferenceNetwork}: the slow, plain float64 implementation of the same network that
 * the fast kernel is tested against (forward, BPTT, truncated BPTT by definition).
 */
package org.sparkrnn.reference;
