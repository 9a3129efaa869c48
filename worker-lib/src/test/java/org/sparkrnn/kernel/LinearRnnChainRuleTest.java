package org.sparkrnn.kernel;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sparkrnn.aggregate.GradientAccumulator;
import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.model.Activation;
import org.sparkrnn.model.LayerSpec;
import org.sparkrnn.model.Loss;
import org.sparkrnn.model.NetworkSpec;
import org.sparkrnn.model.ParameterLayout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The chain-rule example of a linear (identity) RNN: {@code s_k = w_rec·s_{k−1} + w_x·x_k}, s_0 = 0, three inputs
 * x_1..x_3 and four states s_0..s_3, the output y = s_3 read through a 1 × 1 identity head, E = ½(y − t)².
 * Unrolling gives y = w_x(x_1·w_rec² + x_2·w_rec + x_3), so by hand:
 * <pre>
 *   ∂E/∂w_x   = (y − t) · Σ_k x_k · w_rec^(3−k)
 *   ∂E/∂w_rec = (y − t) · Σ_k s_{k−1} · w_rec^(3−k)
 *   ∂E/∂b     = (y − t) · Σ_k w_rec^(3−k)
 *   ∂E/∂W_head = (y − t) · s_3,   ∂E/∂b_head = (y − t)
 * </pre>
 * A second test does the same for a 3-input, 4-state vector RNN, with the chain rule written out as matrix products.
 */
@Tag("every-spark-line")
class LinearRnnChainRuleTest {

    @Test
    void scalarLinearRnnMatchesTheHandDerivedGradient() {
        NetworkSpec spec = new NetworkSpec(1, List.of(LayerSpec.rnn(1, Activation.IDENTITY)), 1, Loss.SUM_HALF_SQUARED);
        ParameterLayout layout = new ParameterLayout(spec);
        double wx = 0.7, wRec = 1.3, target = 2.0;
        double[] x = {1.0, 0.5, -0.25};
        double[] params = new double[layout.size()];
        params[layout.layer(0).inputWeights().offset()] = wx;
        params[layout.layer(0).recurrentWeights().offset()] = wRec;
        params[layout.headWeight().offset()] = 1.0;

        double[] s = new double[4];
        for (int k = 1; k <= 3; k++) {
            s[k] = wRec * s[k - 1] + wx * x[k - 1];
        }
        double y = s[3];
        assertEquals(wx * (x[0] * wRec * wRec + x[1] * wRec + x[2]), y, 1e-15, "unrolled output");
        double err = y - target;
        double dWx = 0, dWrec = 0, dB = 0;
        for (int k = 1; k <= 3; k++) {
            double power = Math.pow(wRec, 3 - k);
            dWx += x[k - 1] * power;
            dWrec += s[k - 1] * power;
            dB += power;
        }

        SequenceBatch batch = SequenceBatch.builder(1, LabelShape.PER_SEQUENCE, LabelKind.VALUES, 1)
                .add(new double[][] {{x[0]}, {x[1]}, {x[2]}}, new double[] {target}).build();
        for (Precision precision : Precision.values()) {
            double tol = precision == Precision.FLOAT64 ? 1e-12 : 1e-5;
            GradientAccumulator acc = new GradientAccumulator();
            NetworkKernel.create(spec, precision).accumulate(params, batch, acc);
            double[] g = acc.gradient();
            assertEquals(0.5 * err * err, acc.lossSum(), tol, "E");
            assertEquals(err * dWx, g[layout.layer(0).inputWeights().offset()], tol, "dE/dw_x");
            assertEquals(err * dWrec, g[layout.layer(0).recurrentWeights().offset()], tol, "dE/dw_rec");
            assertEquals(err * dB, g[layout.layer(0).bias().offset()], tol, "dE/db");
            assertEquals(err * s[3], g[layout.headWeight().offset()], tol, "dE/dW_head");
            assertEquals(err, g[layout.headBias().offset()], tol, "dE/db_head");
        }
    }

