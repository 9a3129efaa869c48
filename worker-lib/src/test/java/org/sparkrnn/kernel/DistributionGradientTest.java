package org.sparkrnn.kernel;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparkrnn.aggregate.GradientAccumulator;
import org.sparkrnn.data.LabelKind;
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
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The probabilistic losses through whole networks: central-difference gradient checks in float64 over every
 * parameter for the fast kernel and the reference (quantiles, with and without the decoder; Gaussian, Student-t and
 * negative binomial heads, per window and per step, the counts with their windows' label scales), the fast kernel
 * equal to the reference, float32 close to float64, and halves of a batch adding up to the whole.
 */
@Tag("every-spark-line")
class DistributionGradientTest {

    private static final int[] LENGTHS = {4, 2, 5, 3};
    private static final double[] SCALES = {1.0, 2.5, 0.5, 4.0};

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("quantile 0.1,0.5,0.9, lstm", spec(Loss.QUANTILE, List.of(0.1, 0.5, 0.9), 1, null),
                        LabelShape.PER_SEQUENCE),
                Arguments.of("quantile 0.05,0.5,0.95, decoder of 3 steps", spec(Loss.QUANTILE,
                        List.of(0.05, 0.5, 0.95), 3, new Decoder(4, 3, List.of(1))), LabelShape.PER_SEQUENCE),
                Arguments.of("gaussian, 2 values", spec(Loss.GAUSSIAN, List.of(), 2, null), LabelShape.PER_SEQUENCE),
                Arguments.of("gaussian, per step", spec(Loss.GAUSSIAN, List.of(), 1, null), LabelShape.PER_STEP),
                Arguments.of("student-t", spec(Loss.STUDENT_T, List.of(), 1, null), LabelShape.PER_SEQUENCE),
                Arguments.of("student-t, decoder of 2 steps", spec(Loss.STUDENT_T, List.of(), 2,
                        new Decoder(3, 2, List.of(0, 2))), LabelShape.PER_SEQUENCE),
                Arguments.of("negative binomial, scaled windows", spec(Loss.NEGATIVE_BINOMIAL, List.of(), 1, null),
                        LabelShape.PER_SEQUENCE),
                Arguments.of("negative binomial, per step", spec(Loss.NEGATIVE_BINOMIAL, List.of(), 1, null),
                        LabelShape.PER_STEP));
    }

    private static NetworkSpec spec(Loss loss, List<Double> levels, int values, Decoder decoder) {
        return new NetworkSpec(3, List.of(LayerSpec.lstm(3), LayerSpec.gru(3)), values, loss, false, 0,
                Pooling.LAST, decoder, levels);
    }

    /** Random windows; a negative binomial's labels are counts (in the model's units: count / scale). */
    static SequenceBatch batch(NetworkSpec spec, LabelShape shape, long seed) {
        NetworkSpec valued = new NetworkSpec(spec.inputSize(), spec.layers(), spec.outputSize(), Loss.MSE, false, 0,
                Pooling.LAST, spec.decoder());
        SequenceBatch batch = RandomBatches.of(valued, LENGTHS, shape, 0.3, seed);
        if (spec.loss() != Loss.NEGATIVE_BINOMIAL) {
            return batch;
        }
        SplittableRandom random = new SplittableRandom(seed + 1);
        double[] values = batch.values().clone();
        for (int b = 0; b < batch.size(); b++) {
            for (int t = 0; t < batch.length(b); t++) {
                if (batch.isLabelled(b, t)) {
                    int row = batch.labelRow(b, t);
                    for (int j = 0; j < spec.outputSize(); j++) {
                        values[row * spec.outputSize() + j] = random.nextInt(12) / SCALES[b];
                    }
                }
            }
        }
        SequenceBatch counts = new SequenceBatch(batch.inputSize(), lengths(batch), batch.features(), null,
                batch.labelShape(), LabelKind.VALUES, batch.labelWidth(), values, null, batch.labelledMask(),
                batch.futureSteps(), batch.future());
        return counts.withLabelScales(SCALES.clone());
    }

    private static int[] lengths(SequenceBatch batch) {
        int[] lengths = new int[batch.size()];
        for (int b = 0; b < lengths.length; b++) {
            lengths[b] = batch.length(b);
        }
        return lengths;
    }

    private static OutputMode mode(LabelShape shape) {
        return shape == LabelShape.PER_STEP ? OutputMode.EVERY_STEP : OutputMode.LAST_STEP;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void fastKernelGradientMatchesCentralDifferences(String name, NetworkSpec spec, LabelShape shape) {
        SequenceBatch batch = batch(spec, shape, 131);
        double[] params = RandomBatches.params(new ParameterLayout(spec).size(), 0.6, 132);
        Gradients.check(NetworkKernel.create(spec, Precision.FLOAT64), params, batch);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void referenceGradientMatchesCentralDifferences(String name, NetworkSpec spec, LabelShape shape) {
        SequenceBatch batch = batch(spec, shape, 41);
        double[] params = RandomBatches.params(new ParameterLayout(spec).size(), 0.6, 42);
        Gradients.check(new ReferenceNetwork(spec, 0), params, batch);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void fastKernelEqualsTheReferenceAndFloat32StaysClose(String name, NetworkSpec spec, LabelShape shape) {
        SequenceBatch batch = batch(spec, shape, 51);
        double[] params = RandomBatches.params(new ParameterLayout(spec).size(), 0.6, 52);
        NetworkKernel fast = NetworkKernel.create(spec, Precision.FLOAT64);
        ReferenceNetwork reference = new ReferenceNetwork(spec, 0);
        double[] y = fast.forward(params, batch, mode(shape), null).outputs();
        assertEquals(spec.headWidth() * (shape == LabelShape.PER_STEP ? batch.totalSteps() : batch.size()),
                y.length, "the head's raw outputs");
        Gradients.assertAllClose(reference.forward(params, batch, mode(shape), null).outputs(), y, 1e-12,
                "forward");
        GradientAccumulator whole = Gradients.accumulate(fast, params, batch);
        GradientAccumulator ref = Gradients.accumulate(reference, params, batch);
        Gradients.assertAllClose(ref.gradient(), whole.gradient(), 1e-12, "gradient");
        assertEquals(ref.lossSum(), whole.lossSum(), 1e-12);
        assertEquals(ref.count(), whole.count());
        GradientAccumulator single = Gradients.accumulate(NetworkKernel.create(spec, Precision.FLOAT32), params,
                batch);
        assertEquals(whole.lossSum(), single.lossSum(), 1e-4 * Math.max(1, Math.abs(whole.lossSum())), "float32");

        GradientAccumulator halves = Gradients.accumulate(fast, params, batch.select(0, 1)
                .withLabelScales(new double[] {SCALES[0], SCALES[1]}));
        halves.merge(Gradients.accumulate(fast, params, batch.select(2, 3)
                .withLabelScales(new double[] {SCALES[2], SCALES[3]})));
        Gradients.assertAllClose(whole.gradient(), halves.gradient(), 1e-12, "halves");
        assertEquals(whole.lossSum(), halves.lossSum(), 1e-12);
    }

    @Test
    void theLabelScalesChangeOnlyTheNegativeBinomial() {
        for (Loss loss : new Loss[] {Loss.GAUSSIAN, Loss.NEGATIVE_BINOMIAL}) {
            NetworkSpec spec = spec(loss, List.of(), 1, null);
            SequenceBatch batch = batch(spec, LabelShape.PER_SEQUENCE, 61);
            double[] params = RandomBatches.params(new ParameterLayout(spec).size(), 0.6, 62);
            NetworkKernel kernel = NetworkKernel.create(spec, Precision.FLOAT64);
            double scaled = Gradients.accumulate(kernel, params, batch).lossSum();
            double unscaled = Gradients.accumulate(kernel, params, batch.withLabelScales(null)).lossSum();
            assertTrue(loss == Loss.GAUSSIAN ? scaled == unscaled : scaled != unscaled, loss.cliName());
        }
    }

    @Test
    void aNegativeCountAndAQuantileLossWithoutLevelsAreRefused() {
        NetworkSpec spec = spec(Loss.NEGATIVE_BINOMIAL, List.of(), 1, null);
        NetworkSpec gaussian = spec(Loss.GAUSSIAN, List.of(), 1, null);
        SequenceBatch negative = batch(gaussian, LabelShape.PER_SEQUENCE, 71); // values in (-1, 1)
        double[] params = RandomBatches.params(new ParameterLayout(spec).size(), 0.6, 72);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gradients.accumulate(NetworkKernel.create(spec, Precision.FLOAT64), params, negative));
        assertTrue(e.getMessage().contains("is negative"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> spec(Loss.QUANTILE, List.of(), 1, null));
        assertThrows(IllegalArgumentException.class, () -> spec(Loss.GAUSSIAN, List.of(0.5), 1, null));
        assertThrows(IllegalArgumentException.class, () -> spec(Loss.QUANTILE, List.of(0.5, 0.1), 1, null));
    }
}
