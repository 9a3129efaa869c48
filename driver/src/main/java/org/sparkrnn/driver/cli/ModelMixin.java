package org.sparkrnn.driver.cli;

import org.sparkrnn.driver.config.Defaults;
import picocli.CommandLine.Option;

/** The model directory a command reads (its config.properties supplies defaults for the data options). */
public final class ModelMixin {

    @Option(names = "--model-dir", defaultValue = Defaults.MODEL_DIR, paramLabel = "DIR",
            description = "Model directory written by train. Default: ${DEFAULT-VALUE}.")
    String modelDir;

    @Option(names = "--precision", defaultValue = Defaults.PRECISION, paramLabel = "float32|float64",
            description = "Compute precision (or export dtype). Default: the model's, else ${DEFAULT-VALUE}.")
    String precision;
}
