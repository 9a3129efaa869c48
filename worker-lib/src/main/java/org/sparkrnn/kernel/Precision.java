package org.sparkrnn.kernel;

/** The floating-point type the kernel computes in. Parameters, loss sums and gradient sums outside it are double. */
public enum Precision {
    /** float32: PyTorch's default, for speed. */
    FLOAT32("float32"),
    /** float64: for exactness, gradient checks and reproducible distributed results. */
    FLOAT64("float64");

    private final String cliName;

    Precision(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public static Precision fromCliName(String name) {
        for (Precision p : values()) {
            if (p.cliName.equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown precision '" + name + "', expected float32 or float64");
    }
}
