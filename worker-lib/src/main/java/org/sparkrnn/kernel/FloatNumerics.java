package org.sparkrnn.kernel;

import dev.ludovic.netlib.blas.BLAS;
import org.sparkrnn.model.Activation;

import java.util.Arrays;

/**
 * {@link Numerics} over {@code float[]}, line-for-line parallel to {@link DoubleNumerics}. Values are stored in
 * float; transcendental functions are evaluated in double and rounded once; loss sums are accumulated in double.
 */
final class FloatNumerics extends Numerics<float[]> {

    /** SIMD pointwise loops when the Vector API is in this JVM, else the scalar loops. */
    static final FloatNumerics INSTANCE = new FloatNumerics(VectorSupport.AVAILABLE);
    /** Always the scalar loops: the reference the SIMD loops are tested against. */
    static final FloatNumerics SCALAR = new FloatNumerics(false);

    private final BLAS blas = BLAS.getInstance();
    private final boolean vector;

    private FloatNumerics(boolean vector) {
        this.vector = vector;
    }

    @Override
    Precision precision() {
        return Precision.FLOAT32;
    }

    @Override
    float[] allocate(int length) {
        return new float[length];
    }

    @Override
    int length(float[] array) {
        return array.length;
    }

    @Override
    void fillZero(float[] array, int offset, int length) {
        Arrays.fill(array, offset, offset + length, 0f);
    }

    @Override
    void setOne(float[] array, int index) {
        array[index] = 1f;
    }

    @Override
    void copy(float[] src, int srcOffset, float[] dst, int dstOffset, int length) {
        System.arraycopy(src, srcOffset, dst, dstOffset, length);
    }

    @Override
    void loadDoubles(double[] src, int srcOffset, float[] dst, int dstOffset, int length) {
        for (int j = 0; j < length; j++) {
            dst[dstOffset + j] = (float) src[srcOffset + j];
        }
    }

    @Override
    void storeDoubles(float[] src, int srcOffset, double[] dst, int dstOffset, int length) {
        for (int j = 0; j < length; j++) {
            dst[dstOffset + j] = src[srcOffset + j];
        }
    }

    @Override
    float[] viewParameters(double[] params, float[] scratch) {
        loadDoubles(params, 0, scratch, 0, params.length);
        return scratch;
    }

    @Override
    float[] beginGradient(double[] target, float[] scratch) {
        Arrays.fill(scratch, 0, target.length, 0f);
        return scratch;
    }

    @Override
    void finishGradient(float[] gradient, double[] target) {
        for (int j = 0; j < target.length; j++) {
            target[j] += gradient[j];
        }
    }

    /** One call for all rows: sgemm cannot be tiled into invariance cheaply (see {@link Numerics#gemmRows}). */
    @Override
    int rowTile() {
        return 1;
    }

