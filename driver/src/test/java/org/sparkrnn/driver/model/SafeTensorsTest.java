package org.sparkrnn.driver.model;

import org.sparkrnn.serve.TorchNames;
import org.sparkrnn.serve.SafeTensors;
import org.junit.jupiter.api.Test;
import org.sparkrnn.data.LabelKind;
import org.sparkrnn.data.LabelShape;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.data.Standardization;
import org.sparkrnn.data.WindowTransform;
import org.sparkrnn.driver.data.records.RecordShape;
import org.sparkrnn.driver.data.records.Vocabulary;
import org.sparkrnn.kernel.ForwardResult;
import org.sparkrnn.kernel.NetworkKernel;
import org.sparkrnn.kernel.OutputMode;
import org.sparkrnn.kernel.Precision;
import org.sparkrnn.model.Activation;
import org.sparkrnn.model.InitOptions;
import org.sparkrnn.model.Initializer;
import org.sparkrnn.model.LayerSpec;
import org.sparkrnn.model.Loss;
import org.sparkrnn.model.NetworkSpec;
import org.sparkrnn.model.ParameterLayout;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Weights to and from PyTorch: exact round trips, and files written by PyTorch that reproduce PyTorch's outputs. */
class SafeTensorsTest {

    private static final NetworkSpec SPEC = new NetworkSpec(3,
            List.of(LayerSpec.lstm(4), LayerSpec.lstm(4)), 2, Loss.MSE);

    @Test
    void exportThenImportIsExact() throws IOException {
        double[] params = Initializer.initialize(new ParameterLayout(SPEC), InitOptions.defaults());
        SavedModel model = new SavedModel(SPEC, params,
                new RecordShape(3, false, LabelShape.PER_SEQUENCE, LabelKind.VALUES, 2, 0),
                new Standardization(new double[] {1, 2, 3}, new double[] {4, 5, 6}, new double[] {7, 8},
                        new double[] {9, 10}),
                Vocabulary.of("abc"), WindowTransform.RELATIVE_TO_LAST);
        SavedModel back = ModelFile.decode(ModelFile.encode(model, Precision.FLOAT64), "test");
        assertArrayEquals(params, back.params());
        assertEquals(SPEC, back.spec());
        assertEquals(model.shape(), back.shape());
        assertArrayEquals(model.standardization().targetStd(), back.standardization().targetStd());
        assertEquals("abc", back.vocabulary().symbols());
        assertEquals(WindowTransform.RELATIVE_TO_LAST, back.windowTransform());
        for (WindowTransform transform : WindowTransform.values()) {
            SavedModel other = new SavedModel(SPEC, params, model.shape(), model.standardization(),
                    model.vocabulary(), transform);
            assertEquals(transform, ModelFile.decode(ModelFile.encode(other, Precision.FLOAT64), "test")
                    .windowTransform());
        }
        // float32 export rounds each weight to float, nothing else
        double[] f32 = ModelFile.decode(ModelFile.encode(model, Precision.FLOAT32), "test").params();
        for (int j = 0; j < params.length; j++) {
            assertEquals((float) params[j], f32[j], 0.0);
        }
        var names = TorchNames.tensors(SPEC, params, Precision.FLOAT64).keySet();
        assertEquals(List.of("lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0", "lstm.bias_hh_l0",
                "lstm.weight_ih_l1", "lstm.weight_hh_l1", "lstm.bias_ih_l1", "lstm.bias_hh_l1", "head.weight",
                "head.bias"), List.copyOf(names));
    }

    @Test
    void filesWrittenByPyTorchLoadAndReproduceItsOutputs() throws IOException {
        List<String> golden = lines("/golden/torch_forward.txt");
        for (String kind : List.of("lstm", "rnn")) {
            NetworkSpec spec = kind.equals("lstm") ? SPEC : new NetworkSpec(3,
                    List.of(LayerSpec.rnn(4, Activation.TANH), LayerSpec.rnn(4, Activation.TANH)), 2, Loss.MSE);
            SafeTensors.Contents contents;
            try (InputStream in = getClass().getResourceAsStream("/golden/torch_" + kind + ".safetensors")) {
                contents = SafeTensors.read(in, kind);
            }
            assertEquals("pt", contents.metadata().get("format"));
            double[] params = TorchNames.importWeights(contents, spec, kind);
            // PyTorch's two biases are both non-zero: importing sums them
            assertNotEquals(0.0, contents.tensors().get(kind + ".bias_hh_l0").values()[0]);

            int at = golden.indexOf("model " + kind);
            SequenceBatch.Builder builder = SequenceBatch.unlabelledBuilder(3);
            List<double[]> expected = new ArrayList<>();
            for (int b = 0; b < 2; b++) {
                double[] x = numbers(golden.get(at + 1 + 2 * b), "input");
                double[][] steps = new double[5][];
                for (int t = 0; t < 5; t++) {
                    steps[t] = Arrays.copyOfRange(x, 3 * t, 3 * t + 3);
                }
                builder.add(steps);
                expected.add(numbers(golden.get(at + 2 + 2 * b), "output"));
            }
            ForwardResult result = NetworkKernel.create(spec, Precision.FLOAT64)
                    .forward(params, builder.build(), OutputMode.EVERY_STEP, null);
            for (int b = 0; b < 2; b++) {
                for (int t = 0; t < 5; t++) {
                    for (int j = 0; j < 2; j++) {
                        assertEquals(expected.get(b)[2 * t + j], result.output(5 * b + t, j), 1e-12,
                                kind + " sequence " + b + " step " + t + " output " + j);
                    }
                }
            }
            // and our own export of those weights reads back identically
            byte[] again = SafeTensors.toBytes(TorchNames.tensors(spec, params, Precision.FLOAT64), null);
            assertArrayEquals(params, TorchNames.importWeights(SafeTensors.read(new ByteArrayInputStream(again), "x"),
                    spec, "x"));
        }
    }

    @Test
    void halfPrecisionDecodes() {
        assertEquals(1.0f, SafeTensors.halfToFloat((short) 0x3C00));
        assertEquals(-2.0f, SafeTensors.halfToFloat((short) 0xC000));
        assertEquals(0.000060975552f, SafeTensors.halfToFloat((short) 0x03FF), 1e-12f);
        assertEquals(Float.POSITIVE_INFINITY, SafeTensors.halfToFloat((short) 0x7C00));
    }

    private static double[] numbers(String line, String tag) {
        String[] parts = line.split(" ");
        assertEquals(tag, parts[0]);
        return Arrays.stream(parts, 1, parts.length).mapToDouble(Double::parseDouble).toArray();
    }

    private List<String> lines(String resource) throws IOException {
        try (InputStream in = getClass().getResourceAsStream(resource)) {
            return List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"));
        }
    }
}
