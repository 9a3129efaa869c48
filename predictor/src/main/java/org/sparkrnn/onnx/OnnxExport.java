package org.sparkrnn.onnx;

import org.sparkrnn.data.Standardization;
import org.sparkrnn.data.WindowTransform;
import org.sparkrnn.distribution.ForecastHead;
import org.sparkrnn.distribution.SpecialFunctions;
import org.sparkrnn.model.CellType;
import org.sparkrnn.model.Decoder;
import org.sparkrnn.model.LayerSpec;
import org.sparkrnn.model.Loss;
import org.sparkrnn.model.NetworkSpec;
import org.sparkrnn.model.ParameterBlock;
import org.sparkrnn.model.ParameterLayout;
import org.sparkrnn.model.Pooling;
import org.sparkrnn.onnx.proto.Onnx.ModelProto;
import org.sparkrnn.onnx.proto.Onnx.OperatorSetIdProto;
import org.sparkrnn.onnx.proto.Onnx.StringStringEntryProto;
import org.sparkrnn.onnx.proto.Onnx.TensorProto;
import org.sparkrnn.serve.ServedModel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.sparkrnn.onnx.GraphBuilder.floatsAttr;
import static org.sparkrnn.onnx.GraphBuilder.intAttr;
import static org.sparkrnn.onnx.GraphBuilder.intsAttr;
import static org.sparkrnn.onnx.GraphBuilder.stringAttr;
import static org.sparkrnn.onnx.GraphBuilder.stringsAttr;

/**
 * A trained model as one ONNX graph (opset {@value #OPSET}, float32), inputs in the data's units and outputs in
 * them too, as {@code predict} gives them. Recurrent layers are ONNX's own {@code LSTM}, {@code GRU} and {@code RNN}
 * operators (their gates reordered from PyTorch's: LSTM i,f,g,o → i,o,f,c; GRU r,z,n → z,r,h with
 * {@code linear_before_reset = 1}; the input and recurrent biases side by side), stacked and bidirectional, dropout
 * gone (inference), then the pooling, the forecast decoder, the head, softmax for a classifier, and every input and
 * output transform the model has.
 *
 * <p>Inputs:
 * <ul>
 *   <li>{@code input} float [batch, steps, I]: each window's rows, as the data holds them;</li>
 *   <li>{@code sequence_lens} int32 [batch]: each window's real steps (1..steps); the rows after them are
 *   padding, never read;</li>
 *   <li>{@code series_scale} float [batch] (a model that scales each series): the window's series' scale from the
 *   table exported beside the graph; 0 for a series the model never saw (the graph then takes the mean of the
 *   window's absolute first inputs, as {@code predict} does);</li>
 *   <li>{@code future} float [batch, S, I] (a model with a forecast decoder): the rows of the S steps it predicts,
 *   of which the decoder reads the known inputs.</li>
 * </ul>
 * Outputs: {@code prediction} float [batch, V] ([batch] for one value; per-step models add a steps axis after
 * batch), a classifier's most probable class as a float and {@code probability} [batch, K]; a probabilistic model's
 * {@code quantiles} [batch, V, L] at the levels in the model's {@code sparkrnn.quantile_levels} metadata.
 */
public final class OnnxExport {

    /** The ONNX operator set the graphs use. */
    public static final int OPSET = 17;
    /** The IR version of the schema the graphs are written with (ONNX 1.12). */
    public static final int IR_VERSION = 8;

    private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    private static final int INT32 = TensorProto.DataType.INT32_VALUE;
    private static final int INT64 = TensorProto.DataType.INT64_VALUE;

    private OnnxExport() {
    }

    /**
     * Why ONNX cannot express {@code model}, or null when it can: a student-t or negative binomial head's quantiles
     * (their inverse distribution functions are no ONNX operator).
     */
    public static String inexpressible(ServedModel model) {
        Loss loss = model.spec().loss();
        if (loss == Loss.STUDENT_T || loss == Loss.NEGATIVE_BINOMIAL) {
            return "a " + loss.cliName() + " head's quantiles (its inverse distribution function is no ONNX"
                    + " operator); train with --loss gaussian or quantile:LEVELS, or export safetensors";
        }
        return null;
    }

