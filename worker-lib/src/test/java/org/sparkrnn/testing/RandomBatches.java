package org.sparkrnn.testing;

import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.model.NetworkSpec;

import java.util.SplittableRandom;

/** Seeded random batches for a spec: features and value labels ~ N-ish(0, 1), classes uniform. */
public final class RandomBatches {

    private RandomBatches() {
    }

    /**
     * @param lengths       one entry per sequence
     * @param shape         where labels sit
     * @param unlabelledP   per-step: the chance that a step carries no label (the last step always carries one)
     */
    public static SequenceBatch of(NetworkSpec spec, int[] lengths, LabelShape shape, double unlabelledP, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        boolean classes = spec.loss().isClassification();
        int v = spec.outputSize();
        SequenceBatch.Builder builder = SequenceBatch.builder(spec.inputSize(), shape,
                classes ? LabelKind.CLASSES : LabelKind.VALUES, classes ? 1 : v);
        for (int length : lengths) {
            double[][] steps = new double[length][spec.inputSize()];
            for (double[] step : steps) {
                for (int i = 0; i < step.length; i++) {
                    step[i] = 2 * random.nextDouble() - 1;
                }
            }
            if (shape == LabelShape.PER_SEQUENCE) {
                if (classes) {
                    builder.add(steps, random.nextInt(v));
                } else {
                    builder.add(steps, values(random, v));
                }
            } else if (classes) {
                int[] labels = new int[length];
                for (int t = 0; t < length; t++) {
                    labels[t] = t < length - 1 && random.nextDouble() < unlabelledP
                            ? SequenceBatch.UNLABELLED : random.nextInt(v);
                }
                builder.addPerStep(steps, labels);
            } else {
                double[][] labels = new double[length][];
                for (int t = 0; t < length; t++) {
                    labels[t] = t < length - 1 && random.nextDouble() < unlabelledP ? null : values(random, v);
                }
                builder.addPerStep(steps, labels);
            }
        }
        SequenceBatch batch = builder.build();
        if (spec.hasDecoder()) {
            int steps = spec.decoder().steps();
            double[] future = new double[lengths.length * steps * spec.inputSize()];
            for (int j = 0; j < future.length; j++) {
                future[j] = 2 * random.nextDouble() - 1;
            }
            batch = batch.withFuture(steps, future);
        }
        return batch;
    }

    /** Parameters uniform in (−scale, scale): large enough that every gradient is far from zero. */
    public static double[] params(int size, double scale, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] params = new double[size];
        for (int j = 0; j < size; j++) {
            params[j] = (2 * random.nextDouble() - 1) * scale;
        }
        return params;
    }

    private static double[] values(SplittableRandom random, int v) {
        double[] row = new double[v];
        for (int j = 0; j < v; j++) {
            row[j] = 2 * random.nextDouble() - 1;
        }
        return row;
    }
}
