package org.sparkrnn.kernel;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.model.Activation;
import org.sparkrnn.model.LayerSpec;
import org.sparkrnn.model.Loss;
import org.sparkrnn.model.NetworkSpec;
import org.sparkrnn.model.ParameterLayout;
import org.sparkrnn.model.Pooling;
import org.sparkrnn.testing.RandomBatches;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Scoring is batch-invariant: a sequence's outputs do not depend on which other sequences share its batch, in
 * whatever order and however many.
 *
 * <p>The products: {@code Numerics.gemmRows} gives every row bit-identical float64 results whatever the row count
 * (checked exactly below; without it OpenBLAS's dgemm changes a lone last row). float32 keeps one sgemm call, whose
 * result depends on a row's position among the others; calls of exactly 8 rows would fix it at about twice the GEMM
 * time, so float32 is held to relative 1e-6, what float32 scoring promises anyway.
 *
 * <p>Whole networks in float64 are bit-identical with a native BLAS: the cell loops' exp and tanh are built from
 * IEEE basic lane operations, the same bits compiled or not (the Vector API's own EXP and TANH gave other last bits
 * once C2 compiled a cell loop, so this test had to allow a few ulps). netlib's Java BLAS blocks by call size (see
 * below), so without a native library a few ulps remain.
 */
@Tag("every-spark-line")
class BatchInvarianceTest {

    /** float64 networks: exact with a native BLAS, a few ulps with netlib's Java BLAS (see the class comment). */
    private static final double FLOAT64_ULPS =
            dev.ludovic.netlib.blas.BLAS.getInstance().getClass().getSimpleName().equals("JNIBLAS") ? 0 : 8;

    /** float32 scoring under a native sgemm: a few float ulps (2^-23 ≈ 1.2e-7 relative). */
    private static final double FLOAT32_RELATIVE = 1e-6;

    private static final int[] LENGTHS = {7, 3, 12, 1, 9, 9, 4, 15, 2, 6, 11, 5, 8, 3, 13, 10, 1, 7, 14, 2, 6, 9, 4};

    private static List<NetworkSpec> specs() {
        return List.of(
                new NetworkSpec(3, List.of(LayerSpec.lstm(13), LayerSpec.lstm(6)), 2, Loss.MSE),
                new NetworkSpec(5, List.of(LayerSpec.gru(9)), 4, Loss.CROSS_ENTROPY, true, 0, Pooling.LAST),
                new NetworkSpec(3, List.of(LayerSpec.rnn(11, Activation.TANH)), 1, Loss.MSE, false, 0,
                        Pooling.MEAN));
    }

    @Test
    void everySequenceScoresTheSameInAnyBatch() {
        for (NetworkSpec spec : specs()) {
            boolean pooled = spec.pooling() != Pooling.LAST;
            for (OutputMode mode : pooled ? List.of(OutputMode.LAST_STEP) : List.of(OutputMode.values())) {
                for (Precision precision : Precision.values()) {
                    check(spec, mode, precision);
                }
            }
        }
    }

    private static void check(NetworkSpec spec, OutputMode mode, Precision precision) {
        LabelShape shape = mode == OutputMode.EVERY_STEP ? LabelShape.PER_STEP : LabelShape.PER_SEQUENCE;
        SequenceBatch all = RandomBatches.of(spec, LENGTHS, shape, 0, 7);
        double[] params = RandomBatches.params(new ParameterLayout(spec).size(), 0.5, 8);
        NetworkKernel kernel = NetworkKernel.create(spec, precision);
        double[][] alone = new double[all.size()][];
        for (int b = 0; b < all.size(); b++) {
            alone[b] = kernel.forward(params, all.select(b), mode, null).outputs();
        }
        Random random = new Random(9);
        String name = spec.describe() + " " + mode + " " + precision;
        for (int trial = 0; trial < 12; trial++) {
            List<Integer> order = new ArrayList<>();
            for (int b = 0; b < all.size(); b++) {
                order.add(b);
            }
            Collections.shuffle(order, random);
            int size = 2 + random.nextInt(all.size() - 1);
            int[] chosen = order.subList(0, size).stream().mapToInt(Integer::intValue).toArray();
            ForwardResult together = kernel.forward(params, all.select(chosen), mode, null);
            int row = 0;
            for (int j = 0; j < chosen.length; j++) {
                int rows = mode == OutputMode.EVERY_STEP ? all.length(chosen[j]) : 1;
                double[] mine = Arrays.copyOfRange(together.outputs(), row * spec.outputSize(),
                        (row + rows) * spec.outputSize());
                row += rows;
                String what = name + ": sequence " + chosen[j] + " in a batch of " + size;
                if (precision == Precision.FLOAT64) {
                    for (int i = 0; i < mine.length; i++) {
                        assertEquals(alone[chosen[j]][i], mine[i], FLOAT64_ULPS * Math.ulp(mine[i]), what);
                    }
                } else {
                    for (int i = 0; i < mine.length; i++) {
                        assertEquals(alone[chosen[j]][i], mine[i], FLOAT32_RELATIVE * Math.max(1, Math.abs(mine[i])),
                                what);
                    }
                }
            }
        }
    }

