package org.sparkrnn.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SequenceBatchTest {

    @Test
    void reservingRoomChangesNothingButCapacity() {
        java.util.Random random = new java.util.Random(3);
        SequenceBatch.Builder plain = SequenceBatch.unlabelledBuilder(3);
        SequenceBatch.Builder reserved = SequenceBatch.unlabelledBuilder(3).reserveSteps(4 * 5);
        for (int b = 0; b < 7; b++) { // more than reserved: it grows as before past the room
            double[][] steps = new double[3 + b % 3][3];
            for (double[] step : steps) {
                for (int i = 0; i < step.length; i++) {
                    step[i] = random.nextGaussian();
                }
            }
            plain.add(steps);
            reserved.add(steps);
        }
        SequenceBatch a = plain.build();
        SequenceBatch r = reserved.build();
        assertEquals(a.size(), r.size());
        assertTrue(java.util.Arrays.equals(a.features(), r.features()));
        assertEquals(a.features().length, r.features().length);
        for (int b = 0; b < a.size(); b++) {
            assertEquals(a.length(b), r.length(b));
        }
    }

    @Test
    void storesSequencesFlatAndAnswersWhereLabelsAre() {
        SequenceBatch batch = SequenceBatch.builder(2, LabelShape.PER_STEP, LabelKind.VALUES, 1)
                .addPerStep(new double[][] {{1, 2}, {3, 4}}, new double[][] {null, {0.5}})
                .addPerStep(new double[][] {{5, 6}}, new double[][] {{1.5}})
                .build();
        assertEquals(2, batch.size());
        assertEquals(3, batch.totalSteps());
        assertEquals(2, batch.stepOffset(1));
        assertEquals(4.0, batch.feature(0, 1, 1));
        assertFalse(batch.isLabelled(0, 0));
        assertTrue(batch.isLabelled(0, 1));
        assertEquals(1.5, batch.values()[batch.labelRow(1, 0)]);
        assertEquals(batch, batch.select(0, 1));
        assertEquals(1, batch.select(1).size());
    }

    @Test
    void badSequencesAreRefusedWithTheSequenceAndStepNamed() {
        SequenceBatch.Builder builder = SequenceBatch.builder(2, LabelShape.PER_SEQUENCE, LabelKind.VALUES, 1)
                .add(new double[][] {{1, 2}}, new double[] {0});
        assertEquals("sequence 1 step 1 has 3 features, expected 2", assertThrows(IllegalArgumentException.class,
                () -> builder.add(new double[][] {{1, 2}, {1, 2, 3}}, new double[] {0})).getMessage());
        assertEquals("sequence 1 step 0 feature 1 is NaN, expected a finite number",
                assertThrows(IllegalArgumentException.class,
                        () -> builder.add(new double[][] {{1, Double.NaN}}, new double[] {0})).getMessage());
        assertEquals("sequence 1 is empty: a sequence needs at least one step",
                assertThrows(IllegalArgumentException.class,
                        () -> builder.add(new double[0][], new double[] {0})).getMessage());
        assertEquals("sequence 1 target has 2 values, expected 1", assertThrows(IllegalArgumentException.class,
                () -> builder.add(new double[][] {{1, 2}}, new double[] {0, 1})).getMessage());
        assertThrows(IllegalArgumentException.class, () -> builder.add(new double[][] {{1, 2}}, 3));
        assertEquals(1, builder.size(), "refused sequences leave nothing behind");
        assertEquals(1, builder.build().totalSteps());
    }

    @Test
    void concatenationEqualsBuildingTheSequencesOneByOne() {
        SequenceBatch a = SequenceBatch.builder(2, LabelShape.PER_STEP, LabelKind.CLASSES, 1)
                .addPerStep(new double[][] {{1, 2}, {3, 4}}, new int[] {SequenceBatch.UNLABELLED, 1}).build();
        SequenceBatch b = SequenceBatch.builder(2, LabelShape.PER_STEP, LabelKind.CLASSES, 1)
                .addPerStep(new double[][] {{5, 6}}, new int[] {0})
                .addPerStep(new double[][] {{7, 8}, {9, 0}, {1, 1}}, new int[] {2, 2, SequenceBatch.UNLABELLED}).build();
        SequenceBatch together = SequenceBatch.builder(2, LabelShape.PER_STEP, LabelKind.CLASSES, 1)
                .addFrom(a, 0).addFrom(b, 0).addFrom(b, 1).build();
        assertEquals(together, SequenceBatch.concat(a, java.util.List.of(a, b)));
        assertEquals(0, a.emptyLike().size());
        SequenceBatch tokens = SequenceBatch.tokenBuilder(3, LabelShape.PER_STEP, LabelKind.CLASSES, 1)
                .addTokensPerStep(new int[] {0, 2}, new int[] {2, 1}).build();
        assertEquals(SequenceBatch.tokenBuilder(3, LabelShape.PER_STEP, LabelKind.CLASSES, 1)
                .addFrom(tokens, 0).addFrom(tokens, 0).build(), SequenceBatch.concat(tokens, java.util.List.of(tokens, tokens)));
        assertThrows(IllegalArgumentException.class, () -> SequenceBatch.concat(a, java.util.List.of(tokens)));
    }
}
