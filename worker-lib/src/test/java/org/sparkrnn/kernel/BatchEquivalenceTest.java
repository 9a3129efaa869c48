package org.sparkrnn.kernel;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sparkrnn.aggregate.GradientAccumulator;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.model.Activation;
import org.sparkrnn.model.InitOptions;
import org.sparkrnn.model.Initializer;
import org.sparkrnn.model.LayerSpec;
import org.sparkrnn.model.Loss;
import org.sparkrnn.model.NetworkSpec;
import org.sparkrnn.model.ParameterLayout;
import org.sparkrnn.reference.ReferenceNetwork;
import org.sparkrnn.testing.BatchSlices;
import org.sparkrnn.testing.Gradients;
import org.sparkrnn.testing.RandomBatches;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Batching and masking change nothing: batch = sum of its sequences one by one, in any order, in any precision. */
@Tag("every-spark-line")
class BatchEquivalenceTest {

    private static final NetworkSpec LSTM_CE = new NetworkSpec(3,
            List.of(LayerSpec.lstm(5), LayerSpec.lstm(4)), 3, Loss.CROSS_ENTROPY);
    private static final NetworkSpec RNN_MSE = new NetworkSpec(3,
            List.of(LayerSpec.rnn(6, Activation.TANH)), 2, Loss.MSE);
    private static final int[] LENGTHS = {4, 9, 1, 9, 3, 6, 2};

    @Test
    void batchEqualsTheSumOfItsSequencesOneByOne() {
        for (NetworkSpec spec : List.of(LSTM_CE, RNN_MSE)) {
            for (LabelShape shape : LabelShape.values()) {
                SequenceBatch batch = RandomBatches.of(spec, LENGTHS, shape, 0.4, 31);
                double[] params = RandomBatches.params(new ParameterLayout(spec).size(), 0.5, 32);
                NetworkKernel kernel = NetworkKernel.create(spec, Precision.FLOAT64);
                GradientAccumulator whole = Gradients.accumulate(kernel, params, batch);
                GradientAccumulator oneByOne = new GradientAccumulator();
                for (int b = 0; b < batch.size(); b++) {
                    kernel.accumulate(params, batch.select(b), oneByOne);
                }
                assertEquals(oneByOne.lossSum(), whole.lossSum(), 1e-12 * Math.abs(whole.lossSum()));
                assertEquals(oneByOne.count(), whole.count());
                assertEquals(batch.size(), whole.sequences());
                Gradients.assertAllClose(oneByOne.gradient(), whole.gradient(), 1e-12, spec.describe() + " " + shape);
            }
        }
    }

    @Test
    void orderOfSequencesInTheBatchDoesNotMatter() {
        SequenceBatch batch = RandomBatches.of(LSTM_CE, LENGTHS, LabelShape.PER_STEP, 0.4, 41);
        SequenceBatch shuffled = batch.select(3, 0, 6, 2, 5, 1, 4);
        double[] params = RandomBatches.params(new ParameterLayout(LSTM_CE).size(), 0.5, 42);
        NetworkKernel kernel = NetworkKernel.create(LSTM_CE, Precision.FLOAT64);
        GradientAccumulator a = Gradients.accumulate(kernel, params, batch);
        GradientAccumulator b = Gradients.accumulate(kernel, params, shuffled);
        assertEquals(a.lossSum(), b.lossSum(), 1e-12 * a.lossSum());
        Gradients.assertAllClose(a.gradient(), b.gradient(), 1e-12, "shuffled");
    }

    @Test
    void manyToOneIsPerStepWithOnlyTheLastStepLabelled() {
        SequenceBatch manyToOne = RandomBatches.of(RNN_MSE, LENGTHS, LabelShape.PER_SEQUENCE, 0, 51);
        double[] params = RandomBatches.params(new ParameterLayout(RNN_MSE).size(), 0.5, 52);
        NetworkKernel kernel = NetworkKernel.create(RNN_MSE, Precision.FLOAT64);
        GradientAccumulator a = Gradients.accumulate(kernel, params, manyToOne);
        GradientAccumulator b = Gradients.accumulate(kernel, params, BatchSlices.asPerStep(manyToOne));
        assertEquals(a.lossSum(), b.lossSum(), 0.0);
        assertEquals(LENGTHS.length * 2L, a.count()); // mse counts labelled steps × V
        Gradients.assertAllClose(a.gradient(), b.gradient(), 0, "many-to-one vs per-step");
    }

