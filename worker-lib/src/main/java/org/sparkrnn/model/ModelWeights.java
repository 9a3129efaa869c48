package org.sparkrnn.model;

import java.util.Objects;

/**
 * A model as it travels: the architecture and its flat float64 parameter array (in {@link ParameterLayout} order).
 * The array is shared, not copied: whoever holds it must not mutate it while others read it (the driver broadcasts a
 * fresh instance per iteration).
 */
public final class ModelWeights {

    private final NetworkSpec spec;
    private final double[] params;

    public ModelWeights(NetworkSpec spec, double[] params) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.params = Objects.requireNonNull(params, "params");
        new ParameterLayout(spec).checkLength(params);
    }

    public NetworkSpec spec() {
        return spec;
    }

    public double[] params() {
        return params;
    }
}
