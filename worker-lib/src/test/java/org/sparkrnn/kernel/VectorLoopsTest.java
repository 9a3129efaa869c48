package org.sparkrnn.kernel;

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
}