    /**
     * The model as an ONNX file's bytes; {@code levels}: the quantiles a probabilistic model gives (a quantile
     * model's among its trained levels), empty for a point forecast.
     */
    public static byte[] write(ServedModel model, double[] levels) {
        String why = inexpressible(model);
        if (why != null) {
            throw new IllegalArgumentException("ONNX cannot express " + why);
        }
        ForecastHead head = ForecastHead.of(model.spec());
        if (head != null) {
            head.checkLevels(levels);
        }
        GraphBuilder g = new GraphBuilder("sparkrnn");
        Map<String, String> metadata = new LinkedHashMap<>();
        new Writer(g, model, levels.clone(), metadata).write();
        ModelProto.Builder proto = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("sparkrnn")
                .setProducerVersion(OnnxExport.class.getPackage().getImplementationVersion() == null ? "dev"
                        : OnnxExport.class.getPackage().getImplementationVersion())
                .setDocString(model.spec().describe())
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(g.build());
        metadata.forEach((k, v) -> proto.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return proto.build().toByteArray();
    }

    /** One graph's construction: each step adds its nodes and hands on the name of the value it made. */
    private static final class Writer {
        private final GraphBuilder g;
        private final ServedModel model;
        private final NetworkSpec spec;
        private final ParameterLayout layout;
        private final double[] levels;
        private final Map<String, String> metadata;
        private String x;
        private String lengths;
        private String lengths64;
        private String lengthsFloat;
        private String mask; // bool [batch, steps]
        private String maskFloat;
        private String seriesScale; // [batch], the scale each window's outputs are multiplied by at the end
        private String windowOrigin; // [batch] or null
        private String windowScale; // [batch] or null

        Writer(GraphBuilder g, ServedModel model, double[] levels, Map<String, String> metadata) {
            this.g = g;
            this.model = model;
            this.spec = model.spec();
            this.layout = new ParameterLayout(spec);
            this.levels = levels;
            this.metadata = metadata;
        }

        void write() {
            int inputs = spec.inputSize();
            x = g.input("input", FLOAT, "each window's rows in the data's units [batch, steps, features]",
                    "batch", "steps", (long) inputs);
            lengths = g.input("sequence_lens", INT32, "each window's real steps, 1..steps", "batch");
            metadata.put("sparkrnn.model", spec.describe());
            metadata.put("sparkrnn.inputs", "input [batch, steps, " + inputs + "] in the data's units;"
                    + " sequence_lens [batch] int32, each window's real steps");
            String h = pooled(recurrentLayers(standardized(transformedInputs())));
            String raw = head(h);
            outputs(raw);
        }

        // ---- masks over the real steps -------------------------------------------------------------------------

        private String lengths64() {
            if (lengths64 == null) {
                lengths64 = g.node("Cast", List.of(lengths), intAttr("to", INT64));
            }
            return lengths64;
        }

        private String lengthsFloat() {
            if (lengthsFloat == null) {
                lengthsFloat = g.node("Cast", List.of(lengths), intAttr("to", FLOAT));
            }
            return lengthsFloat;
        }

        /** bool [batch, steps]: step t is one of window b's real steps. */
        private String mask() {
            if (mask == null) {
                String steps = g.node("Gather", List.of(g.node("Shape", x), g.longs(true, 1)), intAttr("axis", 0));
                String range = g.node("Range", g.longs(true, 0), steps, g.longs(true, 1));
                mask = g.node("Less", g.node("Unsqueeze", range, g.longs(false, 0)),
                        g.node("Unsqueeze", lengths64(), g.longs(false, 1)));
            }
            return mask;
        }

        private String maskFloat() {
            if (maskFloat == null) {
                maskFloat = g.node("Cast", List.of(mask()), intAttr("to", FLOAT));
            }
            return maskFloat;
        }

        /** [batch]: the mean of {@code values} [batch, steps] over each window's real steps. */
        private String meanOverSteps(String values) {
            String sum = g.node("ReduceSum", List.of(g.node("Mul", values, maskFloat()), g.longs(false, 1)),
                    intAttr("keepdims", 0));
            return g.node("Div", sum, lengthsFloat());
        }

        private String unsqueeze(String value, long... axes) {
            return g.node("Unsqueeze", value, g.longs(false, axes));
        }

        // ---- inputs ----------------------------------------------------------------------------------------------

        /** The first feature divided by the series' scale, then expressed from the window itself. */
        private String transformedInputs() {
            WindowTransform transform = model.windowTransform();
            boolean series = model.seriesScaling() != null;
            if (!series && transform.isIdentity()) {
                return x;
            }
            if (model.perStep()) {
                throw new IllegalArgumentException("a per-step model scales no window");
            }
            String first = g.node("Gather", List.of(x, g.longs(true, 0)), intAttr("axis", 2)); // [batch, steps]
            if (series) {
                String given = g.input("series_scale", FLOAT, "the window's series' scale from the table beside"
                        + " this file; 0 for a series the model never saw", "batch");
                String meanAbs = meanOverSteps(g.node("Abs", first));
                String zero = g.scalar(0);
                String own = g.node("Where", g.node("Greater", meanAbs, zero), meanAbs, g.scalar(1));
                seriesScale = g.node("Where", g.node("Greater", given, zero), given, own);
                first = g.node("Div", first, unsqueeze(seriesScale, 1));
                metadata.put("sparkrnn.series_scale", "series_scale [batch]: the scale of the window's series"
                        + " (key column " + model.seriesScaling().keyColumn() + "), 0 if unknown");
            }
            if (!transform.isIdentity()) {
                String mean = transform.scaled() ? meanOverSteps(first) : null;
                if (transform.fromLast()) {
                    String lastIndex = unsqueeze(g.node("Sub", lengths64(), g.longs(true, 1)), 1);
                    windowOrigin = g.node("Squeeze", g.node("GatherElements", List.of(first, lastIndex),
                            intAttr("axis", 1)), g.longs(false, 1));
                } else {
                    windowOrigin = mean;
                }
                if (transform.scaled()) {
                    String deviation = g.node("Sub", first, unsqueeze(mean, 1));
                    String std = g.node("Sqrt", meanOverSteps(g.node("Mul", deviation, deviation)));
                    String zero = g.scalar(0);
                    // a window that does not vary: its level |origin|, else |mean|, else 1 (WindowTransform.scale)
                    String level = g.node("Where", g.node("Not", g.node("Equal", mean, zero)), g.node("Abs", mean),
                            g.scalar(1));
                    level = g.node("Where", g.node("Not", g.node("Equal", windowOrigin, zero)),
                            g.node("Abs", windowOrigin), level);
                    windowScale = g.node("Where", g.node("Greater", std, zero), std, level);
                }
                if (windowOrigin != null) {
                    first = g.node("Sub", first, unsqueeze(windowOrigin, 1));
                }
                if (windowScale != null) {
                    first = g.node("Div", first, unsqueeze(windowScale, 1));
                }
                metadata.put("sparkrnn.window_transform", transform.describe());
            }
            first = unsqueeze(first, 2);
            int inputs = spec.inputSize();
            if (inputs == 1) {
                return first;
            }
            String rest = g.node("Slice", x, g.longs(false, 1), g.longs(false, inputs), g.longs(false, 2));
            return g.node("Concat", List.of(first, rest), intAttr("axis", 2));
        }

        /** {@code rows} [..., I] standardised as the model's inputs are (or as they are). */
        private String standardized(String rows) {
            Standardization s = model.standardization();
            if (s == null || s.featureMean() == null) {
                return rows;
            }
            int inputs = spec.inputSize();
            return g.node("Div", g.node("Sub", rows, g.floats("feature_mean", s.featureMean(), inputs)),
                    g.floats("feature_std", s.featureStd(), inputs));
        }

        // ---- the network -----------------------------------------------------------------------------------------

        /** The top layer's outputs [steps, batch, D·H] and last states [D, batch, H]. */
        private String[] recurrentLayers(String rows) {
            String in = g.node("Transpose", List.of(rows), intsAttr("perm", 1, 0, 2)); // [steps, batch, I]
            String[] outputs = null;
            for (int k = 0; k < spec.layerCount(); k++) {
                LayerSpec layer = spec.layer(k);
                int d = spec.directions();
                int hidden = layer.hiddenSize();
                int gates = layer.gateRows();
                int width = spec.layerInputSize(k);
                double[] w = new double[d * gates * width];
                double[] r = new double[d * gates * hidden];
                double[] b = new double[d * 2 * gates];
                int[] order = gateOrder(layer.cell());
                for (int dir = 0; dir < d; dir++) {
                    ParameterLayout.LayerBlocks blocks = layout.layer(k, dir);
                    copyGates(blocks.inputWeights(), order, hidden, width, w, dir * gates * width);
                    copyGates(blocks.recurrentWeights(), order, hidden, hidden, r, dir * gates * hidden);
                    copyGates(blocks.bias(), order, hidden, 1, b, dir * 2 * gates);
                    if (blocks.recurrentBias() != null) {
                        copyGates(blocks.recurrentBias(), order, hidden, 1, b, dir * 2 * gates + gates);
                    }
                }
                String op = switch (layer.cell()) {
                    case LSTM -> "LSTM";
                    case GRU -> "GRU";
                    case RNN -> "RNN";
                };
                List<org.sparkrnn.onnx.proto.Onnx.AttributeProto> attributes = new ArrayList<>();
                attributes.add(intAttr("hidden_size", hidden));
                attributes.add(stringAttr("direction", d == 2 ? "bidirectional" : "forward"));
                if (layer.cell() == CellType.GRU) {
                    attributes.add(intAttr("linear_before_reset", 1));
                }
                if (layer.cell() == CellType.RNN) {
                    String activation = switch (layer.activation()) {
                        case TANH -> "Tanh";
                        case IDENTITY -> "Affine";
                    };
                    String[] activations = d == 2 ? new String[] {activation, activation} : new String[] {activation};
                    attributes.add(stringsAttr("activations", activations));
                    if (layer.activation() == org.sparkrnn.model.Activation.IDENTITY) { // Affine: 1·x + 0
                        float[] ones = new float[d];
                        java.util.Arrays.fill(ones, 1f);
                        attributes.add(floatsAttr("activation_alpha", ones));
                        attributes.add(floatsAttr("activation_beta", new float[d]));
                    }
                }
                List<String> inputs = List.of(in,
                        g.floats(op.toLowerCase() + "_W_l" + k, w, d, gates, width),
                        g.floats(op.toLowerCase() + "_R_l" + k, r, d, gates, hidden),
                        g.floats(op.toLowerCase() + "_B_l" + k, b, d, 2L * gates),
                        lengths);
                outputs = g.nodeOutputs(op, inputs, layer.cell() == CellType.LSTM ? 3 : 2,
                        attributes.toArray(new org.sparkrnn.onnx.proto.Onnx.AttributeProto[0]));
                // Y [steps, D, batch, H] -> [steps, batch, D·H], the next layer's input
                String y = g.node("Transpose", List.of(outputs[0]), intsAttr("perm", 0, 2, 1, 3));
                in = g.node("Reshape", y, g.longs(false, 0, 0, -1));
            }
            return new String[] {in, outputs[1]};
        }

        /** ONNX's gate k is PyTorch's gate order[k]. */
        private static int[] gateOrder(CellType cell) {
            return switch (cell) {
                case LSTM -> new int[] {0, 3, 1, 2}; // i, o, f, c from i, f, g, o
                case GRU -> new int[] {1, 0, 2};     // z, r, h from r, z, n
                case RNN -> new int[] {0};
            };
        }

        /** A block's gate rows (each {@code hidden} rows of {@code cols}) into {@code into} in ONNX's order. */
        private void copyGates(ParameterBlock block, int[] order, int hidden, int cols, double[] into, int at) {
            double[] params = model.params();
            int gateSize = hidden * cols;
            for (int k = 0; k < order.length; k++) {
                System.arraycopy(params, block.offset() + order[k] * gateSize, into, at + k * gateSize, gateSize);
            }
        }

        /** What the head reads: [batch, D·H] (pooled), or [batch, steps, D·H] for a per-step model. */
        private String pooled(String[] top) {
            String y = top[0]; // [steps, batch, D·H]
            if (model.perStep()) {
                return g.node("Transpose", List.of(y), intsAttr("perm", 1, 0, 2));
            }
            Pooling pooling = spec.pooling();
            return switch (pooling) {
                // forward direction at the last real step, reverse at step 0: ONNX's Y_h with sequence_lens
                case LAST -> g.node("Reshape", g.node("Transpose", List.of(top[1]), intsAttr("perm", 1, 0, 2)),
                        g.longs(false, 0, -1));
                case MEAN -> {
                    String m = unsqueeze(g.node("Transpose", List.of(maskFloat()), intsAttr("perm", 1, 0)), 2);
                    String sum = g.node("ReduceSum", List.of(g.node("Mul", y, m), g.longs(false, 0)),
                            intAttr("keepdims", 0));
                    yield g.node("Div", sum, unsqueeze(lengthsFloat(), 1));
                }
                case MAX -> {
                    String m = unsqueeze(g.node("Transpose", List.of(mask()), intsAttr("perm", 1, 0)), 2);
                    String masked = g.node("Where", m, y, g.scalar(-Float.MAX_VALUE));
                    yield g.node("ReduceMax", List.of(masked), intsAttr("axes", 0), intAttr("keepdims", 0));
                }
            };
        }

        /** The head's raw outputs: [batch, W] (or [batch, steps, W]); through the decoder when there is one. */
        private String head(String h) {
            Decoder decoder = spec.decoder();
            if (decoder != null) {
                int steps = decoder.steps();
                String future = g.input("future", FLOAT, "the rows of the steps predicted, in the data's units",
                        "batch", (long) steps, (long) spec.inputSize());
                long[] known = decoder.features().stream().mapToLong(Integer::longValue).toArray();
                String knownRows = g.node("Gather", List.of(standardized(future), g.longs(false, known)),
                        intAttr("axis", 2)); // [batch, S, K]
                String state = g.node("Expand", unsqueeze(h, 1), g.longs(false, 1, steps, 1)); // [batch, S, D·H]
                String joined = g.node("Concat", List.of(state, knownRows), intAttr("axis", 2));
                String hidden = g.node("Relu", dense(joined, layout.decoderWeight(), layout.decoderBias()));
                String y = dense(hidden, layout.headWeight(), layout.headBias()); // [batch, S, P]
                metadata.put("sparkrnn.future", "future [batch, " + steps + ", " + spec.inputSize() + "]: the"
                        + " rows of the predicted steps; the decoder reads inputs " + decoder.features());
                return g.node("Reshape", y, g.longs(false, 0, -1));
            }
            return dense(h, layout.headWeight(), layout.headBias());
        }

        /** {@code in} [..., cols] times the block's weight (rows × cols) transposed, plus its bias. */
        private String dense(String in, ParameterBlock weight, ParameterBlock bias) {
            double[] params = model.params();
            int rows = weight.rows();
            int cols = weight.cols();
            double[] transposed = new double[rows * cols];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    transposed[j * rows + i] = params[weight.offset() + i * cols + j];
                }
            }
            double[] b = java.util.Arrays.copyOfRange(params, bias.offset(), bias.end());
            return g.node("Add", g.node("MatMul", in, g.floats(weight.name(), transposed, cols, rows)),
                    g.floats(bias.name(), b, rows));
        }