    @Test
    void vectorLinearRnnMatchesTheChainRuleInMatrixForm() {
        int in = 3, h = 4, steps = 3;
        NetworkSpec spec = new NetworkSpec(in, List.of(LayerSpec.rnn(h, Activation.IDENTITY)), 2, Loss.SUM_HALF_SQUARED);
        ParameterLayout layout = new ParameterLayout(spec);
        double[] params = org.sparkrnn.testing.RandomBatches.params(layout.size(), 0.5, 7);
        double[][] w = matrix(params, layout.layer(0).inputWeights().offset(), h, in);
        double[][] u = matrix(params, layout.layer(0).recurrentWeights().offset(), h, h);
        double[] b = java.util.Arrays.copyOfRange(params, layout.layer(0).bias().offset(), layout.layer(0).bias().end());
        double[][] v = matrix(params, layout.headWeight().offset(), 2, h);
        double[] c = java.util.Arrays.copyOfRange(params, layout.headBias().offset(), layout.headBias().end());
        double[][] x = {{1.0, -2.0, 0.5}, {0.3, 0.1, -0.7}, {-1.1, 0.4, 0.9}};
        double[] target = {0.25, -0.5};

        // forward: s_t = W x_t + U s_{t−1} + b
        double[][] s = new double[steps + 1][h];
        for (int t = 1; t <= steps; t++) {
            s[t] = add(add(mul(w, x[t - 1]), mul(u, s[t - 1])), b);
        }
        double[] dy = add(add(mul(v, s[steps]), c), scale(target, -1));
        // backward: δ_3 = Vᵀ dy, δ_{t−1} = Uᵀ δ_t; dW = Σ δ_t x_tᵀ, dU = Σ δ_t s_{t−1}ᵀ, db = Σ δ_t
        double[][] dW = new double[h][in], dU = new double[h][h];
        double[] dB = new double[h];
        double[] delta = mul(transpose(v), dy);
        for (int t = steps; t >= 1; t--) {
            addOuter(dW, delta, x[t - 1]);
            addOuter(dU, delta, s[t - 1]);
            dB = add(dB, delta);
            delta = mul(transpose(u), delta);
        }

        SequenceBatch batch = SequenceBatch.builder(in, LabelShape.PER_SEQUENCE, LabelKind.VALUES, 2)
                .add(x, target).build();
        GradientAccumulator acc = new GradientAccumulator();
        NetworkKernel.create(spec, Precision.FLOAT64).accumulate(params, batch, acc);
        double[] g = acc.gradient();
        assertEquals(0.5 * (dy[0] * dy[0] + dy[1] * dy[1]), acc.lossSum(), 1e-12);
        assertMatrix(dW, g, layout.layer(0).inputWeights().offset(), "dW");
        assertMatrix(dU, g, layout.layer(0).recurrentWeights().offset(), "dU");
        assertMatrix(new double[][] {dB}, g, layout.layer(0).bias().offset(), "db");
        double[][] dV = new double[2][h];
        addOuter(dV, dy, s[steps]);
        assertMatrix(dV, g, layout.headWeight().offset(), "dV");
        assertMatrix(new double[][] {dy}, g, layout.headBias().offset(), "dc");
    }

    private static double[][] matrix(double[] p, int offset, int rows, int cols) {
        double[][] m = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(p, offset + r * cols, m[r], 0, cols);
        }
        return m;
    }

    private static double[] mul(double[][] m, double[] x) {
        double[] y = new double[m.length];
        for (int r = 0; r < m.length; r++) {
            for (int j = 0; j < x.length; j++) {
                y[r] += m[r][j] * x[j];
            }
        }
        return y;
    }

    private static double[] add(double[] a, double[] b) {
        double[] y = new double[a.length];
        for (int j = 0; j < a.length; j++) {
            y[j] = a[j] + b[j];
        }
        return y;
    }

    private static double[] scale(double[] a, double s) {
        double[] y = new double[a.length];
        for (int j = 0; j < a.length; j++) {
            y[j] = a[j] * s;
        }
        return y;
    }

    private static double[][] transpose(double[][] m) {
        double[][] t = new double[m[0].length][m.length];
        for (int r = 0; r < m.length; r++) {
            for (int j = 0; j < m[0].length; j++) {
                t[j][r] = m[r][j];
            }
        }
        return t;
    }

    private static void addOuter(double[][] into, double[] a, double[] b) {
        for (int r = 0; r < a.length; r++) {
            for (int j = 0; j < b.length; j++) {
                into[r][j] += a[r] * b[j];
            }
        }
    }

    private static void assertMatrix(double[][] expected, double[] flat, int offset, String name) {
        int cols = expected[0].length;
        for (int r = 0; r < expected.length; r++) {
            for (int j = 0; j < cols; j++) {
                assertEquals(expected[r][j], flat[offset + r * cols + j], 1e-12, name + "[" + r + "," + j + "]");
            }
        }
    }
}