    @Test
    void fastKernelMatchesTheReferenceInEveryOutput() {
        for (NetworkSpec spec : List.of(LSTM_CE, RNN_MSE)) {
            SequenceBatch batch = RandomBatches.of(spec, LENGTHS, LabelShape.PER_STEP, 0.3, 61);
            double[] params = RandomBatches.params(new ParameterLayout(spec).size(), 0.5, 62);
            NetworkKernel fast = NetworkKernel.create(spec, Precision.FLOAT64);
            NetworkKernel ref = new ReferenceNetwork(spec, 0);
            GradientAccumulator a = Gradients.accumulate(fast, params, batch);
            GradientAccumulator b = Gradients.accumulate(ref, params, batch);
            assertEquals(b.lossSum(), a.lossSum(), 1e-12 * b.lossSum());
            assertEquals(b.count(), a.count());
            Gradients.assertAllClose(b.gradient(), a.gradient(), 1e-12, "gradient");
            for (OutputMode mode : OutputMode.values()) {
                ForwardResult x = fast.forward(params, batch, mode, null);
                ForwardResult y = ref.forward(params, batch, mode, null);
                Gradients.assertAllClose(y.outputs(), x.outputs(), 1e-12, mode + " outputs");
                for (int k = 0; k < spec.layerCount(); k++) {
                    Gradients.assertAllClose(y.finalState().h(k), x.finalState().h(k), 1e-12, "final h");
                    if (y.finalState().c(k) != null) {
                        Gradients.assertAllClose(y.finalState().c(k), x.finalState().c(k), 1e-12, "final c");
                    }
                }
            }
        }
    }

    @Test
    void forwardFromAFinalStateContinuesTheSequence() {
        int[] lengths = {6, 6, 6};
        SequenceBatch batch = RandomBatches.of(LSTM_CE, lengths, LabelShape.PER_STEP, 0, 71);
        double[] params = RandomBatches.params(new ParameterLayout(LSTM_CE).size(), 0.5, 72);
        NetworkKernel kernel = NetworkKernel.create(LSTM_CE, Precision.FLOAT64);
        int[] all = {0, 1, 2};
        ForwardResult head = kernel.forward(params, BatchSlices.steps(batch, all, 0, 4), OutputMode.LAST_STEP, null);
        ForwardResult tail = kernel.forward(params, BatchSlices.steps(batch, all, 4, 6), OutputMode.LAST_STEP,
                head.finalState());
        ForwardResult whole = kernel.forward(params, batch, OutputMode.LAST_STEP, null);
        Gradients.assertAllClose(whole.outputs(), tail.outputs(), 1e-13, "continued outputs");
        Gradients.assertAllClose(whole.finalState().c(1), tail.finalState().c(1), 1e-13, "continued state");
        double sum = 0;
        for (int b = 0; b < 3; b++) {
            for (int j = 0; j < 3; j++) {
                sum += whole.output(b, j);
            }
            assertEquals(1.0, sum, 1e-12, "classification outputs are probabilities");
            sum = 0;
        }
    }

    @Test
    void float32AgreesWithFloat64OnRealisticSizes() {
        NetworkSpec spec = new NetworkSpec(16, List.of(LayerSpec.lstm(64), LayerSpec.lstm(48)), 4, Loss.MSE);
        int[] lengths = new int[32];
        for (int b = 0; b < lengths.length; b++) {
            lengths[b] = 10 + (b * 7) % 21;
        }
        SequenceBatch batch = RandomBatches.of(spec, lengths, LabelShape.PER_STEP, 0.2, 81);
        double[] params = Initializer.initialize(new ParameterLayout(spec), InitOptions.defaults());
        GradientAccumulator f64 = Gradients.accumulate(NetworkKernel.create(spec, Precision.FLOAT64), params, batch);
        GradientAccumulator f32 = Gradients.accumulate(NetworkKernel.create(spec, Precision.FLOAT32), params, batch);
        assertEquals(f64.lossSum(), f32.lossSum(), 1e-4 * f64.lossSum());
        double error = Gradients.relativeError(f32.gradient(), f64.gradient());
        assertTrue(error < 1e-4, "float32 gradient relative error " + error);
        assertTrue(error > 0, "float32 must really compute in float");
        for (OutputMode mode : OutputMode.values()) {
            double[] a = NetworkKernel.create(spec, Precision.FLOAT32).forward(params, batch, mode, null).outputs();
            double[] b = NetworkKernel.create(spec, Precision.FLOAT64).forward(params, batch, mode, null).outputs();
            assertTrue(Gradients.relativeError(a, b) < 1e-4, mode + " outputs");
        }
    }

