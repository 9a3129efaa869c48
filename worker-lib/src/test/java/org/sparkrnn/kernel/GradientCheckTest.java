package org.sparkrnn.kernel;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.model.Activation;
import org.sparkrnn.model.LayerSpec;
import org.sparkrnn.model.Loss;
import org.sparkrnn.model.NetworkSpec;
import org.sparkrnn.model.ParameterLayout;
import org.sparkrnn.reference.ReferenceNetwork;
import org.sparkrnn.testing.Gradients;
import org.sparkrnn.testing.RandomBatches;

import java.util.List;
import java.util.stream.Stream;

/**
 * Central-difference gradient checks in float64 over every parameter, for the fast kernel and for the reference
 * path: LSTM and RNN (tanh, identity); 1 and 2 layers (also mixed); regression and classification; many-to-one and
 * many-to-many with unlabelled steps; T = 1; B = 1; different lengths in one batch.
 */
@Tag("every-spark-line")
class GradientCheckTest {

    private static final int[] MIXED_LENGTHS = {3, 1, 5, 2, 5};

    static Stream<Arguments> cases() {
        LayerSpec lstm3 = LayerSpec.lstm(3);
        LayerSpec lstm4 = LayerSpec.lstm(4);
        LayerSpec tanh4 = LayerSpec.rnn(4, Activation.TANH);
        LayerSpec ident3 = LayerSpec.rnn(3, Activation.IDENTITY);
        return Stream.of(
                Arguments.of("lstm, mse, many-to-one", List.of(lstm4), Loss.MSE, 2, LabelShape.PER_SEQUENCE, MIXED_LENGTHS),
                Arguments.of("lstm, mse, many-to-many", List.of(lstm4), Loss.MSE, 2, LabelShape.PER_STEP, MIXED_LENGTHS),
                Arguments.of("lstm, ce, many-to-one", List.of(lstm4), Loss.CROSS_ENTROPY, 3, LabelShape.PER_SEQUENCE, MIXED_LENGTHS),
                Arguments.of("lstm, ce, many-to-many", List.of(lstm4), Loss.CROSS_ENTROPY, 3, LabelShape.PER_STEP, MIXED_LENGTHS),
                Arguments.of("rnn tanh, mse, many-to-one", List.of(tanh4), Loss.MSE, 1, LabelShape.PER_SEQUENCE, MIXED_LENGTHS),
                Arguments.of("rnn tanh, ce, many-to-many", List.of(tanh4), Loss.CROSS_ENTROPY, 3, LabelShape.PER_STEP, MIXED_LENGTHS),
                Arguments.of("rnn identity, mse, many-to-many", List.of(ident3), Loss.MSE, 2, LabelShape.PER_STEP, MIXED_LENGTHS),
                Arguments.of("2 lstm layers, mse, many-to-many", List.of(lstm4, lstm3), Loss.MSE, 2, LabelShape.PER_STEP, MIXED_LENGTHS),
                Arguments.of("2 lstm layers, ce, many-to-one", List.of(lstm3, lstm4), Loss.CROSS_ENTROPY, 3, LabelShape.PER_SEQUENCE, MIXED_LENGTHS),
                Arguments.of("2 rnn layers, mse, many-to-one", List.of(tanh4, ident3), Loss.MSE, 2, LabelShape.PER_SEQUENCE, MIXED_LENGTHS),
                Arguments.of("lstm over rnn, ce, many-to-many", List.of(tanh4, lstm3), Loss.CROSS_ENTROPY, 4, LabelShape.PER_STEP, MIXED_LENGTHS),
                Arguments.of("T = 1", List.of(lstm4, tanh4), Loss.MSE, 2, LabelShape.PER_STEP, new int[] {1, 1, 1}),
                Arguments.of("B = 1", List.of(lstm4, lstm3), Loss.CROSS_ENTROPY, 3, LabelShape.PER_STEP, new int[] {6}),
                Arguments.of("B = 1, T = 1", List.of(lstm3), Loss.SUM_HALF_SQUARED, 1, LabelShape.PER_SEQUENCE, new int[] {1}),
                Arguments.of("sum-half-squared", List.of(lstm3, tanh4), Loss.SUM_HALF_SQUARED, 2, LabelShape.PER_STEP, MIXED_LENGTHS));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void fastKernelGradientMatchesCentralDifferences(String name, List<LayerSpec> layers, Loss loss, int outputs,
                                                     LabelShape shape, int[] lengths) {
        NetworkSpec spec = new NetworkSpec(3, layers, outputs, loss);
        SequenceBatch batch = RandomBatches.of(spec, lengths, shape, 0.3, 11);
        double[] params = RandomBatches.params(new ParameterLayout(spec).size(), 0.6, 12);
        Gradients.check(NetworkKernel.create(spec, Precision.FLOAT64), params, batch);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void referenceGradientMatchesCentralDifferences(String name, List<LayerSpec> layers, Loss loss, int outputs,
                                                    LabelShape shape, int[] lengths) {
        NetworkSpec spec = new NetworkSpec(3, layers, outputs, loss);
        SequenceBatch batch = RandomBatches.of(spec, lengths, shape, 0.3, 21);
        double[] params = RandomBatches.params(new ParameterLayout(spec).size(), 0.6, 22);
        Gradients.check(new ReferenceNetwork(spec, 0), params, batch);
    }
}
