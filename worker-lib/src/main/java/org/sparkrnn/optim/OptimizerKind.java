package org.sparkrnn.optim;

import org.sparkrnn.model.CliNamed;

/** The update rules, each as {@code torch.optim} defines it, with torch's default learning rate. */
public enum OptimizerKind implements CliNamed {
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

    @Override
    public String cliName() {
        return cliName;
    }

    public double defaultLearningRate() {
        return defaultLearningRate;
    }

    public static OptimizerKind fromCliName(String name) {
        return CliNamed.parse(OptimizerKind.class, name, "optimizer");
    }
}
