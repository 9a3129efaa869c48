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

    /** Per-thread padding rows of {@link #gemmRows} (the instances are shared by all threads). */
    private final ThreadLocal<Object[]> tileScratch = ThreadLocal.withInitial(() -> new Object[2]);

    /**
     * Rows per BLAS call in {@link #gemmRows}, so that every row's result is bit-identical whatever the number of
     * rows and wherever the row sits (batch invariance), or 1 where tiling cannot give that.
     */
    abstract int rowTile();

    /**
     * Row-major {@code C(m×n) = A(m×k)·B(n×k)ᵀ + beta·C} (lda = k, ldb = k, ldc = n): the forward pass's products,
     * whose rows are sequence-steps. Native BLAS does not make a row's result independent of the other rows: OpenBLAS
     * computes the columns of a partial last register tile (our rows, after the row-major swap) with narrower code
     * that sums in another order. Measured with libopenblas 0.3.21 (Haswell kernels): dgemm gives a lone last row
     * other last bits and every other row the same ones (and its AVX-512 kernels use a small-matrix kernel for some
     * row counts, see DoubleNumerics#rowTile), so float64 hands the rows over in whole tiles of
     * {@link #rowTile}: the largest multiple in place and the rest zero-padded to one more tile in a second call, or,
     * where that costs less, every row copied into one call of whole tiles (the same bits either way). sgemm's result
     * also depends on the row's position inside blocks of 4 to 16 rows, in either operand order; only calls of exactly
     * 8 rows made it invariant, at 1.7–2.3× the GEMM time, so float32 keeps one call and is batch-invariant to
     * rounding (BatchInvarianceTest states the bound).
     */
    final void gemmRows(int m, int n, int k, A a, int aOffset, A b, int bOffset, double beta, A c, int cOffset) {
        int tile = rowTile();
        int rest = m % tile;
        if (rest != 0 && m > tile && wholeCallIsCheaper(m, n, k, beta)) {
            gemmRowsInOneCall(m, n, k, a, aOffset, b, bOffset, beta, c, cOffset);
        } else {
            gemmRowsInPlace(m, n, k, a, aOffset, b, bOffset, beta, c, cOffset);
        }
    }

    /**
     * Whether {@link #gemmRowsInOneCall} costs less than {@link #gemmRowsInPlace} for m rows that are not whole tiles:
     * the second call of the in-place way packs the whole n × k operand again for one tile of rows, the one call copies
     * every row in and out of scratch instead (m·k values in, m·n out, m·n more in when C is added to). Measured
     * (float64, OpenBLAS 0.3.21, {@code scripts/bench gemm-rows}, docs/PERFORMANCE.md section 12), with C added to:
     * one call 1.15–1.23x faster where 2·n·k is 7 times m·(k + 2n), 1.02–1.04x at 1.7–1.8, in place 1.10x faster at
     * 0.44; the line is drawn at 1. One call then has m below k, so its scratch is at most about the n × k operand.
     */
    private static boolean wholeCallIsCheaper(int m, int n, int k, double beta) {
        long copied = (long) m * (k + (beta != 0 ? 2L : 1L) * n);
        return 2L * n * k >= copied;
    }

    /**
     * The largest multiple of {@link #rowTile} rows in place, the rest through {@link #gemmRowsInOneCall} (zero-padded
     * to one more tile: a second call, when m is not a multiple).
     */
    final void gemmRowsInPlace(int m, int n, int k, A a, int aOffset, A b, int bOffset, double beta, A c,
                               int cOffset) {
        int full = m - m % rowTile();
        if (full > 0) {
            gemm(false, true, full, n, k, 1.0, a, aOffset, k, b, bOffset, k, beta, c, cOffset, n);
        }
        if (full < m) {
            gemmRowsInOneCall(m - full, n, k, a, aOffset + full * k, b, bOffset, beta, c, cOffset + full * n);
        }
    }

    /**
     * All m rows copied into a scratch buffer zero-padded to whole tiles and multiplied in one call: each row's bits
     * are the in-place way's (the tiles make a row's result independent of the row count and of where the row sits).
     */
    final void gemmRowsInOneCall(int m, int n, int k, A a, int aOffset, A b, int bOffset, double beta, A c,
                                 int cOffset) {
        int tile = rowTile();
        int padded = (m + tile - 1) / tile * tile;
        Object[] scratch = tileScratch.get();
        A tileA = tile(scratch, 0, padded * k);
        A tileC = tile(scratch, 1, padded * n);
        copy(a, aOffset, tileA, 0, m * k);
        fillZero(tileA, m * k, (padded - m) * k);
        if (beta != 0) {
            copy(c, cOffset, tileC, 0, m * n);
        }
        fillZero(tileC, m * n, (padded - m) * n);
        gemm(false, true, padded, n, k, 1.0, tileA, 0, k, b, bOffset, k, beta, tileC, 0, n);
        copy(tileC, 0, c, cOffset, m * n);
    }

    @SuppressWarnings("unchecked")
    private A tile(Object[] scratch, int slot, int length) {
        A held = (A) scratch[slot];
        if (held == null || length(held) < length) {
            held = allocate(length);
            scratch[slot] = held;
        }
        return held;
    }

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
