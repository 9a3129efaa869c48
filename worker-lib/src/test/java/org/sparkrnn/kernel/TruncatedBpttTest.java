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
import org.sparkrnn.reference.ReferenceNetwork;
import org.sparkrnn.testing.BatchSlices;
import org.sparkrnn.testing.Gradients;
import org.sparkrnn.testing.RandomBatches;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Truncated BPTT against its own definition. With chunks of k steps, the truncated objective at θ′ is
 * Σ_j L_j(θ′; s_j), where L_j is the loss of the labelled steps in chunk j computed from the carried-in state s_j,
 * and s_j is the state after steps [0, jk) under the current θ, held constant. Its central-difference gradient is
 * built here only from full-BPTT calls and forward passes, independently of the truncation code.
 */
@Tag("every-spark-line")
class TruncatedBpttTest {

    private static final int K = 2;
    private static final int[] LENGTHS = {7, 3, 5, 1, 6, 2};

    @Test
    void truncatedGradientIsTheGradientOfTheChunkLossesWithCarriedStateHeldFixed() {
        for (Loss loss : List.of(Loss.MSE, Loss.CROSS_ENTROPY)) {
            NetworkSpec spec = new NetworkSpec(3, List.of(LayerSpec.lstm(4), LayerSpec.rnn(3, Activation.TANH)),
                    loss == Loss.MSE ? 2 : 3, loss);
            SequenceBatch batch = RandomBatches.of(spec, LENGTHS, LabelShape.PER_STEP, 0.3, 5);
            double[] params = RandomBatches.params(new ParameterLayout(spec).size(), 0.6, 6);
            NetworkKernel full = NetworkKernel.create(spec, Precision.FLOAT64, 0);

            List<SequenceBatch> chunks = new ArrayList<>();
            List<RecurrentState> carried = new ArrayList<>();
            for (int start = 0; start < batch.maxLength(); start += K) {
                int[] active = activeAt(batch, start);
                chunks.add(BatchSlices.steps(batch, active, start, start + K));
                carried.add(start == 0 ? null : full.forward(params,
                        BatchSlices.steps(batch, active, 0, start), OutputMode.LAST_STEP, null).finalState());
            }
            ToDoubleFunction<double[]> definition = theta -> {
                double sum = 0;
                for (int j = 0; j < chunks.size(); j++) {
                    GradientAccumulator acc = new GradientAccumulator();
                    full.accumulate(theta, chunks.get(j), carried.get(j), acc);
                    sum += acc.lossSum();
                }
                return sum;
            };
            double[] numeric = Gradients.numerical(params, definition);

            for (NetworkKernel truncated : List.of(NetworkKernel.create(spec, Precision.FLOAT64, K),
                    new ReferenceNetwork(spec, K))) {
                GradientAccumulator acc = Gradients.accumulate(truncated, params, batch);
                Gradients.assertClose(truncated.layout(), acc.gradient(), numeric);
                // the forward pass is not truncated: same loss as full BPTT
                assertEquals(Gradients.accumulate(full, params, batch).lossSum(), acc.lossSum(), 1e-12);
                assertEquals(definition.applyAsDouble(params), acc.lossSum(), 1e-12);
            }
        }
    }

    @Test
    void truncationAtLeastTheLongestSequenceIsFullBptt() {
        NetworkSpec spec = new NetworkSpec(3, List.of(LayerSpec.lstm(4)), 2, Loss.MSE);
        SequenceBatch batch = RandomBatches.of(spec, LENGTHS, LabelShape.PER_SEQUENCE, 0, 8);
        double[] params = RandomBatches.params(new ParameterLayout(spec).size(), 0.6, 9);
        double[] full = Gradients.accumulate(NetworkKernel.create(spec, Precision.FLOAT64, 0), params, batch).gradient();
        double[] trunc = Gradients.accumulate(NetworkKernel.create(spec, Precision.FLOAT64, 7), params, batch).gradient();
        Gradients.assertAllClose(full, trunc, 0, "k = T");
        double[] shorter = Gradients.accumulate(NetworkKernel.create(spec, Precision.FLOAT64, 3), params, batch).gradient();
        // and a real truncation does change the gradient (otherwise this test proves nothing)
        org.junit.jupiter.api.Assertions.assertTrue(Gradients.relativeError(shorter, full) > 1e-3);
    }

    @Test
    void fastTruncatedKernelMatchesTheReference() {
        NetworkSpec spec = new NetworkSpec(3, List.of(LayerSpec.lstm(5), LayerSpec.lstm(4)), 3, Loss.CROSS_ENTROPY);
        SequenceBatch batch = RandomBatches.of(spec, new int[] {9, 4, 11, 1, 8}, LabelShape.PER_STEP, 0.5, 3);
        double[] params = RandomBatches.params(new ParameterLayout(spec).size(), 0.5, 4);
        for (int k : new int[] {1, 3, 4}) {
            double[] fast = Gradients.accumulate(NetworkKernel.create(spec, Precision.FLOAT64, k), params, batch).gradient();
            double[] ref = Gradients.accumulate(new ReferenceNetwork(spec, k), params, batch).gradient();
            Gradients.assertAllClose(ref, fast, 1e-12, "k = " + k);
        }
    }

    private static int[] activeAt(SequenceBatch batch, int start) {
        return java.util.stream.IntStream.range(0, batch.size()).filter(b -> batch.length(b) > start).toArray();
    }
}
