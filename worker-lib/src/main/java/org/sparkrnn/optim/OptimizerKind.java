package org.sparkrnn.optim;

/** The update rules, each as {@code torch.optim} defines it, with torch's default learning rate. */
public enum OptimizerKind {
    /** {@code torch.optim.SGD} (momentum, dampening, Nesterov); default lr as torch 2.x: 1e-3. */
    SGD("sgd", 1e-3),
    /** {@code torch.optim.Adam}. */
    ADAM("adam", 1e-3),
    /** {@code torch.optim.RMSprop}. */
    RMSPROP("rmsprop", 1e-2),
    /** {@code torch.optim.Adagrad}. */
    ADAGRAD("adagrad", 1e-2);

    private final String cliName;
    private final double defaultLearningRate;

    OptimizerKind(String cliName, double defaultLearningRate) {
        this.cliName = cliName;
        this.defaultLearningRate = defaultLearningRate;
    }

    public String cliName() {
        return cliName;
    }

    public double defaultLearningRate() {
        return defaultLearningRate;
    }

    public static OptimizerKind fromCliName(String name) {
        for (OptimizerKind kind : values()) {
            if (kind.cliName.equals(name)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown optimizer '" + name + "', expected sgd, adam, rmsprop or adagrad");
    }
}