    /**
     * Exact with a native BLAS, which is what the tiles are for. netlib's Java BLAS (no native library) blocks its
     * dgemm by call size too (measured: a row of a 16-row call differs from the same row in 8-row calls by up to
     * ~15 ulps at k = 128), so there only the whole-network bound above holds; this check needs the native one.
     */
    @Test
    void theForwardProductsGiveEveryRowTheSameBitsWhateverTheRowCount() {
        boolean nativeBlas = dev.ludovic.netlib.blas.BLAS.getInstance().getClass().getSimpleName().equals("JNIBLAS");
        org.junit.jupiter.api.Assumptions.assumeTrue(nativeBlas, "the tiles are for a native BLAS");
        Random random = new Random(3);
        for (int[] kn : new int[][] {{3, 52}, {13, 24}, {32, 128}, {128, 512}}) {
            int k = kn[0];
            int n = kn[1];
            double[] b = new double[n * k];
            double[] row = new double[k];
            for (int i = 0; i < b.length; i++) {
                b[i] = random.nextGaussian();
            }
            for (int i = 0; i < k; i++) {
                row[i] = random.nextGaussian();
            }
            double[] first = null;
            for (int m : java.util.stream.IntStream.concat(java.util.stream.IntStream.rangeClosed(1, 41),
                    java.util.stream.IntStream.of(48, 64, 96, 100)).toArray()) {
                for (int position : new int[] {0, m / 2, m - 1}) {
                    double[] a = new double[m * k];
                    for (int i = 0; i < a.length; i++) {
                        a[i] = random.nextGaussian();
                    }
                    System.arraycopy(row, 0, a, position * k, k);
                    double[] c = new double[m * n];
                    DoubleNumerics.INSTANCE.gemmRows(m, n, k, a, 0, b, 0, 0.0, c, 0);
                    double[] mine = Arrays.copyOfRange(c, position * n, (position + 1) * n);
                    if (first == null) {
                        first = mine;
                    }
                    assertArrayEquals(first, mine, 0.0, "k=" + k + " n=" + n + ": row " + position + " of " + m);
                }
            }
        }
    }

    /**
     * The two ways gemmRows hands float64 rows over (the whole tiles in place plus a padded tile of the rest, or every
     * row padded into one call), which it chooses between by their cost, give the same bits: every row count from 1
     * to 100 around the tiles, products of the recurrent layers' kinds (n = 3 or 4 gates of k hidden) and small ones,
     * C replaced (beta 0) and added to (beta 1), operands at offsets inside larger arrays.
     */
    @Test
    void bothWaysOfHandingOverTheRowsGiveTheSameBits() {
        boolean nativeBlas = dev.ludovic.netlib.blas.BLAS.getInstance().getClass().getSimpleName().equals("JNIBLAS");
        org.junit.jupiter.api.Assumptions.assumeTrue(nativeBlas, "the tiles are for a native BLAS");
        Random random = new Random(5);
        for (int[] kn : new int[][] {{3, 52}, {32, 128}, {64, 192}, {128, 512}, {256, 768}}) {
            int k = kn[0];
            int n = kn[1];
            double[] b = new double[n * k + 7];
            for (int i = 0; i < b.length; i++) {
                b[i] = random.nextGaussian();
            }
            for (int m = 1; m <= 100; m++) {
                double[] a = new double[m * k + 11];
                double[] c = new double[m * n + 13];
                for (int i = 0; i < a.length; i++) {
                    a[i] = random.nextGaussian();
                }
                for (int i = 0; i < c.length; i++) {
                    c[i] = random.nextGaussian();
                }
                for (double beta : new double[] {0.0, 1.0}) {
                    double[] inPlace = c.clone();
                    double[] oneCall = c.clone();
                    DoubleNumerics.INSTANCE.gemmRowsInPlace(m, n, k, a, 11, b, 7, beta, inPlace, 13);
                    DoubleNumerics.INSTANCE.gemmRowsInOneCall(m, n, k, a, 11, b, 7, beta, oneCall, 13);
                    assertArrayEquals(inPlace, oneCall, 0.0, "k=" + k + " n=" + n + " m=" + m + " beta=" + beta);
                }
            }
        }
    }
}
