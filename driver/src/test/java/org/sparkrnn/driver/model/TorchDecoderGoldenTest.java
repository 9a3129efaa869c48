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
import org.sparkrnn.model.Decoder;
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
 * The forecast decoder against PyTorch ({@code torch_decoder.py} beside the fixture): a 2-layer LSTM, then per
 * predicted step a shared MLP on [h_n ; that step's known inputs] (a covariate and a static column of the step's
 * row). Its weights load by their torch names; over 3 windows of different lengths we reproduce torch's outputs and
 * the gradient of every parameter, with the fast kernel and the reference; our export has exactly torch's names and
 * shapes.
 */
class TorchDecoderGoldenTest {

    private static final int STEPS = 3;
    private static final NetworkSpec SPEC = new NetworkSpec(3, List.of(LayerSpec.lstm(4), LayerSpec.lstm(4)),
            STEPS * 2, Loss.MSE, false, 0, Pooling.LAST, new Decoder(5, STEPS, List.of(1, 2)));

    @Test
    void aDecoderFromPyTorchReproducesItsOutputsAndGradients() throws IOException {
        SafeTensors.Contents contents;
        try (InputStream in = getClass().getResourceAsStream("/golden/torch_decoder.safetensors")) {
            contents = SafeTensors.read(in, "torch_decoder");
        }
        double[] params = TorchNames.importWeights(contents, SPEC, "torch_decoder");
        Map<String, SafeTensors.Tensor> exported = TorchNames.tensors(SPEC, params, Precision.FLOAT64);
        assertEquals(contents.tensors().keySet(), exported.keySet());
        for (Map.Entry<String, SafeTensors.Tensor> e : exported.entrySet()) {
            assertArrayEquals(contents.tensors().get(e.getKey()).shape(), e.getValue().shape(), e.getKey());
            double[] expected = contents.tensors().get(e.getKey()).values().clone();
            if (e.getKey().startsWith("lstm.bias_")) {
                // an LSTM's two biases are exported summed into bias_ih, zeros in bias_hh
                double[] other = contents.tensors().get(e.getKey().replace("_ih_", "_XX_").replace("_hh_", "_ih_")
                        .replace("_XX_", "_hh_")).values();
                for (int j = 0; j < expected.length; j++) {
                    expected[j] = e.getKey().startsWith("lstm.bias_ih") ? expected[j] + other[j] : 0.0;
                }
            }
            assertArrayEquals(expected, e.getValue().values(), 0, e.getKey());
        }

        List<double[][]> inputs = new ArrayList<>();
        List<double[]> future = new ArrayList<>();
        List<double[]> outputs = new ArrayList<>();
        List<double[]> targets = new ArrayList<>();
        Map<String, double[]> gradients = new LinkedHashMap<>();
        for (String line : lines()) {
            if (line.startsWith("#") || line.isBlank()) {
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
                case "future" -> future.add(numbers);
                case "output" -> outputs.add(numbers);
                case "target" -> targets.add(numbers);
                case "grad" -> gradients.put(words[1], numbers);
                default -> { }
            }
        }
        assertEquals(List.of(5, 2, 4), inputs.stream().map(s -> s.length).toList());

        SequenceBatch.Builder builder = SequenceBatch.builder(3, LabelShape.PER_SEQUENCE, LabelKind.VALUES, STEPS * 2);
        for (int b = 0; b < inputs.size(); b++) {
            builder.add(inputs.get(b), targets.get(b));
        }
        SequenceBatch batch = builder.build().withFuture(STEPS,
                future.stream().flatMapToDouble(Arrays::stream).toArray());
        for (NetworkKernel kernel : List.of(NetworkKernel.create(SPEC, Precision.FLOAT64),
                new ReferenceNetwork(SPEC, 0))) {
            double[] y = kernel.forward(params, batch, OutputMode.LAST_STEP, null).outputs();
            assertClose(outputs.stream().flatMapToDouble(Arrays::stream).toArray(), y, "outputs");
            GradientAccumulator acc = new GradientAccumulator();
            kernel.accumulate(params, batch, acc);
            Map<String, double[]> ours = new ParameterLayout(SPEC).toPyTorch(acc.gradient());
            assertEquals(gradients.size(), ours.size());
            for (Map.Entry<String, double[]> e : ours.entrySet()) {
                String name = TorchNames.qualified(SPEC, e.getKey());
                assertTrue(gradients.containsKey(name), name);
                if (name.startsWith("lstm.bias_hh")) {
                    continue; // we hold one LSTM bias: its gradient is bias_ih's (checked), torch's bias_hh the same
                }
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
        try (InputStream in = getClass().getResourceAsStream("/golden/torch_decoder.txt")) {
            return List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"));
        }
    }
}
