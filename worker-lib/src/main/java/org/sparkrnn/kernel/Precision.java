package org.sparkrnn.kernel;

import org.sparkrnn.model.CliNamed;

/** The floating-point type the kernel computes in. Parameters, loss sums and gradient sums outside it are double. */
public enum Precision implements CliNamed {
    /** float32: PyTorch's default, for speed. */
    FLOAT32("float32"),
    /** float64: for exactness, gradient checks and reproducible distributed results. */
    FLOAT64("float64");

    private final String cliName;

    Precision(String cliName) {
        this.cliName = cliName;
    }

    @Override
    public String cliName() {
        return cliName;
    }

    public static Precision fromCliName(String name) {
        return CliNamed.parse(Precision.class, name, "precision");
    }
}
