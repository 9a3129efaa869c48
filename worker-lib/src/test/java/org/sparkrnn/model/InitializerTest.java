package org.sparkrnn.model;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InitializerTest {

    private static final NetworkSpec SPEC = new NetworkSpec(5,
            List.of(LayerSpec.lstm(16), LayerSpec.rnn(8, Activation.TANH)), 3, Loss.MSE);
    private static final ParameterLayout LAYOUT = new ParameterLayout(SPEC);

    @Test
    void sameSeedSameWeightsDifferentSeedDifferentWeights() {
        InitOptions options = InitOptions.defaults();
        assertArrayEquals(Initializer.initialize(LAYOUT, options), Initializer.initialize(LAYOUT, options));
        assertFalse(java.util.Arrays.equals(Initializer.initialize(LAYOUT, options),
                Initializer.initialize(LAYOUT, options.withSeed(7))));
    }

    @Test
    void pytorchUniformStaysInsideItsBoundsAndFillsThem() {
        double[] p = Initializer.initialize(LAYOUT, new InitOptions(InitScheme.PYTORCH_UNIFORM, null, 3));
        checkUniform(p, LAYOUT.layer(0).inputWeights(), 1 / Math.sqrt(16));
        checkUniform(p, LAYOUT.layer(0).recurrentWeights(), 1 / Math.sqrt(16));
        checkUniform(p, LAYOUT.layer(1).inputWeights(), 1 / Math.sqrt(8));
        checkUniform(p, LAYOUT.headWeight(), 1 / Math.sqrt(8));
        // the summed bias of two uniform draws spans twice the bound
        ParameterBlock bias = LAYOUT.layer(0).bias();
        double max = 0;
        for (int j = bias.offset(); j < bias.end(); j++) {
            max = Math.max(max, Math.abs(p[j]));
            assertTrue(Math.abs(p[j]) <= 2 / Math.sqrt(16));
        }
        assertTrue(max > 1 / Math.sqrt(16), "bias_ih + bias_hh can exceed one bound");
    }

    @Test
    void forgetGateBiasIsSetOnLstmLayersOnly() {
        double[] p = Initializer.initialize(LAYOUT, new InitOptions(InitScheme.PYTORCH_UNIFORM, 1.0, 3));
        int bias = LAYOUT.layer(0).bias().offset();
        for (int j = 0; j < 16; j++) {
            assertEquals(1.0, p[bias + 16 + j], "forget gate bias " + j);
            assertTrue(Math.abs(p[bias + j]) < 0.5, "input gate bias keeps its draw");
        }
        double[] rnn = Initializer.initialize(LAYOUT, new InitOptions(InitScheme.PYTORCH_UNIFORM, null, 3));
        assertArrayEquals(java.util.Arrays.copyOfRange(rnn, LAYOUT.layer(1).bias().offset(), LAYOUT.size()),
                java.util.Arrays.copyOfRange(p, LAYOUT.layer(1).bias().offset(), LAYOUT.size()));
        assertEquals(1.0, InitOptions.defaults().forgetGateBias());
    }

    @Test
    void xavierOrthogonalGivesOrthogonalRecurrentGateBlocks() {
        double[] p = Initializer.initialize(LAYOUT, new InitOptions(InitScheme.XAVIER_ORTHOGONAL, 1.0, 9));
        for (int k = 0; k < 2; k++) {
            int h = SPEC.layer(k).hiddenSize();
            ParameterBlock whh = LAYOUT.layer(k).recurrentWeights();
            for (int gate = 0; gate < SPEC.layer(k).cell().gateCount(); gate++) {
                int off = whh.offset() + gate * h * h;
                for (int a = 0; a < h; a++) {
                    for (int b = 0; b < h; b++) {
                        double dot = 0;
                        for (int r = 0; r < h; r++) {
                            dot += p[off + r * h + a] * p[off + r * h + b];
                        }
                        assertEquals(a == b ? 1.0 : 0.0, dot, 1e-12, "QᵀQ layer " + k + " gate " + gate);
                    }
                }
            }
            checkUniform(p, LAYOUT.layer(k).inputWeights(), Math.sqrt(6.0 / (SPEC.layerInputSize(k) + h)));
        }
        assertEquals(0.0, p[LAYOUT.layer(0).bias().offset()], "input gate bias starts at 0");
        assertEquals(1.0, p[LAYOUT.layer(0).bias().offset() + 16], "forget gate bias");
    }

    @Test
    void orthogonalIsOrthogonalAtHiddenLayerSizes() {
        double[] q = Initializer.orthogonal(256, new SplittableRandom(1));
        double worst = 0;
        for (int a = 0; a < 256; a += 17) {
            for (int b = 0; b < 256; b++) {
                double dot = 0;
                for (int r = 0; r < 256; r++) {
                    dot += q[r * 256 + a] * q[r * 256 + b];
                }
                worst = Math.max(worst, Math.abs(dot - (a == b ? 1 : 0)));
            }
        }
        assertTrue(worst < 1e-12, "max |QᵀQ − I| = " + worst);
    }

    private static void checkUniform(double[] p, ParameterBlock block, double bound) {
        double max = 0;
        for (int j = block.offset(); j < block.end(); j++) {
            assertTrue(Math.abs(p[j]) <= bound, block.name() + " outside ±" + bound);
            max = Math.max(max, Math.abs(p[j]));
        }
        assertTrue(max > 0.8 * bound, block.name() + " should fill its range, max " + max + " of " + bound);
    }
}
