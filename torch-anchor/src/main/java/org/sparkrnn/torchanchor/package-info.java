/**
 * The benchmarks' second PyTorch anchor: PyTorch 2.7.1 in a JVM through DJL
 * ({@link org.sparkrnn.torchanchor.TorchAnchor}), beside Debian's PyTorch 1.13 run from Python. Built and run on
 * demand by {@code scripts/torch-anchor}; not part of the library or its tests.
 */
package org.sparkrnn.torchanchor;
