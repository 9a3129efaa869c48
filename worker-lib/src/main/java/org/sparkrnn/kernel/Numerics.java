package org.sparkrnn.kernel;

import org.sparkrnn.model.Activation;

/**
 * Every loop the kernel runs over numbers, for one primitive array type {@code A} ({@code double[]} or
 * {@code float[]}). The network algorithm ({@link PrecisionKernel}) is written once against this class; only these
 * short loops exist per precision ({@link DoubleNumerics}, {@link FloatNumerics}), and a test holds the two to each
 * other. Matrices are row-major with an explicit leading dimension; every method that writes says where.
 *
 * <p>Notation: rows = packed sequence-steps, H hidden, G·H gate rows (gate order i, f, g, o; GRU r, z, n),
 * V outputs.
 */
abstract class Numerics<A> {

    abstract Precision precision();

    abstract A allocate(int length);

    abstract int length(A array);

    abstract void fillZero(A array, int offset, int length);

    /** array[index] = 1. */
    abstract void setOne(A array, int index);

    abstract void copy(A src, int srcOffset, A dst, int dstOffset, int length);

    /** dst[dstOffset..] = (A) src[srcOffset..]. */
    abstract void loadDoubles(double[] src, int srcOffset, A dst, int dstOffset, int length);

    /** dst[dstOffset..] = (double) src[srcOffset..]. */
    abstract void storeDoubles(A src, int srcOffset, double[] dst, int dstOffset, int length);

    /**
     * The parameters in compute precision: {@code params} itself where the types agree (no copy), else a conversion
     * into {@code scratch} (which must hold at least {@code params.length}).
     */
    abstract A viewParameters(double[] params, A scratch);

    /**
     * Where the kernel should accumulate a gradient bound for {@code target}: {@code target} itself where the types
     * agree, else {@code scratch} zeroed. Every kernel write to it is {@code +=}.
     */
    abstract A beginGradient(double[] target, A scratch);

    /** Moves what {@link #beginGradient} collected into {@code target} (nothing to do when it was the target). */
    abstract void finishGradient(A gradient, double[] target);

