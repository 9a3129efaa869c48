package org.sparkrnn.kernel;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sparkrnn.aggregate.GradientAccumulator;
import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.model.LayerSpec;
import org.sparkrnn.model.Loss;
import org.sparkrnn.model.NetworkSpec;
import org.sparkrnn.model.ParameterLayout;
import org.sparkrnn.reference.ReferenceNetwork;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The golden example of ../shared/reference/gomez-lstm-example.md (one LSTM cell, I = 2, H = 1, two steps, E = Σ ½
 * (out − y)²). The example has no output layer; a 1 × 1 identity head (weight 1, bias 0) makes the head's output the
 * cell's output, so every value below is the example's own. Values are given to 6 decimals.
 */
@Tag("every-spark-line")
class GomezGoldenTest {

    private static final double TOL = 1e-6;
    private static final NetworkSpec SPEC =
            new NetworkSpec(2, List.of(LayerSpec.lstm(1)), 1, Loss.SUM_HALF_SQUARED);
    private static final ParameterLayout LAYOUT = new ParameterLayout(SPEC);

    // Gomez's names: a = PyTorch's g. Stored in PyTorch gate order i, f, g, o.
    private static final double[] W_A = {0.45, 0.25}, W_I = {0.95, 0.80}, W_F = {0.70, 0.45}, W_O = {0.60, 0.40};
    private static final double U_A = 0.15, U_I = 0.80, U_F = 0.10, U_O = 0.25;
    private static final double B_A = 0.20, B_I = 0.65, B_F = 0.15, B_O = 0.10;

    static double[] gomezParams() {
        double[] p = new double[LAYOUT.size()];
        int wih = LAYOUT.layer(0).inputWeights().offset();
        int whh = LAYOUT.layer(0).recurrentWeights().offset();
        int bias = LAYOUT.layer(0).bias().offset();
        double[][] w = {W_I, W_F, W_A, W_O};
        double[] u = {U_I, U_F, U_A, U_O};
        double[] b = {B_I, B_F, B_A, B_O};
        for (int gate = 0; gate < 4; gate++) {
            p[wih + 2 * gate] = w[gate][0];
            p[wih + 2 * gate + 1] = w[gate][1];
            p[whh + gate] = u[gate];
            p[bias + gate] = b[gate];
        }
        p[LAYOUT.headWeight().offset()] = 1.0;
        p[LAYOUT.headBias().offset()] = 0.0;
        return p;
    }

    static SequenceBatch gomezBatch() {
        return SequenceBatch.builder(2, LabelShape.PER_STEP, LabelKind.VALUES, 1)
                .addPerStep(new double[][] {{1.0, 2.0}, {0.5, 3.0}}, new double[][] {{0.50}, {1.25}})
                .build();
    }

    @Test
    void forwardValuesMatchTheExample() {
        for (Precision precision : Precision.values()) {
            PrecisionKernel<?> kernel = (PrecisionKernel<?>) NetworkKernel.create(SPEC, precision);
            ForwardResult result = kernel.forward(gomezParams(), gomezBatch(), OutputMode.EVERY_STEP, null);
            double[] gates = kernel.gateBuffer(0, 2); // rows t = 0, 1; columns i, f, g(=a), o
            double tol = precision == Precision.FLOAT64 ? TOL : 2e-6;
            // t = 0: a=0.817754 i=0.960834 f=0.851953 o=0.817574 out=0.536313
            assertEquals(0.960834, gates[0], tol, "i_0");
            assertEquals(0.851953, gates[1], tol, "f_0");
            assertEquals(0.817754, gates[2], tol, "a_0");
            assertEquals(0.817574, gates[3], tol, "o_0");
            assertEquals(0.536313, result.output(0, 0), tol, "out_0");
            // t = 1: a=0.849804 i=0.981184 f=0.870302 o=0.849933 state=1.517633 out=0.771981
            assertEquals(0.981184, gates[4], tol, "i_1");
            assertEquals(0.870302, gates[5], tol, "f_1");
            assertEquals(0.849804, gates[6], tol, "a_1");
            assertEquals(0.849933, gates[7], tol, "o_1");
            assertEquals(0.771981, result.output(1, 0), tol, "out_1");
            assertEquals(1.517633, result.finalState().c(0)[0], tol, "state_1");
            assertEquals(0.771981, result.finalState().h(0)[0], tol, "final h");
            // state_0 is the final state of the one-step prefix
            SequenceBatch firstStep = SequenceBatch.builder(2, LabelShape.PER_STEP, LabelKind.VALUES, 1)
                    .addPerStep(new double[][] {{1.0, 2.0}}, new double[][] {{0.50}}).build();
            ForwardResult prefix = kernel.forward(gomezParams(), firstStep, OutputMode.LAST_STEP, null);
            assertEquals(0.785726, prefix.finalState().c(0)[0], tol, "state_0");
        }
    }