    @Override
    void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, float[] a, int aOffset, int lda,
              float[] b, int bOffset, int ldb, double beta, float[] c, int cOffset, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        // See DoubleNumerics.gemm for the row-major to column-major swap.
        blas.sgemm(transB ? "T" : "N", transA ? "T" : "N", n, m, k, (float) alpha, b, bOffset, ldb, a, aOffset, lda,
                (float) beta, c, cOffset, ldc);
    }

    @Override
    void addRowVector(float[] matrix, int offset, int rows, int cols, float[] vector, int vOffset) {
        for (int r = 0; r < rows; r++) {
            int row = offset + r * cols;
            for (int j = 0; j < cols; j++) {
                matrix[row + j] += vector[vOffset + j];
            }
        }
    }

    @Override
    void addColumnSums(float[] matrix, int offset, int rows, int cols, float[] target, int tOffset) {
        for (int r = 0; r < rows; r++) {
            int row = offset + r * cols;
            for (int j = 0; j < cols; j++) {
                target[tOffset + j] += matrix[row + j];
            }
        }
    }

    @Override
    void lstmForward(int rows, int h, float[] gates, int gOffset, float[] cPrev, int cpOffset,
                     float[] c, int cOffset, float[] tanhC, int tcOffset, float[] hOut, int hOffset) {
        for (int r = 0; r < rows; r++) {
            int gi = gOffset + r * 4 * h;
            int gf = gi + h;
            int gg = gf + h;
            int go = gg + h;
            int s = r * h;
            int first = vector ? VectorLoopsFloat.lstmForwardRow(h, gates, gi, cPrev, cpOffset + s, c, cOffset + s, tanhC,
                    tcOffset + s, hOut, hOffset + s) : 0;
            for (int j = first; j < h; j++) {
                float i = (float) sigmoid(gates[gi + j]);
                float f = (float) sigmoid(gates[gf + j]);
                float g = (float) tanh(gates[gg + j]);
                float o = (float) sigmoid(gates[go + j]);
                gates[gi + j] = i;
                gates[gf + j] = f;
                gates[gg + j] = g;
                gates[go + j] = o;
                float state = f * cPrev[cpOffset + s + j] + i * g;
                float tanhState = (float) tanh(state);
                c[cOffset + s + j] = state;
                tanhC[tcOffset + s + j] = tanhState;
                hOut[hOffset + s + j] = o * tanhState;
            }
        }
    }

    @Override
    void lstmBackward(int rows, int h, float[] gates, int gOffset, float[] tanhC, int tcOffset,
                      float[] cPrev, int cpOffset, float[] dhExt, int dhOffset, float[] dhNext, float[] dcNext) {
        for (int r = 0; r < rows; r++) {
            int gi = gOffset + r * 4 * h;
            int gf = gi + h;
            int gg = gf + h;
            int go = gg + h;
            int s = r * h;
            int first = vector ? VectorLoopsFloat.lstmBackwardRow(h, gates, gi, tanhC, tcOffset + s, cPrev, cpOffset + s,
                    dhExt, dhOffset + s, dhNext, dcNext, s) : 0;
            for (int j = first; j < h; j++) {
                float i = gates[gi + j];
                float f = gates[gf + j];
                float g = gates[gg + j];
                float o = gates[go + j];
                float tanhState = tanhC[tcOffset + s + j];
                float dh = dhExt[dhOffset + s + j] + dhNext[s + j];
                float dState = dh * o * (1f - tanhState * tanhState) + dcNext[s + j];
                gates[gi + j] = dState * g * i * (1f - i);
                gates[gf + j] = dState * cPrev[cpOffset + s + j] * f * (1f - f);
                gates[gg + j] = dState * i * (1f - g * g);
                gates[go + j] = dh * tanhState * o * (1f - o);
                dcNext[s + j] = dState * f;
            }
        }
    }

    @Override
    void rnnForward(Activation activation, int rows, int h, float[] z, int zOffset, float[] hOut, int hOffset) {
        if (activation != Activation.TANH) {
            System.arraycopy(z, zOffset, hOut, hOffset, rows * h);
            return;
        }
        // row by row, so that a unit takes the SIMD or the scalar tanh by its column alone, not by how many rows
        // share the call (batch invariance: the two differ in the last bit)
        for (int r = 0; r < rows; r++) {
            int zr = zOffset + r * h;
            int hr = hOffset + r * h;
            int first = vector ? VectorLoopsFloat.tanh(h, z, zr, hOut, hr) : 0;
            for (int j = first; j < h; j++) {
                hOut[hr + j] = (float) tanh(z[zr + j]);
            }
        }
    }

    @Override
    void rnnBackward(Activation activation, int rows, int h, float[] hOut, int hOffset, float[] dhExt,
                     int dhOffset, float[] dhNext, float[] dz, int dzOffset) {
        int n = rows * h;
        for (int j = 0; j < n; j++) {
            float dh = dhExt[dhOffset + j] + dhNext[j];
            if (activation == Activation.TANH) {
                float y = hOut[hOffset + j];
                dh *= 1f - y * y;
            }
            dz[dzOffset + j] = dh;
        }
    }

    @Override
    void gruForward(int rows, int h, float[] gates, int gOffset, float[] hz, int hzOffset, float[] hPrev, int hpOffset,
                    float[] hOut, int hOffset) {
        for (int r = 0; r < rows; r++) {
            int gr = gOffset + r * 3 * h;
            int hr = hzOffset + r * 3 * h;
            int s = r * h;
            int first = vector ? VectorLoopsFloat.gruForwardRow(h, gates, gr, hz, hr, hPrev, hpOffset + s, hOut, hOffset + s) : 0;
            for (int j = first; j < h; j++) {
                float reset = (float) sigmoid(gates[gr + j] + hz[hr + j]);
                float update = (float) sigmoid(gates[gr + h + j] + hz[hr + h + j]);
                float candidate = (float) tanh(gates[gr + 2 * h + j] + reset * hz[hr + 2 * h + j]);
                gates[gr + j] = reset;
                gates[gr + h + j] = update;
                gates[gr + 2 * h + j] = candidate;
                hOut[hOffset + s + j] = (1f - update) * candidate + update * hPrev[hpOffset + s + j];
            }
        }
    }

    @Override
    void gruBackward(int rows, int h, float[] gates, int gOffset, float[] hz, int hzOffset, float[] hPrev, int hpOffset,
                     float[] dhExt, int dhOffset, float[] dhNext) {
        for (int r = 0; r < rows; r++) {
            int gr = gOffset + r * 3 * h;
            int hr = hzOffset + r * 3 * h;
            int s = r * h;
            int first = vector ? VectorLoopsFloat.gruBackwardRow(h, gates, gr, hz, hr, hPrev, hpOffset + s, dhExt, dhOffset + s,
                    dhNext, s) : 0;
            for (int j = first; j < h; j++) {
                float reset = gates[gr + j];
                float update = gates[gr + h + j];
                float candidate = gates[gr + 2 * h + j];
                float dh = dhExt[dhOffset + s + j] + dhNext[s + j];
                float dCandidate = dh * (1f - update) * (1f - candidate * candidate);   // δn (pre-activation)
                float dReset = dCandidate * hz[hr + 2 * h + j] * reset * (1f - reset);    // δr
                float dUpdate = dh * (hPrev[hpOffset + s + j] - candidate) * update * (1f - update); // δz
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
    void addScaled(float[] src, int srcOffset, double alpha, float[] dst, int dstOffset, int length) {
        float a = (float) alpha;
        for (int j = 0; j < length; j++) {
            dst[dstOffset + j] += a * src[srcOffset + j];
        }
    }

    @Override
    void multiply(float[] b, int bOffset, float[] m, int mOffset, float[] a, int aOffset, int length) {
        for (int j = 0; j < length; j++) {
            a[aOffset + j] = b[bOffset + j] * m[mOffset + j];
        }
    }

    @Override
    double squaredErrorInPlace(int rows, int v, float[] y, double[] targets, int[] targetRows, int from,
                               double gradScale) {
        double sum = 0;
        for (int r = 0; r < rows; r++) {
            int t = targetRows[from + r] * v;
            for (int j = 0; j < v; j++) {
                double diff = y[r * v + j] - targets[t + j];
                sum += diff * diff;
                y[r * v + j] = (float) (gradScale * diff);
            }
        }
        return sum;
    }

    @Override
    double softmaxCrossEntropyInPlace(int rows, int v, float[] z, int[] classes, int[] targetRows, int from) {
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
                z[row + j] = (float) Math.exp(z[row + j] - logSumExp);
            }
            z[row + y] -= 1f;
        }
        return sum;
    }

    @Override
    void softmaxInPlace(int rows, int v, float[] z) {
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
            for (int j = 0; j < v; j++) {
                z[row + j] = (float) (Math.exp(z[row + j] - max) / total);
            }
        }
    }

    @Override
    boolean allFinite(float[] array, int offset, int length) {
        for (int j = offset; j < offset + length; j++) {
            if (!Float.isFinite(array[j])) {
                return false;
            }
        }
        return true;
    }
}
