package org.sparkrnn.kernel;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparkrnn.aggregate.GradientAccumulator;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.model.Activation;
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
 * GRU, bidirectional layers, pooling and dropout: central-difference gradient checks in float64 over every parameter
 * (fast kernel and reference, variable lengths, dropout with the fixed masks of seed 0), the fast kernel equal to the
 * reference, a batch equal to its sequences one by one (padding changes nothing: each reverse pass starts at its own
 * sequence's last step), and float32 close to float64.
 */
@Tag("every-spark-line")
class ModelBreadthTest {

    private static final int[] MIXED_LENGTHS = {3, 1, 5, 2, 5};

    private static NetworkSpec spec(List<LayerSpec> layers, Loss loss, int outputs, boolean bidirectional,
                                    double dropout, Pooling pooling) {
        return new NetworkSpec(3, layers, outputs, loss, bidirectional, dropout, pooling);
    }

    static Stream<Arguments> cases() {
        LayerSpec gru4 = LayerSpec.gru(4);
        LayerSpec gru3 = LayerSpec.gru(3);
        LayerSpec lstm3 = LayerSpec.lstm(3);
        LayerSpec tanh4 = LayerSpec.rnn(4, Activation.TANH);
        LabelShape one = LabelShape.PER_SEQUENCE;
        LabelShape each = LabelShape.PER_STEP;
        return Stream.of(
                Arguments.of("gru, mse, many-to-one", spec(List.of(gru4), Loss.MSE, 2, false, 0, Pooling.LAST), one),
                Arguments.of("gru, ce, many-to-many", spec(List.of(gru4), Loss.CROSS_ENTROPY, 3, false, 0, Pooling.LAST), each),
                Arguments.of("2 gru layers, mse, many-to-many", spec(List.of(gru4, gru3), Loss.MSE, 2, false, 0, Pooling.LAST), each),
                Arguments.of("gru over lstm over rnn", spec(List.of(tanh4, lstm3, gru3), Loss.MSE, 1, false, 0, Pooling.LAST), one),
                Arguments.of("bidirectional lstm, many-to-one (h_n)", spec(List.of(lstm3), Loss.MSE, 2, true, 0, Pooling.LAST), one),
                Arguments.of("bidirectional lstm, ce, many-to-many", spec(List.of(lstm3), Loss.CROSS_ENTROPY, 3, true, 0, Pooling.LAST), each),
                Arguments.of("bidirectional rnn, many-to-many", spec(List.of(tanh4), Loss.MSE, 2, true, 0, Pooling.LAST), each),
                Arguments.of("bidirectional rnn, many-to-one", spec(List.of(tanh4), Loss.MSE, 1, true, 0, Pooling.LAST), one),
                Arguments.of("bidirectional 2-layer gru, many-to-one", spec(List.of(gru4, gru3), Loss.MSE, 2, true, 0, Pooling.LAST), one),
                Arguments.of("bidirectional 2-layer gru, many-to-many", spec(List.of(gru3, gru4), Loss.CROSS_ENTROPY, 3, true, 0, Pooling.LAST), each),
                Arguments.of("mean pooling, lstm", spec(List.of(lstm3), Loss.MSE, 2, false, 0, Pooling.MEAN), one),
                Arguments.of("max pooling, gru", spec(List.of(gru4), Loss.CROSS_ENTROPY, 3, false, 0, Pooling.MAX), one),
                Arguments.of("mean pooling, bidirectional gru", spec(List.of(gru3), Loss.MSE, 1, true, 0, Pooling.MEAN), one),
                Arguments.of("max pooling, bidirectional 2-layer lstm", spec(List.of(lstm3, lstm3), Loss.CROSS_ENTROPY, 3, true, 0, Pooling.MAX), one),
                Arguments.of("dropout, 2 lstm layers, many-to-many", spec(List.of(lstm3, lstm3), Loss.MSE, 2, false, 0.3, Pooling.LAST), each),
                Arguments.of("dropout, 3 rnn/gru layers, many-to-one", spec(List.of(tanh4, gru3, gru4), Loss.MSE, 2, false, 0.4, Pooling.LAST), one),
                Arguments.of("dropout, bidirectional 2-layer gru, mean", spec(List.of(gru3, gru3), Loss.CROSS_ENTROPY, 3, true, 0.3, Pooling.MEAN), one));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void fastKernelGradientMatchesCentralDifferences(String name, NetworkSpec spec, LabelShape shape) {
        SequenceBatch batch = RandomBatches.of(spec, MIXED_LENGTHS, shape, 0.3, 11);
        double[] params = RandomBatches.params(new ParameterLayout(spec).size(), 0.6, 12);
        Gradients.check(NetworkKernel.create(spec, Precision.FLOAT64), params, batch);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void referenceGradientMatchesCentralDifferences(String name, NetworkSpec spec, LabelShape shape) {
        SequenceBatch batch = RandomBatches.of(spec, MIXED_LENGTHS, shape, 0.3, 21);
        double[] params = RandomBatches.params(new ParameterLayout(spec).size(), 0.6, 22);
        Gradients.check(new ReferenceNetwork(spec, 0), params, batch);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void fastKernelEqualsTheReferenceAndItsSequencesOneByOne(String name, NetworkSpec spec, LabelShape shape) {
        int[] lengths = {4, 9, 1, 9, 3, 6, 2};
        SequenceBatch batch = RandomBatches.of(spec, lengths, shape, 0.4, 31);
        double[] params = RandomBatches.params(new ParameterLayout(spec).size(), 0.5, 32);
        NetworkKernel kernel = NetworkKernel.create(spec, Precision.FLOAT64);
        for (long seed : new long[] {0, 77}) {
            GradientAccumulator fast = new GradientAccumulator();
            kernel.accumulate(params, batch, null, fast, seed);
            GradientAccumulator reference = new GradientAccumulator();
            new ReferenceNetwork(spec, 0).accumulate(params, batch, null, reference, seed);
            assertEquals(reference.lossSum(), fast.lossSum(), 1e-12 * Math.abs(reference.lossSum()));
            Gradients.assertAllClose(reference.gradient(), fast.gradient(), 1e-12, name + " vs reference");

            GradientAccumulator oneByOne = new GradientAccumulator();
            for (int b = 0; b < batch.size(); b++) {
                kernel.accumulate(params, batch.select(b), null, oneByOne, seed);
            }
            assertEquals(oneByOne.lossSum(), fast.lossSum(), 1e-12 * Math.abs(fast.lossSum()));
            Gradients.assertAllClose(oneByOne.gradient(), fast.gradient(), 1e-12, name + " one by one");
        }
        OutputMode mode = shape == LabelShape.PER_STEP ? OutputMode.EVERY_STEP : OutputMode.LAST_STEP;
        Gradients.assertAllClose(new ReferenceNetwork(spec, 0).forward(params, batch, mode, null).outputs(),
                kernel.forward(params, batch, mode, null).outputs(), 1e-12, name + " forward");

        GradientAccumulator single = new GradientAccumulator();
        NetworkKernel.create(spec, Precision.FLOAT32).accumulate(params, batch, null, single, 77);
        GradientAccumulator twice = new GradientAccumulator();
        kernel.accumulate(params, batch, null, twice, 77);
        assertTrue(Gradients.relativeError(single.gradient(), twice.gradient()) < 1e-4, name + " float32");
    }

    @Test
    void dropoutIsOffInInferenceAndItsMasksFollowTheSeed() {
        NetworkSpec with = spec(List.of(LayerSpec.gru(4), LayerSpec.gru(4)), Loss.MSE, 1, false, 0.5, Pooling.LAST);
        NetworkSpec without = spec(List.of(LayerSpec.gru(4), LayerSpec.gru(4)), Loss.MSE, 1, false, 0, Pooling.LAST);
        SequenceBatch batch = RandomBatches.of(with, MIXED_LENGTHS, LabelShape.PER_SEQUENCE, 0, 5);
        double[] params = RandomBatches.params(new ParameterLayout(with).size(), 0.5, 6);
        NetworkKernel kernel = NetworkKernel.create(with, Precision.FLOAT64);
        Gradients.assertAllClose(NetworkKernel.create(without, Precision.FLOAT64)
                        .forward(params, batch, OutputMode.LAST_STEP, null).outputs(),
                kernel.forward(params, batch, OutputMode.LAST_STEP, null).outputs(), 0, "inference has no dropout");
        double[] losses = new double[3];
        for (int s = 0; s < 3; s++) {
            GradientAccumulator acc = new GradientAccumulator();
            kernel.accumulate(params, batch, null, acc, s == 2 ? 1 : 0);
            losses[s] = acc.lossSum();
        }
        assertEquals(losses[0], losses[1], 0, "the same seed, the same masks");
        assertTrue(losses[0] != losses[2], "another seed, other masks");
        // about half the units dropped, the kept ones scaled by 2
        int dropped = 0;
        int n = 100_000;
        for (int u = 0; u < n; u++) {
            double scale = DropoutMask.scale(3, 4, 0, u / 100, u % 100, 0.5);
            assertTrue(scale == 0 || scale == 2);
            dropped += scale == 0 ? 1 : 0;
        }
        assertEquals(0.5, dropped / (double) n, 0.01);
    }

    @Test
    void wholeSequenceOptionsRefuseTruncationAndCarriedState() {
        NetworkSpec bi = spec(List.of(LayerSpec.gru(3)), Loss.MSE, 1, true, 0, Pooling.LAST);
        assertThrows(IllegalArgumentException.class, () -> NetworkKernel.create(bi, Precision.FLOAT64, 4));
        NetworkSpec mean = spec(List.of(LayerSpec.lstm(3)), Loss.MSE, 1, false, 0, Pooling.MEAN);
        SequenceBatch perStep = RandomBatches.of(mean, MIXED_LENGTHS, LabelShape.PER_STEP, 0, 5);
        double[] params = new double[new ParameterLayout(mean).size()];
        assertThrows(IllegalArgumentException.class, () -> NetworkKernel.create(mean, Precision.FLOAT64)
                .accumulate(params, perStep, new GradientAccumulator()));
    }
}