        // ---- outputs ---------------------------------------------------------------------------------------------

        private void outputs(String raw) {
            boolean perStep = model.perStep();
            Object[] lead = perStep ? new Object[] {"batch", "steps"} : new Object[] {"batch"};
            int values = spec.outputSize();
            if (model.classifies()) {
                String probability = g.node("Softmax", List.of(raw), intAttr("axis", -1));
                String best = g.node("ArgMax", List.of(raw), intAttr("axis", -1), intAttr("keepdims", 0));
                String prediction = g.node("Cast", List.of(best), intAttr("to", FLOAT));
                g.output(g.rename(prediction, "prediction"), FLOAT, "the most probable class", lead);
                g.output(g.rename(probability, "probability"), FLOAT, "each class' probability",
                        append(lead, (long) values));
                metadata.put("sparkrnn.outputs", "prediction: the most probable class; probability: each class'");
                return;
            }
            ForecastHead head = ForecastHead.of(spec);
            String point;
            String quantiles = null;
            if (head == null) {
                point = raw;
            } else {
                int parameters = spec.parametersPerValue();
                String r = g.node("Reshape", raw, perStep ? g.longs(false, 0, 0, values, parameters)
                        : g.longs(false, 0, values, parameters)); // [..., V, P]
                String[] pq = probabilistic(head, r, parameters);
                point = pq[0];
                quantiles = pq[1];
            }
            point = toDataUnits(point, false);
            if (values == 1) {
                point = g.node("Squeeze", point, g.longs(false, -1));
            }
            g.output(g.rename(point, "prediction"), FLOAT, "the forecast in the data's units",
                    values == 1 ? lead : append(lead, (long) values));
            if (quantiles != null) {
                quantiles = toDataUnits(quantiles, true);
                g.output(g.rename(quantiles, "quantiles"), FLOAT, "the forecast's quantiles [..., value, level]",
                        append(append(lead, (long) values), (long) levels.length));
                metadata.put("sparkrnn.quantile_levels", org.sparkrnn.model.Quantiles.text(
                        java.util.Arrays.stream(levels).boxed().toList()));
            }
            metadata.put("sparkrnn.outputs", "prediction" + (quantiles == null ? "" : " and quantiles")
                    + " in the data's units");
        }

