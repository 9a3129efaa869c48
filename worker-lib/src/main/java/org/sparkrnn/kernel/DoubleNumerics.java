package org.sparkrnn.kernel;

import dev.ludovic.netlib.blas.BLAS;
import org.sparkrnn.model.Activation;

import java.util.Arrays;

/** {@link Numerics} over {@code double[]}. Its twin {@link FloatNumerics} must stay line-for-line parallel. */
final class DoubleNumerics extends Numerics<double[]> {

    /** SIMD pointwise loops when the Vector API is in this JVM, else the scalar loops. */
    static final DoubleNumerics INSTANCE = new DoubleNumerics(VectorSupport.AVAILABLE);
    /** Always the scalar loops: the reference the SIMD loops are tested against. */
    static final DoubleNumerics SCALAR = new DoubleNumerics(false);

    private final BLAS blas = BLAS.getInstance();
    private final boolean vector;

    private DoubleNumerics(boolean vector) {
        this.vector = vector;
    }

    @Override
    Precision precision() {
        return Precision.FLOAT64;
    }

    @Override
    double[] allocate(int length) {
        return new double[length];
    }

    @Override
    int length(double[] array) {
        return array.length;
    }

    @Override
    void fillZero(double[] array, int offset, int length) {
        Arrays.fill(array, offset, offset + length, 0.0);
    }

    @Override
    void setOne(double[] array, int index) {
        array[index] = 1.0;
    }

    @Override
    void copy(double[] src, int srcOffset, double[] dst, int dstOffset, int length) {
        System.arraycopy(src, srcOffset, dst, dstOffset, length);
    }

    @Override
    void loadDoubles(double[] src, int srcOffset, double[] dst, int dstOffset, int length) {
        System.arraycopy(src, srcOffset, dst, dstOffset, length);
    }

    @Override
    void storeDoubles(double[] src, int srcOffset, double[] dst, int dstOffset, int length) {
        System.arraycopy(src, srcOffset, dst, dstOffset, length);
    }

    @Override
    double[] viewParameters(double[] params, double[] scratch) {
        return params;
    }

    @Override
    double[] beginGradient(double[] target, double[] scratch) {
        return target;
    }

    @Override
    void finishGradient(double[] gradient, double[] target) {
        // accumulated in place
    }

    /**
     * Whole tiles of 12 rows. 8 was enough for OpenBLAS's Haswell kernels, but its SkylakeX and Cooperlake kernels
     * (AVX-512 machines) compute calls of 8, 16 or 32 rows with a small-matrix kernel that sums in another order than
     * the calls of other row counts, so a row's bits depended on the batch there. Calls of multiples of 12 never have
     * 8, 16 or 32 rows. Measured with libopenblas 0.3.21 ({@code OPENBLAS_CORETYPE} set per run, BatchInvarianceTest
     * with 1 to 41, 48, 64, 96 and 100 rows): invariant with the Sandybridge, Haswell, Zen, SkylakeX and Cooperlake
     * kernels; not with the Nehalem kernels (pre-AVX CPUs), which 24 would also cover at up to twice the padding for
     * small batches (a batch of 32 sequences computes 36 rows per step with 12, 48 with 24).
     */
    @Override
    int rowTile() {
        return 12;
    }