    @Test
    void reusedWorkspaceGivesTheSameBitsAsAFreshKernel() {
        NetworkKernel reused = NetworkKernel.create(LSTM_CE, Precision.FLOAT32, 0);
        double[] params = RandomBatches.params(new ParameterLayout(LSTM_CE).size(), 0.5, 92);
        int[][] shapes = {{5, 9, 2}, {1}, {12, 12, 12, 3, 8, 1, 4}, {2, 2}};
        for (int round = 0; round < 2; round++) {
            for (int[] lengths : shapes) {
                SequenceBatch batch = RandomBatches.of(LSTM_CE, lengths, LabelShape.PER_STEP, 0.3, lengths.length);
                double[] fresh = Gradients.accumulate(NetworkKernel.create(LSTM_CE, Precision.FLOAT32, 0), params, batch)
                        .gradient();
                Gradients.assertAllClose(fresh, Gradients.accumulate(reused, params, batch).gradient(), 0, "reused");
            }
        }
    }

    @Test
    void oneHotTokensEqualTheDenseOneHotRows() {
        NetworkSpec spec = new NetworkSpec(5, List.of(LayerSpec.lstm(4)), 5, Loss.CROSS_ENTROPY);
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        SequenceBatch.Builder tokens = SequenceBatch.tokenBuilder(5, LabelShape.PER_STEP,
                org.sparkrnn.data.LabelKind.CLASSES, 1);
        SequenceBatch.Builder dense = SequenceBatch.builder(5, LabelShape.PER_STEP,
                org.sparkrnn.data.LabelKind.CLASSES, 1);
        for (int length : new int[] {4, 7, 1}) {
            int[] ids = random.ints(length, 0, 5).toArray();
            int[] next = random.ints(length, 0, 5).toArray();
            double[][] rows = new double[length][5];
            for (int t = 0; t < length; t++) {
                rows[t][ids[t]] = 1;
            }
            tokens.addTokensPerStep(ids, next);
            dense.addPerStep(rows, next);
        }
        double[] params = RandomBatches.params(new ParameterLayout(spec).size(), 0.5, 4);
        for (Precision precision : Precision.values()) {
            NetworkKernel kernel = NetworkKernel.create(spec, precision);
            GradientAccumulator a = Gradients.accumulate(kernel, params, tokens.build());
            GradientAccumulator b = Gradients.accumulate(kernel, params, dense.build());
            assertEquals(b.lossSum(), a.lossSum(), 0.0);
            Gradients.assertAllClose(b.gradient(), a.gradient(), 0, "one-hot " + precision);
        }
        Gradients.check(NetworkKernel.create(spec, Precision.FLOAT64), params, tokens.build());
    }

    @Test
    void unlabelledSequencesCanBePredictedButNotTrainedOn() {
        SequenceBatch batch = SequenceBatch.unlabelledBuilder(3)
                .add(new double[][] {{1, 2, 3}, {4, 5, 6}}).add(new double[][] {{0, 1, 0}}).build();
        NetworkKernel kernel = NetworkKernel.create(RNN_MSE, Precision.FLOAT64);
        double[] params = RandomBatches.params(new ParameterLayout(RNN_MSE).size(), 0.5, 4);
        assertEquals(2, kernel.forward(params, batch, OutputMode.LAST_STEP, null).rows());
        assertEquals(3, kernel.forward(params, batch, OutputMode.EVERY_STEP, null).rows());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Gradients.accumulate(kernel, params, batch));
    }
}