        /** [point [..., V], quantiles [..., V, L] or null] in the model's units from the raw [..., V, P]. */
        private String[] probabilistic(ForecastHead head, String r, int parameters) {
            switch (head.loss()) {
                case QUANTILE -> {
                    String lastAxis = g.longs(false, -1);
                    String first = g.node("Slice", r, g.longs(false, 0), g.longs(false, 1), lastAxis);
                    String q = first;
                    if (parameters > 1) {
                        String steps = g.node("Softplus", g.node("Slice", r, g.longs(false, 1),
                                g.longs(false, parameters), lastAxis));
                        q = g.node("CumSum", g.node("Concat", List.of(first, steps), intAttr("axis", -1)),
                                g.longs(true, -1));
                    }
                    String point = g.node("Gather", List.of(q, g.longs(true, head.medianLevel())),
                            intAttr("axis", -1));
                    long[] at = new long[levels.length]; // trained levels all (write checked them)
                    for (int k = 0; k < levels.length; k++) {
                        at[k] = head.trainedLevel(levels[k]);
                    }
                    String quantiles = levels.length == 0 ? null
                            : g.node("Gather", List.of(q, g.longs(false, at)), intAttr("axis", -1));
                    return new String[] {point, quantiles};
                }
                case GAUSSIAN -> {
                    String mu = g.node("Gather", List.of(r, g.longs(true, 0)), intAttr("axis", -1));
                    String sigma = g.node("Softplus", g.node("Gather", List.of(r, g.longs(true, 1)),
                            intAttr("axis", -1)));
                    double[] z = new double[levels.length];
                    for (int k = 0; k < z.length; k++) {
                        z[k] = SpecialFunctions.normalQuantile(levels[k]);
                    }
                    String quantiles = levels.length == 0 ? null : g.node("Add", unsqueeze(mu, -1),
                            g.node("Mul", unsqueeze(sigma, -1), g.floats("normal_quantiles", z, z.length)));
                    return new String[] {mu, quantiles};
                }
                default -> throw new IllegalArgumentException("ONNX cannot express " + inexpressible(model));
            }
        }

