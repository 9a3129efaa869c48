package org.sparkrnn.kernel;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparkrnn.aggregate.GradientAccumulator;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.model.Decoder;
import org.sparkrnn.model.LayerSpec;
import org.sparkrnn.model.Loss;
import org.sparkrnn.model.NetworkSpec;
import org.sparkrnn.model.ParameterLayout;
import org.sparkrnn.model.Pooling;
import org.sparkrnn.reference.ReferenceNetwork;
import org.sparkrnn.testing.Gradients;
import org.sparkrnn.testing.RandomBatches;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The forecast decoder (a shared MLP per predicted step on the encoder's state and that step's known inputs):
 * central-difference gradient checks in float64 over every parameter, for the fast kernel and the reference, across
 * cells, stacking, bidirectional layers, pooling, several outputs per step, no known input, and one step; the fast
 * kernel equals the reference (forward and gradient), float32 stays close to float64, and splitting a batch adds up
 * to the whole.
 */
@Tag("every-spark-line")
class DecoderGradientTest {

    private static final int[] LENGTHS = {4, 2, 5, 3};

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("lstm, 3 steps, 2 known", spec(List.of(LayerSpec.lstm(4)), false, Pooling.LAST, 3, 1,
                        List.of(1, 2), 5)),
                Arguments.of("gru, 2 steps of 2 values, statics and known", spec(List.of(LayerSpec.gru(3)), false,
                        Pooling.LAST, 2, 2, List.of(2, 0, 1), 4)),
                Arguments.of("2 layers, no known input", spec(List.of(LayerSpec.lstm(3), LayerSpec.gru(4)), false,
                        Pooling.LAST, 3, 1, List.of(), 3)),
                Arguments.of("bidirectional, mean pooling", spec(List.of(LayerSpec.lstm(3)), true, Pooling.MEAN, 2, 1,
                        List.of(1), 4)),
                Arguments.of("one step", spec(List.of(LayerSpec.lstm(3)), false, Pooling.LAST, 1, 1, List.of(2), 6)));
    }

    private static NetworkSpec spec(List<LayerSpec> layers, boolean bidirectional, Pooling pooling, int steps,
                                    int perStep, List<Integer> known, int units) {
        return new NetworkSpec(3, layers, steps * perStep, Loss.MSE, bidirectional, 0, pooling,
                new Decoder(units, steps, known));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void fastKernelGradientMatchesCentralDifferences(String name, NetworkSpec spec) {
        SequenceBatch batch = RandomBatches.of(spec, LENGTHS, LabelShape.PER_SEQUENCE, 0, 31);
        double[] params = RandomBatches.params(new ParameterLayout(spec).size(), 0.6, 32);
        Gradients.check(NetworkKernel.create(spec, Precision.FLOAT64), params, batch);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void referenceGradientMatchesCentralDifferences(String name, NetworkSpec spec) {
        SequenceBatch batch = RandomBatches.of(spec, LENGTHS, LabelShape.PER_SEQUENCE, 0, 41);
        double[] params = RandomBatches.params(new ParameterLayout(spec).size(), 0.6, 42);
        Gradients.check(new ReferenceNetwork(spec, 0), params, batch);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void fastKernelEqualsTheReferenceAndFloat32StaysClose(String name, NetworkSpec spec) {
        SequenceBatch batch = RandomBatches.of(spec, LENGTHS, LabelShape.PER_SEQUENCE, 0, 51);
        double[] params = RandomBatches.params(new ParameterLayout(spec).size(), 0.6, 52);
        NetworkKernel fast = NetworkKernel.create(spec, Precision.FLOAT64);
        ReferenceNetwork reference = new ReferenceNetwork(spec, 0);
        double[] y = fast.forward(params, batch, OutputMode.LAST_STEP, null).outputs();
        Gradients.assertAllClose(reference.forward(params, batch, OutputMode.LAST_STEP, null).outputs(), y, 1e-12,
                "forward");
        Gradients.assertAllClose(Gradients.accumulate(reference, params, batch).gradient(),
                Gradients.accumulate(fast, params, batch).gradient(), 1e-12, "gradient");
        double[] y32 = NetworkKernel.create(spec, Precision.FLOAT32).forward(params, batch, OutputMode.LAST_STEP, null)
                .outputs();
        Gradients.assertAllClose(y, y32, 1e-5, "float32 forward");

        // two halves add up to the whole, as the cluster's partitions do
        GradientAccumulator whole = Gradients.accumulate(fast, params, batch);
        GradientAccumulator halves = Gradients.accumulate(fast, params, batch.select(0, 1));
        halves.merge(Gradients.accumulate(fast, params, batch.select(2, 3)));
        Gradients.assertAllClose(whole.gradient(), halves.gradient(), 1e-12, "halves");
        assertEquals(whole.lossSum(), halves.lossSum(), 1e-12);
    }

    @Test
    void theDecoderReadsEachStepsKnownInputs() {
        NetworkSpec spec = spec(List.of(LayerSpec.lstm(3)), false, Pooling.LAST, 3, 1, List.of(1), 4);
        SequenceBatch batch = RandomBatches.of(spec, LENGTHS, LabelShape.PER_SEQUENCE, 0, 61);
        double[] params = RandomBatches.params(new ParameterLayout(spec).size(), 0.6, 62);
        NetworkKernel kernel = NetworkKernel.create(spec, Precision.FLOAT64);
        double[] before = kernel.forward(params, batch, OutputMode.LAST_STEP, null).outputs();
        double[] future = batch.future().clone();
        future[(2 * 3 + 1) * 3 + 1] += 0.5; // sequence 2, step 1, known feature 1
        future[(0 * 3 + 2) * 3] += 0.5;     // sequence 0, step 2, feature 0: not read
        double[] after = kernel.forward(params, batch.withFuture(3, future), OutputMode.LAST_STEP, null).outputs();
        for (int j = 0; j < before.length; j++) {
            if (j == 2 * 3 + 1) {
                assertTrue(before[j] != after[j], "the changed known input moves its step");
            } else {
                assertEquals(before[j], after[j], 0.0, "output " + j);
            }
        }
    }

    @Test
    void aBatchWithoutFutureRowsOrWithPerStepLabelsIsRefused() {
        NetworkSpec spec = spec(List.of(LayerSpec.lstm(3)), false, Pooling.LAST, 2, 1, List.of(1), 4);
        NetworkSpec plain = new NetworkSpec(3, List.of(LayerSpec.lstm(3)), 2, Loss.MSE);
        SequenceBatch noFuture = RandomBatches.of(plain, LENGTHS, LabelShape.PER_SEQUENCE, 0, 71);
        double[] params = RandomBatches.params(new ParameterLayout(spec).size(), 0.6, 72);
        NetworkKernel kernel = NetworkKernel.create(spec, Precision.FLOAT64);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> kernel.forward(params, noFuture, OutputMode.LAST_STEP, null));
        assertTrue(e.getMessage().contains("reads 2 future rows per sequence, the batch has 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new NetworkSpec(3, List.of(LayerSpec.lstm(3)), 3, Loss.MSE,
                false, 0, Pooling.LAST, new Decoder(4, 2, List.of())), "3 outputs are not 2 steps");
        assertThrows(IllegalArgumentException.class, () -> new NetworkSpec(3, List.of(LayerSpec.lstm(3)), 2, Loss.MSE,
                false, 0, Pooling.LAST, new Decoder(4, 2, List.of(3))), "feature 3 of 3 inputs");
    }
}
