package org.sparkrnn.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where every parameter lives in the one flat array that holds a model (and, with the same layout, its gradient and
 * each optimizer moment). Per layer k and direction (the reverse one with PyTorch's {@code _reverse} suffix), in
 * this order: {@code weight_ih_lk} (G·H × I_k), {@code weight_hh_lk} (G·H × H), then for LSTM and RNN
 * {@code bias_lk} (G·H, PyTorch's bias_ih + bias_hh summed) and for GRU {@code bias_ih_lk} and {@code bias_hh_lk}
 * (kept apart: b_hn sits inside r⊙(...)); with a {@link Decoder}, {@code decoder.weight} (N × (D·H_L + K)) and
 * {@code decoder.bias} (N); then the head {@code weight} (V × D·H_L, or P × N after a decoder) and {@code bias}. Gate
 * blocks inside the G·H rows are in PyTorch order: i, f, g, o (LSTM); r, z, n (GRU).
 */
public final class ParameterLayout {

    /**
     * Offsets of one recurrent layer direction's blocks.
     *
     * @param bias           LSTM/RNN: bias_ih + bias_hh; GRU: bias_ih
     * @param recurrentBias  GRU: bias_hh; null otherwise
     */
    public record LayerBlocks(ParameterBlock inputWeights, ParameterBlock recurrentWeights, ParameterBlock bias,
                              ParameterBlock recurrentBias) {
    }

    private final NetworkSpec spec;
    private final List<LayerBlocks> layers; // index k·D + d
    private final ParameterBlock decoderWeight; // null without a decoder
    private final ParameterBlock decoderBias;
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
            for (int d = 0; d < spec.directions(); d++) {
                String suffix = k + (d == 1 ? "_reverse" : "");
                ParameterBlock wih = new ParameterBlock("weight_ih_l" + suffix, offset, gh, spec.layerInputSize(k));
                offset = wih.end();
                ParameterBlock whh = new ParameterBlock("weight_hh_l" + suffix, offset, gh, layer.hiddenSize());
                offset = whh.end();
                boolean gru = layer.cell().hasRecurrentBias();
                ParameterBlock bias = new ParameterBlock((gru ? "bias_ih_l" : "bias_l") + suffix, offset, gh, 1);
                offset = bias.end();
                ParameterBlock bhh = null;
                if (gru) {
                    bhh = new ParameterBlock("bias_hh_l" + suffix, offset, gh, 1);
                    offset = bhh.end();
                }
                layerBlocks.add(new LayerBlocks(wih, whh, bias, bhh));
                all.add(wih);
                all.add(whh);
                all.add(bias);
                if (bhh != null) {
                    all.add(bhh);
                }
            }
        }
        if (spec.hasDecoder()) {
            Decoder decoder = spec.decoder();
            decoderWeight = new ParameterBlock("decoder.weight", offset, decoder.hiddenSize(),
                    spec.headInputSize() + decoder.knownInputs());
            offset = decoderWeight.end();
            decoderBias = new ParameterBlock("decoder.bias", offset, decoder.hiddenSize(), 1);
            offset = decoderBias.end();
            all.add(decoderWeight);
            all.add(decoderBias);
        } else {
            decoderWeight = null;
            decoderBias = null;
        }
        headWeight = new ParameterBlock("weight", offset, spec.outputLayerSize(), spec.outputLayerInputSize());
        offset = headWeight.end();
        headBias = new ParameterBlock("bias", offset, spec.outputLayerSize(), 1);
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

    /** Layer k's forward direction. */
    public LayerBlocks layer(int k) {
        return layer(k, 0);
    }

    /** Layer k, direction d (0 forward, 1 reverse). */
    public LayerBlocks layer(int k, int d) {
        return layers.get(k * spec.directions() + d);
    }

    /** Every layer direction, layer by layer, forward first. */
    public List<LayerBlocks> layerDirections() {
        return layers;
    }

    /** The decoder's hidden layer weight (N × (D·H_L + K)); null without a decoder. */
    public ParameterBlock decoderWeight() {
        return decoderWeight;
    }

    /** The decoder's hidden layer bias (N); null without a decoder. */
    public ParameterBlock decoderBias() {
        return decoderBias;
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

    /** PyTorch's name suffix for a layer direction's tensors: {@code l0}, {@code l0_reverse}. */
    private String suffix(int index) {
        int k = index / spec.directions();
        return "l" + k + (index % spec.directions() == 1 ? "_reverse" : "");
    }

    /**
     * The parameters as PyTorch names them ({@code nn.LSTM}/{@code nn.RNN}/{@code nn.GRU} per layer plus an
     * {@code nn.Linear} head): for LSTM and RNN the summed bias goes to {@code bias_ih_lk} and zeros to
     * {@code bias_hh_lk}; GRU's two biases go where they are. Shapes are row-major.
     */
    public Map<String, double[]> toPyTorch(double[] params) {
        checkLength(params);
        Map<String, double[]> out = new LinkedHashMap<>();
        for (int n = 0; n < layers.size(); n++) {
            LayerBlocks lb = layers.get(n);
            String sfx = suffix(n);
            out.put("weight_ih_" + sfx, slice(params, lb.inputWeights()));
            out.put("weight_hh_" + sfx, slice(params, lb.recurrentWeights()));
            out.put("bias_ih_" + sfx, slice(params, lb.bias()));
            out.put("bias_hh_" + sfx, lb.recurrentBias() != null ? slice(params, lb.recurrentBias())
                    : new double[lb.bias().size()]);
        }
        if (decoderWeight != null) {
            out.put(decoderWeight.name(), slice(params, decoderWeight));
            out.put(decoderBias.name(), slice(params, decoderBias));
        }
        out.put(headWeight.name(), slice(params, headWeight));
        out.put(headBias.name(), slice(params, headBias));
        return out;
    }

    /** PyTorch shape of a tensor named by {@link #toPyTorch}. */
    public int[] pyTorchShape(String name) {
        for (int n = 0; n < layers.size(); n++) {
            LayerBlocks lb = layers.get(n);
            String sfx = suffix(n);
            if (name.equals("weight_ih_" + sfx)) {
                return new int[] {lb.inputWeights().rows(), lb.inputWeights().cols()};
            }
            if (name.equals("weight_hh_" + sfx)) {
                return new int[] {lb.recurrentWeights().rows(), lb.recurrentWeights().cols()};
            }
            if (name.equals("bias_ih_" + sfx) || name.equals("bias_hh_" + sfx)) {
                return new int[] {lb.bias().size()};
            }
        }
        if (decoderWeight != null && name.equals(decoderWeight.name())) {
            return new int[] {decoderWeight.rows(), decoderWeight.cols()};
        }
        if (decoderBias != null && name.equals(decoderBias.name())) {
            return new int[] {decoderBias.size()};
        }
        if (name.equals(headWeight.name())) {
            return new int[] {headWeight.rows(), headWeight.cols()};
        }
        if (name.equals(headBias.name())) {
            return new int[] {headBias.size()};
        }
        throw new IllegalArgumentException("no parameter named '" + name + "' in " + spec.describe());
    }

    /**
     * The inverse of {@link #toPyTorch}: for LSTM and RNN bias_ih and bias_hh are summed. Every tensor must be
     * present and sized.
     */
    public double[] fromPyTorch(Map<String, double[]> tensors) {
        double[] params = new double[size];
        for (int n = 0; n < layers.size(); n++) {
            LayerBlocks lb = layers.get(n);
            String sfx = suffix(n);
            copyIn(tensors, "weight_ih_" + sfx, params, lb.inputWeights());
            copyIn(tensors, "weight_hh_" + sfx, params, lb.recurrentWeights());
            copyIn(tensors, "bias_ih_" + sfx, params, lb.bias());
            if (lb.recurrentBias() != null) {
                copyIn(tensors, "bias_hh_" + sfx, params, lb.recurrentBias());
            } else {
                double[] hh = require(tensors, "bias_hh_" + sfx, lb.bias().size());
                for (int j = 0; j < hh.length; j++) {
                    params[lb.bias().offset() + j] += hh[j];
                }
            }
        }
        if (decoderWeight != null) {
            copyIn(tensors, decoderWeight.name(), params, decoderWeight);
            copyIn(tensors, decoderBias.name(), params, decoderBias);
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