    /**
     * Row-major {@code C(m×n) = alpha·op(A)·op(B) + beta·C}, op = transpose when asked. With beta = 0, C's old
     * contents are ignored (BLAS semantics).
     */
    abstract void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, A a, int aOffset, int lda,
                       A b, int bOffset, int ldb, double beta, A c, int cOffset, int ldc);

    /** Each of {@code rows} rows of width {@code cols} at {@code offset} += vector[vOffset..vOffset+cols). */
    abstract void addRowVector(A matrix, int offset, int rows, int cols, A vector, int vOffset);

    /** target[tOffset + j] += Σ_r matrix[offset + r·cols + j]: the bias gradient of a GEMM layer. */
    abstract void addColumnSums(A matrix, int offset, int rows, int cols, A target, int tOffset);

    /**
     * LSTM step, Gomez eqs. (PyTorch nn.LSTM) for {@code rows} sequences: {@code gates} holds the pre-activations
     * z = W x + U h_{t-1} + b (rows × 4H, i f g o) and is overwritten with the activations; writes the cell state
     * c = f⊙c_{t-1} + i⊙g, tanh(c) and h = o⊙tanh(c) (each rows × H, leading dimension H).
     */
    abstract void lstmForward(int rows, int h, A gates, int gOffset, A cPrev, int cpOffset,
                              A c, int cOffset, A tanhC, int tcOffset, A hOut, int hOffset);

    /**
     * LSTM step backward. In: activations (rows × 4H), tanh(c_t), c_{t-1}, the gradient reaching h_t from above
     * ({@code dhExt}) and from step t+1 ({@code dhNext}, rows × H at offset 0), and δc_{t+1}⊙f_{t+1}
     * ({@code dcNext}). Writes the gate pre-activation gradients over {@code gates} and δc_t⊙f_t into
     * {@code dcNext} (the state gradient carries a term from t+1; the output-gate gradient does not).
     */
    abstract void lstmBackward(int rows, int h, A gates, int gOffset, A tanhC, int tcOffset, A cPrev, int cpOffset,
                               A dhExt, int dhOffset, A dhNext, A dcNext);

    /** Simple RNN step: h = act(z) for rows × H values (z and h may be the same array region). */
    abstract void rnnForward(Activation activation, int rows, int h, A z, int zOffset, A hOut, int hOffset);

    /** Simple RNN step backward: dz = (dhExt + dhNext) ⊙ act'(z), act' written in terms of h. */
    abstract void rnnBackward(Activation activation, int rows, int h, A hOut, int hOffset, A dhExt, int dhOffset,
                              A dhNext, A dz, int dzOffset);

    /**
     * GRU step (PyTorch nn.GRU) for {@code rows} sequences. {@code gates} holds the input side x·W_ihᵀ + b_ih
     * (rows × 3H, r z n) and {@code hz} the hidden side h_{t−1}·W_hhᵀ + b_hh (rows × 3H); writes the activations
     * r, z, n over {@code gates} (hz keeps W_hn h + b_hn for backward) and h = (1−z)⊙n + z⊙h_{t−1}:
     * r = σ(x_r + h_r), z = σ(x_z + h_z), n = tanh(x_n + r⊙h_n).
     */
    abstract void gruForward(int rows, int h, A gates, int gOffset, A hz, int hzOffset, A hPrev, int hpOffset,
                             A hOut, int hOffset);

    /**
     * GRU step backward. In: activations r z n (rows × 3H), hz (its n block = W_hn h + b_hn), h_{t−1}, the gradient
     * reaching h_t from above ({@code dhExt}) and from step t+1 ({@code dhNext}, rows × H at offset 0). Writes the
     * input-side pre-activation gradients (δr, δz, δn) over {@code gates}, the hidden-side ones (δr, δz, δn⊙r) over
     * {@code hz}, and the direct part of the gradient to h_{t−1}, dh⊙z, over {@code dhNext} (the recurrent GEMM
     * adds the rest).
     */
    abstract void gruBackward(int rows, int h, A gates, int gOffset, A hz, int hzOffset, A hPrev, int hpOffset,
                              A dhExt, int dhOffset, A dhNext);

    /** dst[dstOffset + j] += alpha · src[srcOffset + j] for j &lt; length. */
    abstract void addScaled(A src, int srcOffset, double alpha, A dst, int dstOffset, int length);

    /** a[aOffset + j] = b[bOffset + j] ⊙ m[mOffset + j] for j &lt; length (dropout masks). */
    abstract void multiply(A b, int bOffset, A m, int mOffset, A a, int aOffset, int length);

    /**
     * Squared error over {@code rows} predictions y (rows × V, offset 0) against the target rows
     * {@code targets[targetRows[from + r]·V ..]}: returns Σ (y − t)² and overwrites y with gradScale·(y − t).
     */
    abstract double squaredErrorInPlace(int rows, int v, A y, double[] targets, int[] targetRows, int from,
                                        double gradScale);

    /**
     * Softmax cross-entropy over {@code rows} logits z (rows × V, offset 0) against class
     * {@code classes[targetRows[from + r]]}: returns Σ −log softmax(z)[y] (log-sum-exp, stable) and overwrites z with
     * softmax(z) − onehot(y), its gradient.
     */
    abstract double softmaxCrossEntropyInPlace(int rows, int v, A z, int[] classes, int[] targetRows, int from);

    /** Each row of width v becomes softmax(row), stably. */
    abstract void softmaxInPlace(int rows, int v, A z);

    /** True when every value in the range is finite. */
    abstract boolean allFinite(A array, int offset, int length);

    static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }

    /**
     * tanh through the intrinsic {@code Math.exp}: JDK 17's {@code Math.tanh} is the pure-Java fdlibm port and was
     * a third of the kernel's time. Absolute error ~1e-16 (relative error grows only for |x| &lt; 1e-8, where the
     * value itself is below 1e-8); exact ±1 saturation, NaN stays NaN.
     */
    static double tanh(double x) {
        return 1.0 - 2.0 / (Math.exp(2.0 * x) + 1.0);
    }
}