    @Test
    void lossAndBackwardValuesMatchTheExample() {
        PrecisionKernel<?> kernel = (PrecisionKernel<?>) NetworkKernel.create(SPEC, Precision.FLOAT64);
        double[] params = gomezParams();
        GradientAccumulator acc = new GradientAccumulator();
        kernel.accumulate(params, gomezBatch(), acc);
        assertEquals(0.11491036, acc.lossSum(), 1e-8, "E");
        assertEquals(2, acc.count());

        // gate gradients per step, left in the gate buffer by BPTT: δi, δf, δa, δo
        double[] d = kernel.gateBuffer(0, 2);
        assertEquals(-0.001646, d[0], TOL, "δi_0");
        assertEquals(0.000000, d[1], TOL, "δf_0");
        assertEquals(-0.017024, d[2], TOL, "δa_0");
        assertEquals(0.001765, d[3], TOL, "δo_0");
        assertEquals(-0.001116, d[4], TOL, "δi_1");
        assertEquals(-0.006307, d[5], TOL, "δf_1");
        assertEquals(-0.019384, d[6], TOL, "δa_1");
        assertEquals(-0.055378, d[7], TOL, "δo_1");

        // Δout and δstate follow from the gate gradients and forward values: δo = Δout·tanh(state)·o(1−o),
        // δa = δstate·i·(1−a²). Checking them pins down the two quantities the example is about.
        double[] act = forwardGates(kernel, params);
        double[] state = {0.785726, 1.517633};
        for (int t = 0; t < 2; t++) {
            double i = act[4 * t], a = act[4 * t + 2], o = act[4 * t + 3];
            double dOut = d[4 * t + 3] / (Math.tanh(state[t]) * o * (1 - o));
            double dState = d[4 * t + 2] / (i * (1 - a * a));
            assertEquals(t == 0 ? 0.018038 : -0.478019, dOut, 2e-6, "Δout_" + t);
            assertEquals(t == 0 ? -0.053484 : -0.071108, dState, 2e-6, "δstate_" + t);
        }

        double[] g = acc.gradient();
        assertGateGradients(g, 0, new double[] {-0.002204, -0.006639}, -0.000598, -0.002761); // i
        assertGateGradients(g, 1, new double[] {-0.003153, -0.018920}, -0.003382, -0.006307); // f
        assertGateGradients(g, 2, new double[] {-0.026716, -0.092201}, -0.010396, -0.036408); // a
        assertGateGradients(g, 3, new double[] {-0.025924, -0.162604}, -0.029700, -0.053613); // o
    }

    @Test
    void oneSgdStepMatchesTheExample() {
        for (NetworkKernel kernel : List.of(NetworkKernel.create(SPEC, Precision.FLOAT64),
                new ReferenceNetwork(SPEC, 0))) {
            double[] params = gomezParams();
            GradientAccumulator acc = new GradientAccumulator();
            kernel.accumulate(params, gomezBatch(), acc);
            double[] grad = acc.objectiveGradient(SPEC.loss()); // sum-half-squared: the sum itself
            for (int j = 0; j < params.length; j++) {
                params[j] -= 0.1 * grad[j];
            }
            assertGate(params, 0, new double[] {0.950220, 0.800664}, 0.800060, 0.650276); // i
            assertGate(params, 1, new double[] {0.700315, 0.451892}, 0.100338, 0.150631); // f
            assertGate(params, 2, new double[] {0.452672, 0.259220}, 0.151040, 0.203641); // a
            assertGate(params, 3, new double[] {0.602592, 0.416260}, 0.252970, 0.105361); // o
        }
    }

    private static double[] forwardGates(PrecisionKernel<?> kernel, double[] params) {
        kernel.forward(params, gomezBatch(), OutputMode.EVERY_STEP, null);
        return kernel.gateBuffer(0, 2);
    }

    private static void assertGateGradients(double[] g, int gate, double[] dw, double du, double db) {
        assertGate(g, gate, dw, du, db);
    }

    private static void assertGate(double[] p, int gate, double[] w, double u, double b) {
        int wih = LAYOUT.layer(0).inputWeights().offset();
        String name = "ifao".charAt(gate) + "";
        assertEquals(w[0], p[wih + 2 * gate], TOL, "W_" + name + "[0]");
        assertEquals(w[1], p[wih + 2 * gate + 1], TOL, "W_" + name + "[1]");
        assertEquals(u, p[LAYOUT.layer(0).recurrentWeights().offset() + gate], TOL, "U_" + name);
        assertEquals(b, p[LAYOUT.layer(0).bias().offset() + gate], TOL, "b_" + name);
    }
}
