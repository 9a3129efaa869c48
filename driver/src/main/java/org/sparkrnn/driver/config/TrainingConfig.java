package org.sparkrnn.driver.train;

import org.sparkrnn.driver.data.DataOptions;
import org.sparkrnn.kernel.Precision;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A training run, fully resolved (defaults applied). Built by the command line from options whose defaults live in
 * {@code cli.Defaults}; {@link #settings} is the same configuration as option name → value, which is what the model
 * directory stores as {@code config.properties}.
 */
public record TrainingConfig(DataOptions data, Model model, Optim optim, Loop loop, Output output,
                             boolean normalize, Map<String, String> settings) {

    /**
     * @param cell       lstm, gru or rnn (every layer)
     * @param activation rnn layers: tanh or identity
     * @param loss       mse, cross-entropy, sum-half-squared, or auto (by task)
     * @param initScheme pytorch or xavier-orthogonal
     * @param forgetBias LSTM forget-gate bias at start, null to keep the scheme's draw
     * @param initFile   safetensors weights to start from, or null
     * @param pooling    last, mean or max
     */
    public record Model(String cell, List<Integer> hidden, String activation, String loss, String initScheme,
                        Double forgetBias, String initFile, boolean bidirectional, double dropout, String pooling) {
    }

    /** @param learningRate null for the optimizer's own default */
    public record Optim(String optimizer, Double learningRate, double momentum, boolean nesterov, double weightDecay,
                        double clipNorm, String schedule, int stepSize, double gamma, double minLr, int warmup) {
    }

    /**
     * @param iterations      total iterations (0: from epochs)
     * @param batchSize       sequences per iteration over the cluster, 0 = all
     * @param validateEvery   iterations between validations, 0 = once per epoch
     * @param patience        validations without improvement before stopping, 0 = never stop early
     * @param checkpointEvery iterations between checkpoints, 0 = only at the end
     */
    public record Loop(long iterations, double epochs, int batchSize, int tbptt, Precision precision,
                       int aggregationDepth, long seed, int validateEvery, int patience, int logEvery,
                       int checkpointEvery, int keepCheckpoints) {
    }

    /**
     * @param modelDir null: write nothing (the Spark ML estimators without a model directory)
     * @param baseline a forecast to compare the kept model with on the validation data at the end (see
     *                 {@link org.sparkrnn.evaluate.Baseline}), or null
     */
    public record Output(String modelDir, boolean resume, String export, String baseline) {
    }

    /** This configuration with another output (e.g. none: modelDir null). */
    public TrainingConfig withOutput(Output other) {
        return new TrainingConfig(data, model, optim, loop, other, normalize, settings);
    }

    /**
     * Settings that do not change the trajectory: a resumed run may differ in these (so a run can be extended).
     * The length of the run is the exception under the cosine schedule, whose rates depend on it.
     */
    public static final List<String> NOT_TRAJECTORY = List.of("iterations", "epochs", "master", "checkpoint-every",
            "keep-checkpoints", "log-every", "resume", "export", "verbose", "conf", "validate-every", "patience",
            "baseline");

    private boolean ignoredOnResume(String key) {
        boolean runLength = key.equals("iterations") || key.equals("epochs");
        return NOT_TRAJECTORY.contains(key) && !(runLength && "cosine".equals(settings.get("schedule")));
    }

    /**
     * Differences between this run's settings and those a checkpoint was written with, ignoring
     * {@link #NOT_TRAJECTORY}; empty when a resume continues the same trajectory.
     */
    public List<String> trajectoryDifferences(Map<String, String> saved) {
        Map<String, String> mine = new TreeMap<>(settings);
        List<String> differences = new java.util.ArrayList<>();
        java.util.Set<String> keys = new java.util.TreeSet<>(mine.keySet());
        keys.addAll(saved.keySet());
        for (String key : keys) {
            if (ignoredOnResume(key)) {
                continue;
            }
            String a = saved.get(key);
            String b = mine.get(key);
            if (!java.util.Objects.equals(a, b)) {
                differences.add("--" + key + " was " + a + ", now " + b);
            }
        }
        return differences;
    }

    /** A 64-bit digest of the trajectory-relevant settings, stored in checkpoints. */
    public long fingerprint() {
        long hash = 0xcbf29ce484222325L;
        for (Map.Entry<String, String> e : new TreeMap<>(settings).entrySet()) {
            if (ignoredOnResume(e.getKey())) {
                continue;
            }
            String text = e.getKey() + '=' + e.getValue() + ';';
            for (int i = 0; i < text.length(); i++) {
                hash = (hash ^ text.charAt(i)) * 0x100000001b3L;
            }
        }
        return hash;
    }
}
