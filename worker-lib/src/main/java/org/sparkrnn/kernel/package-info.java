/**
 * The fast path: forward and BPTT of a stacked LSTM/RNN with a dense head over a whole batch at once.
 *
 * <p>{@link org.sparkrnn.kernel.NetworkKernel} is the entry point. {@code PrecisionKernel} is the algorithm, written
 * once; {@code Numerics} holds the loops per precision (float32, float64) and the GEMMs (dev.ludovic.netlib BLAS:
 * native OpenBLAS when installed, the JDK Vector API when {@code jdk.incubator.vector} is added, else pure Java).
 * {@code BatchPlan} packs variable-length sequences longest-first so that no padded step is ever computed.
 *
 * <p>Notation: B batch, T steps, I input, H hidden, G gates (LSTM 4, RNN 1), V outputs, N = total steps;
 * gate order i, f, g, o as PyTorch; a {@code d} prefix is a gradient. Matrices are row-major.
 */
package org.sparkrnn.kernel;