        /**
         * Values [..., V] (or quantiles [..., V, L] when {@code levelsAxis}) back in the data's units: the target's
         * standardisation undone, then each window's scale and origin, then its series' scale.
         */
        private String toDataUnits(String values, boolean levelsAxis) {
            Standardization s = model.standardization();
            int v = spec.outputSize();
            String y = values;
            if (s != null && s.targetMean() != null) {
                long[] shape = levelsAxis ? new long[] {v, 1} : new long[] {v};
                y = g.node("Add", g.node("Mul", y, g.floats("target_std", s.targetStd(), shape)),
                        g.floats("target_mean", s.targetMean(), shape));
            }
            long[] batchAxes = levelsAxis ? new long[] {1, 2} : new long[] {1};
            if (windowScale != null) {
                y = g.node("Mul", y, unsqueeze(windowScale, batchAxes));
            }
            if (windowOrigin != null) {
                y = g.node("Add", y, unsqueeze(windowOrigin, batchAxes));
            }
            if (seriesScale != null) {
                y = g.node("Mul", y, unsqueeze(seriesScale, batchAxes));
            }
            return y;
        }

        private static Object[] append(Object[] dims, Object dim) {
            Object[] out = java.util.Arrays.copyOf(dims, dims.length + 1);
            out[dims.length] = dim;
            return out;
        }
    }
}
