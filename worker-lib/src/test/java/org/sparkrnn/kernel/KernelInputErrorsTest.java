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

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A batch that does not fit the network is refused with a message that says what is wrong. */
@Tag("every-spark-line")
class KernelInputErrorsTest {

    private static final NetworkSpec CE = new NetworkSpec(2, List.of(LayerSpec.lstm(3)), 3, Loss.CROSS_ENTROPY);

    @Test
    void classOutsideTheRangeNamesTheSequenceAndStep() {
        SequenceBatch batch = SequenceBatch.builder(2, LabelShape.PER_STEP, LabelKind.CLASSES, 1)
                .addPerStep(new double[][] {{1, 2}}, new int[] {0})
                .addPerStep(new double[][] {{1, 2}, {3, 4}}, new int[] {SequenceBatch.UNLABELLED, 3})
                .build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> accumulate(CE, batch));
        assertEquals("sequence 1 step 1: class id 3 outside [0, 3)", e.getMessage());
    }

    @Test
    void wrongFeatureCountAndLabelKindAreRefused() {
        SequenceBatch threeFeatures = SequenceBatch.builder(3, LabelShape.PER_SEQUENCE, LabelKind.CLASSES, 1)
                .add(new double[][] {{1, 2, 3}}, 1).build();
        assertEquals("the batch's steps have 3 features, the network I=2 lstm(3) -> 3 (cross-entropy) expects 2",
                assertThrows(IllegalArgumentException.class, () -> accumulate(CE, threeFeatures)).getMessage());
        SequenceBatch values = SequenceBatch.builder(2, LabelShape.PER_SEQUENCE, LabelKind.VALUES, 1)
                .add(new double[][] {{1, 2}}, new double[] {0.5}).build();
        assertEquals("loss cross-entropy needs integer class labels, the batch has VALUES",
                assertThrows(IllegalArgumentException.class, () -> accumulate(CE, values)).getMessage());
        NetworkSpec mse = new NetworkSpec(2, List.of(LayerSpec.lstm(3)), 2, Loss.MSE);
        assertEquals("loss mse needs 2 value(s) per label, the batch has VALUES of width 1",
                assertThrows(IllegalArgumentException.class, () -> accumulate(mse, values)).getMessage());
    }

    private static void accumulate(NetworkSpec spec, SequenceBatch batch) {
        NetworkKernel.create(spec, Precision.FLOAT64)
                .accumulate(new double[new ParameterLayout(spec).size()], batch, new GradientAccumulator());
    }
}
