package org.sparkrnn.aggregate;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.kernel.NetworkKernel;
import org.sparkrnn.kernel.Precision;
import org.sparkrnn.model.LayerSpec;
import org.sparkrnn.model.Loss;
import org.sparkrnn.model.NetworkSpec;
import org.sparkrnn.model.ParameterLayout;
import org.sparkrnn.testing.Gradients;
import org.sparkrnn.testing.RandomBatches;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The merge algebra treeAggregate relies on. */
@Tag("every-spark-line")
class GradientAccumulatorTest {

    private static final NetworkSpec SPEC = new NetworkSpec(2, List.of(LayerSpec.lstm(3)), 1, Loss.MSE);
    private static final ParameterLayout LAYOUT = new ParameterLayout(SPEC);
    private static final double[] PARAMS = RandomBatches.params(LAYOUT.size(), 0.5, 1);

    private static GradientAccumulator sumsOf(long seed, int... lengths) {
        SequenceBatch batch = RandomBatches.of(SPEC, lengths, LabelShape.PER_SEQUENCE, 0, seed);
        return Gradients.accumulate(NetworkKernel.create(SPEC, Precision.FLOAT64), PARAMS, batch);
    }

    @Test
    void mergingAnEmptySideIsANoOp() {
        GradientAccumulator a = sumsOf(1, 3, 4);
        double[] before = a.gradient().clone();
        assertSame(a, a.merge(new GradientAccumulator()));
        assertArrayEquals(before, a.gradient());
        assertEquals(2, a.sequences());

        GradientAccumulator empty = new GradientAccumulator();
        assertSame(empty, empty.merge(a));
        assertArrayEquals(a.gradient(), empty.gradient());
        assertNotSame(a.gradient(), empty.gradient(), "the second argument must never be aliased");
        empty.merge(a);
        assertArrayEquals(before, a.gradient(), "the second argument must never be modified");

        GradientAccumulator bothEmpty = new GradientAccumulator().merge(new GradientAccumulator());
        assertTrue(bothEmpty.isEmpty());
        assertEquals(0, bothEmpty.count());
    }

    @Test
    void mergeOrderDoesNotMatterAndEqualsOneBigBatch() {
        GradientAccumulator ab = sumsOf(1, 3, 4).merge(sumsOf(2, 5)).merge(sumsOf(3, 1, 1, 2));
        GradientAccumulator ba = sumsOf(3, 1, 1, 2).merge(sumsOf(1, 3, 4).merge(sumsOf(2, 5)));
        assertEquals(ab.lossSum(), ba.lossSum(), 1e-14);
        assertEquals(ab.count(), ba.count());
        assertEquals(6, ab.sequences());
        Gradients.assertAllClose(ab.gradient(), ba.gradient(), 1e-14, "merge order");

        // the same sequences through one kernel call
        GradientAccumulator together = new GradientAccumulator();
        NetworkKernel kernel = NetworkKernel.create(SPEC, Precision.FLOAT64);
        for (long seed = 1; seed <= 3; seed++) {
            int[] lengths = seed == 1 ? new int[] {3, 4} : seed == 2 ? new int[] {5} : new int[] {1, 1, 2};
            kernel.accumulate(PARAMS, RandomBatches.of(SPEC, lengths, LabelShape.PER_SEQUENCE, 0, seed), together);
        }
        Gradients.assertAllClose(together.gradient(), ab.gradient(), 1e-14, "accumulate vs merge");
    }

    @Test
    void objectiveIsTheMeanForMse() {
        GradientAccumulator a = sumsOf(1, 3, 4, 2);
        assertEquals(3, a.count());
        assertEquals(a.lossSum() / 3, a.objective(Loss.MSE), 1e-15);
        assertEquals(a.gradient()[5] / 3, a.objectiveGradient(Loss.MSE)[5], 1e-15);
        assertEquals(a.lossSum(), a.objective(Loss.SUM_HALF_SQUARED), 0);
    }

    @Test
    void mergingSumsOfDifferentModelsThrows() {
        NetworkSpec other = new NetworkSpec(2, List.of(LayerSpec.lstm(4)), 1, Loss.MSE);
        GradientAccumulator b = Gradients.accumulate(NetworkKernel.create(other, Precision.FLOAT64),
                new double[new ParameterLayout(other).size()],
                RandomBatches.of(other, new int[] {2}, LabelShape.PER_SEQUENCE, 0, 1));
        GradientAccumulator a = sumsOf(1, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.merge(b));
        assertTrue(e.getMessage().startsWith("cannot merge gradient sums of different models"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> a.add(new ParameterLayout(other), 1,
                gradient -> new GradientAccumulator.BatchSums(0, 0)));
    }

    @Test
    void slicesSummedOneByOneAssembleToTheMergedSums() {
        GradientAccumulator[] tasks = {sumsOf(1, 3, 4), sumsOf(2, 5), sumsOf(3, 1, 1, 2)};
        GradientAccumulator merged = new GradientAccumulator();
        for (GradientAccumulator task : tasks) {
            merged.merge(task);
        }
        for (int slices : new int[] {1, 2, 3, 7, LAYOUT.size() + 3}) {
            GradientAccumulator[] summed = new GradientAccumulator[slices];
            for (int s = 0; s < slices; s++) {
                summed[s] = new GradientAccumulator();
                for (GradientAccumulator task : tasks) {
                    summed[s].merge(task.slice(s, slices));
                }
            }
            GradientAccumulator whole = GradientAccumulator.assemble(summed, LAYOUT.fingerprint(), LAYOUT.size());
            assertArrayEquals(merged.gradient(), whole.gradient(), "S=" + slices + ": same additions, same bits");
            assertEquals(merged.lossSum(), whole.lossSum());
            assertEquals(merged.count(), whole.count());
            assertEquals(merged.sequences(), whole.sequences());
        }
        GradientAccumulator a = tasks[0];
        assertThrows(IllegalArgumentException.class, () -> a.slice(0, 3).merge(a.slice(1, 3)),
                "different slices never merge");
        assertThrows(IllegalArgumentException.class, () -> GradientAccumulator.assemble(
                new GradientAccumulator[] {a.slice(0, 2), new GradientAccumulator()}, LAYOUT.fingerprint(),
                LAYOUT.size()), "a missing slice");
        assertTrue(GradientAccumulator.assemble(new GradientAccumulator[] {new GradientAccumulator().slice(0, 2),
                new GradientAccumulator().slice(1, 2)}, LAYOUT.fingerprint(), LAYOUT.size()).isEmpty());
        assertTrue(a.useFloatWire().slice(1, 2).floatWire(), "a float32 sum's slices travel as float too");
    }
}
