package org.sparkrnn.onnx;

import org.sparkrnn.onnx.proto.Onnx.AttributeProto;
import org.sparkrnn.onnx.proto.Onnx.GraphProto;
import org.sparkrnn.onnx.proto.Onnx.NodeProto;
import org.sparkrnn.onnx.proto.Onnx.TensorProto;
import org.sparkrnn.onnx.proto.Onnx.TensorShapeProto;
import org.sparkrnn.onnx.proto.Onnx.TypeProto;
import org.sparkrnn.onnx.proto.Onnx.ValueInfoProto;

import java.util.List;

/**
 * An ONNX graph written one node at a time with ONNX's own protobuf classes: constants become initializers, every
 * intermediate value gets a fresh name ({@code prefix_n}), and each method returns the name of the value it made.
 * Floats are float32: ONNX Runtime's recurrent operators take no other type.
 */
final class GraphBuilder {

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private int next;

    GraphBuilder(String name) {
        graph.setName(name);
    }

    GraphProto build() {
        return graph.build();
    }

    /** A graph input of {@code type} (a TensorProto.DataType) with named or fixed dimensions (a String or Long). */
    String input(String name, int type, String doc, Object... dims) {
        graph.addInput(valueInfo(name, type, doc, dims));
        return name;
    }

    /** Declares {@code value} a graph output. */
    void output(String value, int type, String doc, Object... dims) {
        graph.addOutput(valueInfo(value, type, doc, dims));
    }

    private static ValueInfoProto valueInfo(String name, int type, String doc, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object dim : dims) {
            TensorShapeProto.Dimension.Builder d = TensorShapeProto.Dimension.newBuilder();
            if (dim instanceof String param) {
                d.setDimParam(param);
            } else {
                d.setDimValue(((Number) dim).longValue());
            }
            shape.addDim(d);
        }
        return ValueInfoProto.newBuilder().setName(name).setDocString(doc)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                        .setElemType(type).setShape(shape))).build();
    }

    /** A float32 constant of {@code values} (rounded from float64) with shape {@code dims}. */
    String floats(String prefix, double[] values, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(fresh(prefix))
                .setDataType(TensorProto.DataType.FLOAT_VALUE);
        for (long d : dims) {
            t.addDims(d);
        }
        for (double v : values) {
            t.addFloatData((float) v);
        }
        graph.addInitializer(t);
        return t.getName();
    }

    /** A float32 scalar constant. */
    String scalar(double value) {
        return floats("const", new double[] {value});
    }

    /** An int64 constant of {@code values}, a vector (or a scalar when {@code scalar}). */
    String longs(boolean scalar, long... values) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(fresh("const"))
                .setDataType(TensorProto.DataType.INT64_VALUE);
        if (!scalar) {
            t.addDims(values.length);
        }
        for (long v : values) {
            t.addInt64Data(v);
        }
        graph.addInitializer(t);
        return t.getName();
    }

    /** A node of {@code op} over {@code inputs} ("" for an omitted optional input), its one output's name. */
    String node(String op, List<String> inputs, AttributeProto... attributes) {
        return nodeOutputs(op, inputs, 1, attributes)[0];
    }

    String node(String op, String... inputs) {
        return node(op, List.of(inputs));
    }

    /** A node with {@code outputs} outputs, their fresh names. */
    String[] nodeOutputs(String op, List<String> inputs, int outputs, AttributeProto... attributes) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(fresh(op)).addAllInput(inputs);
        String[] names = new String[outputs];
        for (int k = 0; k < outputs; k++) {
            names[k] = fresh(op.toLowerCase(java.util.Locale.ROOT));
            n.addOutput(names[k]);
        }
        for (AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        graph.addNode(n);
        return names;
    }

    /** Renames the output of the last node that made {@code value} to {@code name} (a graph output's name). */
    String rename(String value, String name) {
        for (int i = graph.getNodeCount() - 1; i >= 0; i--) {
            NodeProto node = graph.getNode(i);
            for (int k = 0; k < node.getOutputCount(); k++) {
                if (node.getOutput(k).equals(value)) {
                    graph.setNode(i, node.toBuilder().setOutput(k, name));
                    return name;
                }
            }
        }
        return node("Identity", value); // a graph input or constant: pass it through under its new name
    }

    private String fresh(String prefix) {
        return prefix + "_" + next++;
    }

    static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value)
                .build();
    }

    static AttributeProto intsAttr(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name)
                .setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    static AttributeProto floatsAttr(String name, float... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name)
                .setType(AttributeProto.AttributeType.FLOATS);
        for (float v : values) {
            a.addFloats(v);
        }
        return a.build();
    }

    static AttributeProto stringAttr(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8(value)).build();
    }

    static AttributeProto stringsAttr(String name, String... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name)
                .setType(AttributeProto.AttributeType.STRINGS);
        for (String v : values) {
            a.addStrings(com.google.protobuf.ByteString.copyFromUtf8(v));
        }
        return a.build();
    }
}
