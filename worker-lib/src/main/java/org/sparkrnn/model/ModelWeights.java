package org.sparkrnn.model;

import java.util.Objects;

/**
 * A model as it travels: the architecture and its flat parameter array (in {@link ParameterLayout} order), float64
 * on the wire, or float32 when {@link #floatWire()} (for float32 computation, which rounds every weight to float
 * anyway: the receiver computes exactly what it would have with the float64 weights, from half the bytes).
 * The array is shared, not copied: whoever holds it must not mutate it while others read it (the driver broadcasts a
 * fresh instance per iteration).
 */
public final class ModelWeights {

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
}
