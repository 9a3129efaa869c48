package org.sparkrnn.serve;

import org.sparkrnn.kernel.Precision;
import org.sparkrnn.model.NetworkSpec;
import org.sparkrnn.model.ParameterLayout;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model's weights under PyTorch's module names, as model files and exports hold them: {@code lstm.weight_ih_l0},
 * {@code gru.bias_hh_l1_reverse}, ... ({@code lstm.}, {@code gru.}, {@code rnn.}: each layer's module), the decoder's
 * {@code decoder.weight} and {@code decoder.bias}, the head's {@code head.weight} and {@code head.bias}.
 */
public final class TorchNames {

    private TorchNames() {
    }

    /** PyTorch-named tensors, F64 or F32 by precision. */
    public static Map<String, SafeTensors.Tensor> tensors(NetworkSpec spec, double[] params, Precision precision) {
        ParameterLayout layout = new ParameterLayout(spec);
        String dtype = dtype(precision);
        Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>();
        layout.toPyTorch(params).forEach((name, values) -> {
            int[] shape = layout.pyTorchShape(name);
            long[] dims = new long[shape.length];
            for (int d = 0; d < dims.length; d++) {
                dims[d] = shape[d];
            }
            tensors.put(qualified(spec, name), new SafeTensors.Tensor(dtype, dims, values));
        });
        return tensors;
    }

    /** The safetensors dtype of a precision: F64 or F32. */
    public static String dtype(Precision precision) {
        return precision == Precision.FLOAT64 ? "F64" : "F32";
    }

    /** The flat parameters of {@code spec} from PyTorch-named tensors (e.g. a file written by PyTorch). */
    public static double[] importWeights(SafeTensors.Contents contents, NetworkSpec spec, String source) {
        ParameterLayout layout = new ParameterLayout(spec);
        Map<String, double[]> byName = new LinkedHashMap<>();
        for (String name : layout.toPyTorch(new double[layout.size()]).keySet()) {
            String key = qualified(spec, name);
            SafeTensors.Tensor tensor = contents.tensors().get(key);
            if (tensor == null) {
                throw new ModelFileException(source, "no tensor '" + key + "' for " + spec.describe()
                        + " (the file has " + contents.tensors().keySet() + ")");
            }
            int[] expected = layout.pyTorchShape(name);
            if (!Arrays.equals(Arrays.stream(expected).asLongStream().toArray(), tensor.shape())) {
                throw new ModelFileException(source, "tensor '" + key + "' has shape "
                        + Arrays.toString(tensor.shape()) + ", " + spec.describe() + " needs "
                        + Arrays.toString(expected));
            }
            byName.put(name, tensor.values());
        }
        return layout.fromPyTorch(byName);
    }

    /**
     * {@code weight_ih_l0} → {@code lstm.weight_ih_l0} (rnn., gru.: the layer's PyTorch module), also with the
     * {@code _reverse} suffix; head {@code weight} → {@code head.weight}.
     */
    public static String qualified(NetworkSpec spec, String name) {
        if (name.contains(".")) {
            return name; // already a module's: the decoder's
        }
        int at = name.lastIndexOf("_l");
        if (at < 0) {
            return "head." + name;
        }
        int layer = Integer.parseInt(name.substring(at + 2).replace("_reverse", ""));
        return spec.layer(layer).cell().moduleName() + "." + name;
    }
}
