package org.sparkrnn.kernel;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sparkrnn.aggregate.GradientAccumulator;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.model.Activation;
import org.sparkrnn.model.LayerSpec;
import org.sparkrnn.model.Loss;
import org.sparkrnn.model.NetworkSpec;
import org.sparkrnn.model.ParameterLayout;
import org.sparkrnn.testing.Gradients;
import org.sparkrnn.testing.RandomBatches;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SIMD cell loops (Vector API) against the scalar loops they replace, in both precisions, with hidden sizes that
 * leave a scalar tail after the last full vector. The test JVM runs with the Vector API module, so this compares two
 * different code paths, never one with itself.
 */
@Tag("every-spark-line")
class VectorLoopsTest {

    @Test
    void theVectorApiIsInTheTestJvm() {
        assertTrue(VectorSupport.AVAILABLE, "run the tests with --add-modules=jdk.incubator.vector (see the pom)");
    }

    @Test
    void simdLoopsComputeWhatTheScalarLoopsCompute() {
        for (int h : new int[] {16, 37, 64}) {
            NetworkSpec spec = new NetworkSpec(5, List.of(LayerSpec.lstm(h), LayerSpec.rnn(h + 3, Activation.TANH),
                    LayerSpec.gru(h + 1)), 3, Loss.CROSS_ENTROPY);
            SequenceBatch batch = RandomBatches.of(spec, new int[] {7, 3, 9, 1}, LabelShape.PER_STEP, 0.2, h);
            double[] params = RandomBatches.params(new ParameterLayout(spec).size(), 0.4, h);
            compare(new PrecisionKernel<>(spec, DoubleNumerics.SCALAR, 0),
                    new PrecisionKernel<>(spec, DoubleNumerics.INSTANCE, 0), params, batch, 1e-12);
            compare(new PrecisionKernel<>(spec, FloatNumerics.SCALAR, 0),
                    new PrecisionKernel<>(spec, FloatNumerics.INSTANCE, 0), params, batch, 2e-5);
        }
    }

    private static void compare(NetworkKernel scalar, NetworkKernel simd, double[] params, SequenceBatch batch,
                                double tolerance) {
        GradientAccumulator a = Gradients.accumulate(scalar, params, batch);
        GradientAccumulator b = Gradients.accumulate(simd, params, batch);
        assertEquals(a.lossSum(), b.lossSum(), tolerance * Math.abs(a.lossSum()));
        double error = Gradients.relativeError(b.gradient(), a.gradient());
        assertTrue(error < tolerance, scalar.precision() + " gradient relative error " + error);
        double outputs = Gradients.relativeError(simd.forward(params, batch, OutputMode.EVERY_STEP, null).outputs(),
                scalar.forward(params, batch, OutputMode.EVERY_STEP, null).outputs());
        assertTrue(outputs < tolerance, scalar.precision() + " outputs relative error " + outputs);
    }

    /**
     * The SIMD exp is built from basic IEEE operations only, so its value is fixed to the bit whether the JIT has
     * compiled the loop or the Vector API's Java fallback runs it (the JDK's own vector EXP and TANH differ between
     * the two, which made weights depend on JIT timing): the same steps in scalar code give the same bits; and it is
     * within 2 ulp of Math.exp over the range the cells use, saturating at both ends, NaN staying NaN.
     */
    @Test
    void simdExpIsExactlyItsScalarStepsAndCloseToMathExp() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        jdk.incubator.vector.VectorSpecies<Double> species = jdk.incubator.vector.DoubleVector.SPECIES_PREFERRED;
        jdk.incubator.vector.VectorSpecies<Float> floats = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;
        double[] x = new double[species.length()];
        float[] xf = new float[floats.length()];
        double worst = 0;
        double worstFloat = 0;
        for (int round = 0; round < 20_000; round++) {
            for (int j = 0; j < x.length; j++) {
                x[j] = (random.nextDouble() * 2 - 1) * (round % 3 == 0 ? 700 : round % 3 == 1 ? 20 : 1);
            }
            for (int j = 0; j < xf.length; j++) {
                xf[j] = (float) ((random.nextDouble() * 2 - 1) * (round % 2 == 0 ? 85 : 10));
            }
            double[] y = VectorLoopsDouble.exp(jdk.incubator.vector.DoubleVector.fromArray(species, x, 0)).toArray();
            float[] yf = VectorLoopsFloat.exp(jdk.incubator.vector.FloatVector.fromArray(floats, xf, 0)).toArray();
            for (int j = 0; j < x.length; j++) {
                assertEquals(Double.doubleToRawLongBits(scalarExp(x[j])), Double.doubleToRawLongBits(y[j]),
                        "exp(" + x[j] + ")");
                worst = Math.max(worst, Math.abs(y[j] / Math.exp(x[j]) - 1));
            }
            for (int j = 0; j < xf.length; j++) {
                worstFloat = Math.max(worstFloat, Math.abs(yf[j] / Math.exp(xf[j]) - 1));
            }
        }
        assertTrue(worst <= 4.5e-16, "double: largest relative error " + worst);
        assertTrue(worstFloat <= 2.4e-7, "float: largest relative error " + worstFloat);
        double[] edges = new double[species.length()];
        java.util.Arrays.fill(edges, Double.NaN);
        edges[0] = -1e6;
        if (edges.length > 2) {
            edges[1] = 1e6;
        }
        double[] out = VectorLoopsDouble.exp(jdk.incubator.vector.DoubleVector.fromArray(species, edges, 0)).toArray();
        assertTrue(out[0] < 1e-300 && out[0] >= 0, "saturates low: " + out[0]);
        if (edges.length > 2) {
            assertTrue(out[1] > 1e307 && Double.isFinite(out[1]), "saturates high: " + out[1]);
            assertTrue(Double.isNaN(out[2]), "NaN stays NaN");
        }
    }

    /** VectorLoopsDouble.exp's steps, one lane, in scalar IEEE arithmetic. */
    private static double scalarExp(double x) {
        double clamped = Math.min(Math.max(x, -708.0), 709.0);
        double shifted = clamped * 1.4426950408889634 + 0x1.8p52;
        double k = shifted - 0x1.8p52;
        double r = Math.fma(k, -6.93147180369123816490e-01, clamped) + k * -1.90821492927058770002e-10;
        double[] taylor = new double[14];
        double factorial = 1;
        for (int n = 0; n < 14; n++) {
            factorial *= Math.max(n, 1);
            taylor[n] = 1.0 / factorial;
        }
        double p = taylor[13];
        for (int n = 12; n >= 0; n--) {
            p = Math.fma(p, r, taylor[n]);
        }
        long bits = (Double.doubleToRawLongBits(shifted) - (Double.doubleToRawLongBits(0x1.8p52) - 1023)) << 52;
        return p * Double.longBitsToDouble(bits);
    }
}
