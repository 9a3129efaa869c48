package org.sparkrnn.model;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParameterLayoutTest {

    private static final NetworkSpec SPEC = new NetworkSpec(3,
            List.of(LayerSpec.lstm(4), LayerSpec.rnn(2, Activation.TANH)), 5, Loss.CROSS_ENTROPY);

    @Test
    void blocksHavePyTorchNamesShapesAndNoGaps() {
        ParameterLayout layout = new ParameterLayout(SPEC);
        List<String> names = layout.blocks().stream().map(ParameterBlock::name).toList();
        assertEquals(List.of("weight_ih_l0", "weight_hh_l0", "bias_l0", "weight_ih_l1", "weight_hh_l1", "bias_l1",
                "weight", "bias"), names);
        int offset = 0;
        for (ParameterBlock block : layout.blocks()) {
            assertEquals(offset, block.offset(), block.name());
            offset = block.end();
        }
        assertEquals(16 * 3 + 16 * 4 + 16 + 2 * 4 + 2 * 2 + 2 + 5 * 2 + 5, layout.size());
        assertEquals(offset, layout.size());
        assertArrayEquals(new int[] {16, 3}, layout.pyTorchShape("weight_ih_l0"));
        assertArrayEquals(new int[] {2, 2}, layout.pyTorchShape("weight_hh_l1"));
        assertArrayEquals(new int[] {16}, layout.pyTorchShape("bias_hh_l0"));
        assertArrayEquals(new int[] {5, 2}, layout.pyTorchShape("weight"));
        assertEquals("weight_hh_l0[3,1]", layout.describeIndex(layout.layer(0).recurrentWeights().offset() + 13));
        assertEquals("bias[4]", layout.describeIndex(layout.size() - 1));
    }

    @Test
    void pyTorchExportWritesTheSummedBiasAndImportSumsItBack() {
        ParameterLayout layout = new ParameterLayout(SPEC);
        double[] params = Initializer.initialize(layout, InitOptions.defaults());
        Map<String, double[]> torch = layout.toPyTorch(params);
        assertEquals(List.of("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1", "weight", "bias"),
                List.copyOf(torch.keySet()));
        assertArrayEquals(new double[16], torch.get("bias_hh_l0"));
        assertArrayEquals(params, layout.fromPyTorch(torch));
        // importing real PyTorch weights, whose two biases are both non-zero, sums them
        torch.put("bias_hh_l1", new double[] {0.25, -0.5});
        double[] imported = layout.fromPyTorch(torch);
        int bias1 = layout.layer(1).bias().offset();
        assertEquals(params[bias1] + 0.25, imported[bias1], 0);
        assertEquals(params[bias1 + 1] - 0.5, imported[bias1 + 1], 0);
    }

    @Test
    void importRefusesMissingOrMisshapenTensors() {
        ParameterLayout layout = new ParameterLayout(SPEC);
        Map<String, double[]> torch = layout.toPyTorch(new double[layout.size()]);
        torch.remove("weight_hh_l1");
        String missing = assertThrows(IllegalArgumentException.class, () -> layout.fromPyTorch(torch)).getMessage();
        assertTrue(missing.startsWith("missing tensor 'weight_hh_l1' (have ["), missing);
        torch.put("weight_hh_l1", new double[3]);
        assertEquals("tensor 'weight_hh_l1' has 3 values, expected 4",
                assertThrows(IllegalArgumentException.class, () -> layout.fromPyTorch(torch)).getMessage());
    }

    @Test
    void fingerprintDistinguishesArchitectures() {
        NetworkSpec other = new NetworkSpec(3, List.of(LayerSpec.lstm(4), LayerSpec.rnn(2, Activation.TANH)), 4,
                Loss.CROSS_ENTROPY);
        assertEquals(new ParameterLayout(SPEC).fingerprint(), new ParameterLayout(SPEC).fingerprint());
        assertNotEquals(new ParameterLayout(SPEC).fingerprint(), new ParameterLayout(other).fingerprint());
    }
}
