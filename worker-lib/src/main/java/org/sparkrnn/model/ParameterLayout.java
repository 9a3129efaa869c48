package org.sparkrnn.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where every parameter lives in the one flat array that holds a model (and, with the same layout, its gradient and
 * each optimizer moment). Per layer k, in this order: {@code weight_ih_lk} (G·H × I_k), {@code weight_hh_lk}
 * (G·H × H), {@code bias_lk} (G·H, PyTorch's bias_ih + bias_hh summed); then the head {@code weight} (V × H_L) and
 * {@code bias} (V). Gate blocks inside the G·H rows are in PyTorch order i, f, g, o.
 */
public final class ParameterLayout {

    /** Offsets of one recurrent layer's three blocks. */
    public record LayerBlocks(ParameterBlock inputWeights, ParameterBlock recurrentWeights, ParameterBlock bias) {
    }

    private final NetworkSpec spec;
    private final List<LayerBlocks> layers;
    private final ParameterBlock headWeight;
    private final ParameterBlock headBias;
    private final List<ParameterBlock> blocks;
    private final int size;
    private final long fingerprint;

    public ParameterLayout(NetworkSpec spec) {
        this.spec = spec;
        List<LayerBlocks> layerBlocks = new ArrayList<>();
        List<ParameterBlock> all = new ArrayList<>();
        int offset = 0;
        for (int k = 0; k < spec.layerCount(); k++) {
            LayerSpec layer = spec.layer(k);
            int gh = layer.gateRows();
            ParameterBlock wih = new ParameterBlock("weight_ih_l" + k, offset, gh, spec.layerInputSize(k));
            offset = wih.end();
            ParameterBlock whh = new ParameterBlock("weight_hh_l" + k, offset, gh, layer.hiddenSize());
            offset = whh.end();
            ParameterBlock bias = new ParameterBlock("bias_l" + k, offset, gh, 1);
            offset = bias.end();
            layerBlocks.add(new LayerBlocks(wih, whh, bias));
            all.add(wih);
            all.add(whh);
            all.add(bias);
        }
        headWeight = new ParameterBlock("weight", offset, spec.outputSize(), spec.topHiddenSize());
        offset = headWeight.end();
        headBias = new ParameterBlock("bias", offset, spec.outputSize(), 1);
        offset = headBias.end();
        all.add(headWeight);
        all.add(headBias);
        this.layers = Collections.unmodifiableList(layerBlocks);
        this.blocks = Collections.unmodifiableList(all);
        this.size = offset;
        long hash = 0xcbf29ce484222325L; // FNV-1a over every block's name and shape
        for (ParameterBlock block : all) {
            String key = block.name() + ':' + block.rows() + 'x' + block.cols() + ';';
            for (int j = 0; j < key.length(); j++) {
                hash = (hash ^ key.charAt(j)) * 0x100000001b3L;
            }
        }
        this.fingerprint = hash;
    }

    /**
     * A 64-bit digest of every block's name and shape: two layouts with the same fingerprint store the same
     * parameters at the same offsets. Carried by accumulators so that sums of different models never merge.
     */
    public long fingerprint() {
        return fingerprint;
    }

    public NetworkSpec spec() {
        return spec;
    }

    /** P, the total number of parameters. */
    public int size() {
        return size;
    }

    public LayerBlocks layer(int k) {
        return layers.get(k);
    }

    public ParameterBlock headWeight() {
        return headWeight;
    }

    public ParameterBlock headBias() {
        return headBias;
    }

    /** Every block in storage order. */
    public List<ParameterBlock> blocks() {
        return blocks;
    }

    /** The block holding flat index {@code index}; used to name the culprit of a non-finite gradient. */
    public ParameterBlock blockOf(int index) {
        for (ParameterBlock block : blocks) {
            if (block.contains(index)) {
                return block;
            }
        }
        throw new IndexOutOfBoundsException("parameter index " + index + " outside [0, " + size + ")");
    }

    /** A readable name for one scalar parameter, e.g. {@code weight_hh_l0[3,1]}. */
    public String describeIndex(int index) {
        ParameterBlock block = blockOf(index);
        int local = index - block.offset();
        return block.cols() == 1
                ? block.name() + "[" + local + "]"
                : block.name() + "[" + local / block.cols() + "," + local % block.cols() + "]";
    }

    /**
     * The parameters as PyTorch names them ({@code nn.LSTM}/{@code nn.RNN} per layer plus an {@code nn.Linear} head):
     * the summed bias goes to {@code bias_ih_lk} and zeros to {@code bias_hh_lk}. Shapes are row-major.
     */
    public Map<String, double[]> toPyTorch(double[] params) {
        checkLength(params);
        Map<String, double[]> out = new LinkedHashMap<>();
        for (int k = 0; k < layers.size(); k++) {
            LayerBlocks lb = layers.get(k);
            out.put(lb.inputWeights().name(), slice(params, lb.inputWeights()));
            out.put(lb.recurrentWeights().name(), slice(params, lb.recurrentWeights()));
            out.put("bias_ih_l" + k, slice(params, lb.bias()));
            out.put("bias_hh_l" + k, new double[lb.bias().size()]);
        }
        out.put(headWeight.name(), slice(params, headWeight));
        out.put(headBias.name(), slice(params, headBias));
        return out;
    }

    /** PyTorch shape of a tensor named by {@link #toPyTorch}. */
    public int[] pyTorchShape(String name) {
        for (int k = 0; k < layers.size(); k++) {
            LayerBlocks lb = layers.get(k);
            if (name.equals(lb.inputWeights().name())) {
                return new int[] {lb.inputWeights().rows(), lb.inputWeights().cols()};
            }
            if (name.equals(lb.recurrentWeights().name())) {
                return new int[] {lb.recurrentWeights().rows(), lb.recurrentWeights().cols()};
            }
            if (name.equals("bias_ih_l" + k) || name.equals("bias_hh_l" + k)) {
                return new int[] {lb.bias().size()};
            }
        }
        if (name.equals(headWeight.name())) {
            return new int[] {headWeight.rows(), headWeight.cols()};
        }
        if (name.equals(headBias.name())) {
            return new int[] {headBias.size()};
        }
        throw new IllegalArgumentException("no parameter named '" + name + "' in " + spec.describe());
    }

    /** The inverse of {@link #toPyTorch}: bias_ih and bias_hh are summed. Every tensor must be present and sized. */
    public double[] fromPyTorch(Map<String, double[]> tensors) {
        double[] params = new double[size];
        for (int k = 0; k < layers.size(); k++) {
            LayerBlocks lb = layers.get(k);
            copyIn(tensors, lb.inputWeights().name(), params, lb.inputWeights());
            copyIn(tensors, lb.recurrentWeights().name(), params, lb.recurrentWeights());
            copyIn(tensors, "bias_ih_l" + k, params, lb.bias());
            double[] hh = require(tensors, "bias_hh_l" + k, lb.bias().size());
            for (int j = 0; j < hh.length; j++) {
                params[lb.bias().offset() + j] += hh[j];
            }
        }
        copyIn(tensors, headWeight.name(), params, headWeight);
        copyIn(tensors, headBias.name(), params, headBias);
        return params;
    }

    public void checkLength(double[] params) {
        if (params.length != size) {
            throw new IllegalArgumentException("parameter array has " + params.length + " values, the layout of "
                    + spec.describe() + " needs " + size);
        }
    }

    private static double[] slice(double[] params, ParameterBlock block) {
        double[] out = new double[block.size()];
        System.arraycopy(params, block.offset(), out, 0, block.size());
        return out;
    }

    private static void copyIn(Map<String, double[]> tensors, String name, double[] params, ParameterBlock block) {
        System.arraycopy(require(tensors, name, block.size()), 0, params, block.offset(), block.size());
    }

    private static double[] require(Map<String, double[]> tensors, String name, int expected) {
        double[] values = tensors.get(name);
        if (values == null) {
            throw new IllegalArgumentException("missing tensor '" + name + "' (have " + tensors.keySet() + ")");
        }
        if (values.length != expected) {
            throw new IllegalArgumentException("tensor '" + name + "' has " + values.length + " values, expected " + expected);
        }
        return values;
    }
}
