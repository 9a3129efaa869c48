package org.sparkrnn.driver.model;

import org.sparkrnn.serve.TorchNames;
import org.sparkrnn.serve.SafeTensors;
import org.junit.jupiter.api.Test;
import org.sparkrnn.aggregate.GradientAccumulator;
import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.kernel.NetworkKernel;
import org.sparkrnn.kernel.OutputMode;
import org.sparkrnn.kernel.Precision;
import org.sparkrnn.model.LayerSpec;
import org.sparkrnn.model.Loss;
import org.sparkrnn.model.NetworkSpec;
import org.sparkrnn.model.ParameterLayout;
import org.sparkrnn.model.Pooling;
import org.sparkrnn.reference.ReferenceNetwork;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bidirectional 2-layer GRU written by PyTorch ({@code torch_bigru.py} beside the fixture): its weights load, and
 * over 3 sequences of different lengths (packed, so each reverse pass starts at its sequence's last step) we
 * reproduce torch's per-step outputs, the head on h_n, and the gradient of every parameter; our export of the same
 * model has exactly the names and shapes of torch's {@code state_dict}.
 */
class TorchGruGoldenTest {

    private static final NetworkSpec SPEC = new NetworkSpec(3, List.of(LayerSpec.gru(4), LayerSpec.gru(4)), 2,
            Loss.MSE, true, 0, Pooling.LAST);

    @Test
    void aBidirectionalGruFromPyTorchReproducesItsOutputsAndGradients() throws IOException {
        SafeTensors.Contents contents;
        try (InputStream in = getClass().getResourceAsStream("/golden/torch_bigru.safetensors")) {
            contents = SafeTensors.read(in, "torch_bigru");
        }
        double[] params = TorchNames.importWeights(contents, SPEC, "torch_bigru");

        // export: torch's names and shapes, nothing more, nothing less
        Map<String, SafeTensors.Tensor> exported = TorchNames.tensors(SPEC, params, Precision.FLOAT64);
        assertEquals(contents.tensors().keySet(), exported.keySet());
        for (Map.Entry<String, SafeTensors.Tensor> e : exported.entrySet()) {
            assertArrayEquals(contents.tensors().get(e.getKey()).shape(), e.getValue().shape(), e.getKey());
            assertArrayEquals(contents.tensors().get(e.getKey()).values(), e.getValue().values(), 0, e.getKey());
        }

        List<String> golden = lines();
        List<double[][]> inputs = new ArrayList<>();
        List<double[]> perStep = new ArrayList<>();
        List<double[]> last = new ArrayList<>();
        List<double[]> targets = new ArrayList<>();
        Map<String, double[]> gradients = new LinkedHashMap<>();
        for (String line : golden) {
            if (line.startsWith("#")) {
                continue;
            }
            String[] words = line.split(" ");
            double[] numbers = Arrays.stream(words).skip(words[0].equals("grad") ? 2 : 1)
                    .mapToDouble(Double::parseDouble).toArray();
            switch (words[0]) {
                case "input" -> {
                    double[][] steps = new double[numbers.length / 3][];
                    for (int t = 0; t < steps.length; t++) {
                        steps[t] = Arrays.copyOfRange(numbers, 3 * t, 3 * t + 3);
                    }
                    inputs.add(steps);
                }
                case "per_step" -> perStep.add(numbers);
                case "last" -> last.add(numbers);
                case "target" -> targets.add(numbers);
                case "grad" -> gradients.put(words[1], numbers);
                default -> { }
            }
        }
        assertEquals(List.of(5, 2, 4), inputs.stream().map(s -> s.length).toList());

        SequenceBatch.Builder builder = SequenceBatch.builder(3, LabelShape.PER_SEQUENCE, LabelKind.VALUES, 2);
        for (int b = 0; b < inputs.size(); b++) {
            builder.add(inputs.get(b), targets.get(b));
        }
        SequenceBatch batch = builder.build();
        for (NetworkKernel kernel : List.of(NetworkKernel.create(SPEC, Precision.FLOAT64),
                new ReferenceNetwork(SPEC, 0))) {
            double[] everyStep = kernel.forward(params, batch, OutputMode.EVERY_STEP, null).outputs();
            double[] expected = perStep.stream().flatMapToDouble(Arrays::stream).toArray();
            assertClose(expected, everyStep, "per-step outputs");
            double[] heads = kernel.forward(params, batch, OutputMode.LAST_STEP, null).outputs();
            assertClose(last.stream().flatMapToDouble(Arrays::stream).toArray(), heads, "head on h_n");

            GradientAccumulator acc = new GradientAccumulator();
            kernel.accumulate(params, batch, acc);
            Map<String, double[]> ours = new ParameterLayout(SPEC).toPyTorch(acc.gradient());
            assertEquals(gradients.size(), ours.size());
            for (Map.Entry<String, double[]> e : ours.entrySet()) {
                String name = TorchNames.qualified(SPEC, e.getKey());
                assertTrue(gradients.containsKey(name), name);
                assertClose(gradients.get(name), e.getValue(), "gradient of " + name);
            }
        }
    }

    private static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int j = 0; j < expected.length; j++) {
            assertEquals(expected[j], actual[j], 1e-10 * Math.max(1, Math.abs(expected[j])), what + " [" + j + "]");
        }
    }

    private List<String> lines() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/golden/torch_bigru.txt")) {
            return List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"));
        }
    }
}
