package org.sparkrnn.model;

import java.util.Locale;

/**
 * What the head of a many-to-one network reads from the top layer's outputs over a sequence's real steps: the last
 * state (for a bidirectional layer the forward pass at the last step and the reverse pass at step 0, PyTorch's
 * {@code h_n}), their mean, or their elementwise maximum.
 */
public enum Pooling implements CliNamed {
    LAST, MEAN, MAX;

    @Override
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Pooling fromCliName(String name) {
        return CliNamed.parse(Pooling.class, name, "pooling");
    }
}