    @Override
    void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, double[] a, int aOffset, int lda,
              double[] b, int bOffset, int ldb, double beta, double[] c, int cOffset, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        // Row-major C = op(A)op(B) is column-major Cᵀ = op(B)ᵀop(A)ᵀ, and a row-major array read column-major is the
        // transpose: so swap the operands and keep each one's flag.
        blas.dgemm(transB ? "T" : "N", transA ? "T" : "N", n, m, k, alpha, b, bOffset, ldb, a, aOffset, lda,
                beta, c, cOffset, ldc);
    }

    @Override
    void addRowVector(double[] matrix, int offset, int rows, int cols, double[] vector, int vOffset) {
        for (int r = 0; r < rows; r++) {
            int row = offset + r * cols;
            for (int j = 0; j < cols; j++) {
                matrix[row + j] += vector[vOffset + j];
            }
        }
    }

    @Override
    void addColumnSums(double[] matrix, int offset, int rows, int cols, double[] target, int tOffset) {
        for (int r = 0; r < rows; r++) {
            int row = offset + r * cols;
            for (int j = 0; j < cols; j++) {
                target[tOffset + j] += matrix[row + j];
            }
        }
    }

    @Override
    void lstmForward(int rows, int h, double[] gates, int gOffset, double[] cPrev, int cpOffset,
                     double[] c, int cOffset, double[] tanhC, int tcOffset, double[] hOut, int hOffset) {
        for (int r = 0; r < rows; r++) {
            int gi = gOffset + r * 4 * h;
            int gf = gi + h;
            int gg = gf + h;
            int go = gg + h;
            int s = r * h;
            int first = vector ? VectorLoopsDouble.lstmForwardRow(h, gates, gi, cPrev, cpOffset + s, c, cOffset + s, tanhC,
                    tcOffset + s, hOut, hOffset + s) : 0;
            for (int j = first; j < h; j++) {
                double i = sigmoid(gates[gi + j]);
                double f = sigmoid(gates[gf + j]);
                double g = tanh(gates[gg + j]);
                double o = sigmoid(gates[go + j]);
                gates[gi + j] = i;
                gates[gf + j] = f;
                gates[gg + j] = g;
                gates[go + j] = o;
                double state = f * cPrev[cpOffset + s + j] + i * g;
                double tanhState = tanh(state);
                c[cOffset + s + j] = state;
                tanhC[tcOffset + s + j] = tanhState;
                hOut[hOffset + s + j] = o * tanhState;
            }
        }
    }

    @Override
    void lstmBackward(int rows, int h, double[] gates, int gOffset, double[] tanhC, int tcOffset,
                      double[] cPrev, int cpOffset, double[] dhExt, int dhOffset, double[] dhNext, double[] dcNext) {
        for (int r = 0; r < rows; r++) {
            int gi = gOffset + r * 4 * h;
            int gf = gi + h;
            int gg = gf + h;
            int go = gg + h;
            int s = r * h;
            int first = vector ? VectorLoopsDouble.lstmBackwardRow(h, gates, gi, tanhC, tcOffset + s, cPrev, cpOffset + s,
                    dhExt, dhOffset + s, dhNext, dcNext, s) : 0;
            for (int j = first; j < h; j++) {
                double i = gates[gi + j];
                double f = gates[gf + j];
                double g = gates[gg + j];
                double o = gates[go + j];
                double tanhState = tanhC[tcOffset + s + j];
                double dh = dhExt[dhOffset + s + j] + dhNext[s + j];
                double dState = dh * o * (1.0 - tanhState * tanhState) + dcNext[s + j];
                gates[gi + j] = dState * g * i * (1.0 - i);
                gates[gf + j] = dState * cPrev[cpOffset + s + j] * f * (1.0 - f);
                gates[gg + j] = dState * i * (1.0 - g * g);
                gates[go + j] = dh * tanhState * o * (1.0 - o);
                dcNext[s + j] = dState * f;
            }
        }
    }

    @Override
    void rnnForward(Activation activation, int rows, int h, double[] z, int zOffset, double[] hOut, int hOffset) {
        if (activation != Activation.TANH) {
            System.arraycopy(z, zOffset, hOut, hOffset, rows * h);
            return;
        }
        // row by row, so that a unit takes the SIMD or the scalar tanh by its column alone, not by how many rows
        // share the call (batch invariance: the two differ in the last bit)
        for (int r = 0; r < rows; r++) {
            int zr = zOffset + r * h;
            int hr = hOffset + r * h;
            int first = vector ? VectorLoopsDouble.tanh(h, z, zr, hOut, hr) : 0;
            for (int j = first; j < h; j++) {
                hOut[hr + j] = tanh(z[zr + j]);
            }
        }
    }

    @Override
    void rnnBackward(Activation activation, int rows, int h, double[] hOut, int hOffset, double[] dhExt,
                     int dhOffset, double[] dhNext, double[] dz, int dzOffset) {
        int n = rows * h;
        for (int j = 0; j < n; j++) {
            double dh = dhExt[dhOffset + j] + dhNext[j];
            if (activation == Activation.TANH) {
                double y = hOut[hOffset + j];
                dh *= 1.0 - y * y;
            }
            dz[dzOffset + j] = dh;
        }
    }

    @Override
    void gruForward(int rows, int h, double[] gates, int gOffset, double[] hz, int hzOffset, double[] hPrev, int hpOffset,
                    double[] hOut, int hOffset) {
        for (int r = 0; r < rows; r++) {
            int gr = gOffset + r * 3 * h;
            int hr = hzOffset + r * 3 * h;
            int s = r * h;
            int first = vector ? VectorLoopsDouble.gruForwardRow(h, gates, gr, hz, hr, hPrev, hpOffset + s, hOut, hOffset + s) : 0;
            for (int j = first; j < h; j++) {
                double reset = sigmoid(gates[gr + j] + hz[hr + j]);
                double update = sigmoid(gates[gr + h + j] + hz[hr + h + j]);
                double candidate = tanh(gates[gr + 2 * h + j] + reset * hz[hr + 2 * h + j]);
                gates[gr + j] = reset;
                gates[gr + h + j] = update;
                gates[gr + 2 * h + j] = candidate;
                hOut[hOffset + s + j] = (1.0 - update) * candidate + update * hPrev[hpOffset + s + j];
            }
        }
    }

    @Override
    void gruBackward(int rows, int h, double[] gates, int gOffset, double[] hz, int hzOffset, double[] hPrev, int hpOffset,
                     double[] dhExt, int dhOffset, double[] dhNext) {
        for (int r = 0; r < rows; r++) {
            int gr = gOffset + r * 3 * h;
            int hr = hzOffset + r * 3 * h;
            int s = r * h;
            int first = vector ? VectorLoopsDouble.gruBackwardRow(h, gates, gr, hz, hr, hPrev, hpOffset + s, dhExt, dhOffset + s,
                    dhNext, s) : 0;
            for (int j = first; j < h; j++) {
                double reset = gates[gr + j];
                double update = gates[gr + h + j];
                double candidate = gates[gr + 2 * h + j];
                double dh = dhExt[dhOffset + s + j] + dhNext[s + j];
                double dCandidate = dh * (1.0 - update) * (1.0 - candidate * candidate);   // δn (pre-activation)
                double dReset = dCandidate * hz[hr + 2 * h + j] * reset * (1.0 - reset);    // δr
                double dUpdate = dh * (hPrev[hpOffset + s + j] - candidate) * update * (1.0 - update); // δz
                gates[gr + j] = dReset;
                gates[gr + h + j] = dUpdate;
                gates[gr + 2 * h + j] = dCandidate;
                hz[hr + j] = dReset;
                hz[hr + h + j] = dUpdate;
                hz[hr + 2 * h + j] = dCandidate * reset;                                   // into W_hn h + b_hn
                dhNext[s + j] = dh * update;
            }
        }
    }

    @Override
    void addScaled(double[] src, int srcOffset, double alpha, double[] dst, int dstOffset, int length) {
        double a = alpha;
        for (int j = 0; j < length; j++) {
            dst[dstOffset + j] += a * src[srcOffset + j];
        }
    }

    @Override
    void multiply(double[] b, int bOffset, double[] m, int mOffset, double[] a, int aOffset, int length) {
        for (int j = 0; j < length; j++) {
            a[aOffset + j] = b[bOffset + j] * m[mOffset + j];
        }
    }

    @Override
    double squaredErrorInPlace(int rows, int v, double[] y, double[] targets, int[] targetRows, int from,
                               double gradScale) {
        double sum = 0;
        for (int r = 0; r < rows; r++) {
            int t = targetRows[from + r] * v;
            for (int j = 0; j < v; j++) {
                double diff = y[r * v + j] - targets[t + j];
                sum += diff * diff;
                y[r * v + j] = gradScale * diff;
            }
        }
        return sum;
    }

    @Override
    double softmaxCrossEntropyInPlace(int rows, int v, double[] z, int[] classes, int[] targetRows, int from) {
        double sum = 0;
        for (int r = 0; r < rows; r++) {
            int row = r * v;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < v; j++) {
                max = Math.max(max, z[row + j]);
            }
            double total = 0;
            for (int j = 0; j < v; j++) {
                total += Math.exp(z[row + j] - max);
            }
            double logSumExp = max + Math.log(total);
            int y = classes[targetRows[from + r]];
            sum += logSumExp - z[row + y];
            for (int j = 0; j < v; j++) {
                z[row + j] = Math.exp(z[row + j] - logSumExp);
            }
            z[row + y] -= 1.0;
        }
        return sum;
    }

    @Override
    void softmaxInPlace(int rows, int v, double[] z) {
        for (int r = 0; r < rows; r++) {
            int row = r * v;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < v; j++) {
                max = Math.max(max, z[row + j]);
            }
            double total = 0;
            for (int j = 0; j < v; j++) {
                double e = Math.exp(z[row + j] - max);
                z[row + j] = e;
                total += e;
            }
            for (int j = 0; j < v; j++) {
                z[row + j] /= total;
            }
        }
    }

    @Override
    boolean allFinite(double[] array, int offset, int length) {
        for (int j = offset; j < offset + length; j++) {
            if (!Double.isFinite(array[j])) {
                return false;
            }
        }
        return true;
    }
}
