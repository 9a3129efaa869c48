package org.sparkrnn.model;

import java.util.Objects;

/**
 * A model as it travels: the architecture and its flat parameter array (in {@link ParameterLayout} order), float64
 * on the wire, or float32 when {@link #floatWire()} (for float32 computation, which rounds every weight to float
 * anyway: the receiver computes exactly what it would have with the float64 weights, from half the bytes).
 * The array is shared, not copied: whoever holds it must not mutate it while others read it (the driver broadcasts a
 * fresh instance per iteration).
 */
public final class ModelWeights implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    private final NetworkSpec spec;
    private final double[] params;
    private final boolean floatWire;

    public ModelWeights(NetworkSpec spec, double[] params) {
        this(spec, params, false);
    }

    public ModelWeights(NetworkSpec spec, double[] params, boolean floatWire) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.params = Objects.requireNonNull(params, "params");
        this.floatWire = floatWire;
        new ParameterLayout(spec).checkLength(params);
    }

    /** The same weights, sent as float32. */
    public ModelWeights withFloatWire() {
        return new ModelWeights(spec, params, true);
    }

    public boolean floatWire() {
        return floatWire;
    }

    public NetworkSpec spec() {
        return spec;
    }

    public double[] params() {
        return params;
    }

    /**
     * Java serialization (Spark's default serializer, e.g. a broadcast in a user's own session) writes the same form
     * as the Kryo serializer: the spec and the parameters as float64, or as float32 with {@code floatWire}.
     */
    private Object writeReplace() {
        if (!floatWire) {
            return new SerializedForm(spec, null, params);
        }
        float[] floats = new float[params.length];
        for (int j = 0; j < floats.length; j++) {
            floats[j] = (float) params[j];
        }
        return new SerializedForm(spec, floats, null);
    }

    private void readObject(java.io.ObjectInputStream in) throws java.io.InvalidObjectException {
        throw new java.io.InvalidObjectException("ModelWeights travel as their SerializedForm");
    }

    /** The serialized form: exactly one of {@code floats} and {@code doubles}; checked again on arrival. */
    private record SerializedForm(NetworkSpec spec, float[] floats, double[] doubles) implements java.io.Serializable {
        private Object readResolve() {
            if (floats == null) {
                return new ModelWeights(spec, doubles, false);
            }
            double[] params = new double[floats.length];
            for (int j = 0; j < params.length; j++) {
                params[j] = floats[j];
            }
            return new ModelWeights(spec, params, true);
        }
    }
}
