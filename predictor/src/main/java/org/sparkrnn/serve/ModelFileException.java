package org.sparkrnn.serve;

/**
 * A model file that cannot be read, located: {@code runs/m/model.safetensors: tensor 'head.bias' has dtype I8,
 * expected F64, F32, F16 or BF16}. The command line shows it as one line.
 */
public final class ModelFileException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String problem;

    public ModelFileException(String source, String problem) {
        super(source + ": " + problem);
        this.problem = problem;
    }

    /** What is wrong, without where. */
    public String problem() {
        return problem;
    }
}
