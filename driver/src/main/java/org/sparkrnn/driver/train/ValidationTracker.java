package org.sparkrnn.driver.train;

import org.apache.spark.api.java.JavaRDD;
import org.sparkrnn.data.SequenceBlock;
import org.sparkrnn.driver.config.KernelSettings;
import org.sparkrnn.driver.exec.DistributedSums;
import org.sparkrnn.driver.model.TrainingState;
import org.sparkrnn.evaluate.Metrics;
import org.sparkrnn.model.ModelWeights;
import org.sparkrnn.model.NetworkSpec;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Validation during a run: scores the current weights on the validation data, keeps the best weights (lowest
 * validation loss) and counts validations without improvement for early stopping. Only scheduled validations choose
 * the best model and count towards patience, so a run cut short and resumed makes the same choices as one that was
 * not; its state travels in checkpoints ({@link TrainingState}).
 */
final class ValidationTracker {

    private final DistributedSums sums;
    private final JavaRDD<SequenceBlock> validation;
    private final NetworkSpec spec;
    private final KernelSettings kernel;
    private final double[] targetScale;
    private final int patience;
    private final PrintStream out;

    private double bestObjective;
    private long bestIteration;
    private double[] bestParams;
    private int sinceBest;
    private Metrics last;
    private boolean stop;

    /** @param validation null: nothing to validate on (every call is a no-op) */
    ValidationTracker(DistributedSums sums, JavaRDD<SequenceBlock> validation, NetworkSpec spec, KernelSettings kernel,
                      double[] targetScale, int patience, TrainingState resumed, PrintStream out) {
        this.sums = sums;
        this.validation = validation;
        this.spec = spec;
        this.kernel = kernel;
        this.targetScale = targetScale;
        this.patience = patience;
        this.out = out;
        this.bestObjective = resumed.bestObjective();
        this.bestIteration = resumed.bestIteration();
        this.bestParams = resumed.bestParams();
        this.sinceBest = resumed.evaluationsSinceBest();
    }

    /**
     * Validates {@code params} after {@code iteration} iterations if it is due ({@code scheduled}) or the run's last;
     * returns the metrics to record in the history (empty unless scheduled).
     */
    Map<String, Double> afterIteration(double[] params, long iteration, boolean scheduled, boolean lastOfRun) {
        if (validation == null || !(scheduled || lastOfRun)) {
            return Map.of();
        }
        last = Metrics.of(sums.evaluate(validation, new ModelWeights(spec, params.clone()), kernel, targetScale,
                "iteration " + iteration + ": validation"), spec.loss());
        if (!scheduled) {
            out.printf(Locale.ROOT, "  validation @%d (end of run): %s%n", iteration, last.describe());
            return Map.of();
        }
        boolean improved = last.loss() < bestObjective;
        if (improved) {
            bestObjective = last.loss();
            bestIteration = iteration;
            bestParams = params.clone();
            sinceBest = 0;
        } else {
            sinceBest++;
        }
        out.printf(Locale.ROOT, "  validation @%d: %s%s%n", iteration, last.describe(),
                improved ? " (best)" : " (best " + ProgressText.number(bestObjective) + " @" + bestIteration + ")");
        if (patience > 0 && sinceBest >= patience) {
            out.printf(Locale.ROOT, "  early stop: no improvement in %d validations%n", sinceBest);
            stop = true;
        }
        return last.asMap();
    }

    /** The latest scheduled validation used up the patience (never with patience 0). */
    boolean shouldStop() {
        return stop;
    }

    /** The metrics of the latest validation, or null. */
    Metrics last() {
        return last;
    }

    /** The weights with the best validation loss so far, or null before the first scheduled validation. */
    double[] bestParams() {
        return bestParams;
    }

    double bestObjective() {
        return bestObjective;
    }

    long bestIteration() {
        return bestIteration;
    }

    /** The training state after {@code iteration}, with this tracker's part, for a checkpoint. */
    TrainingState state(long iteration, double[] params, org.sparkrnn.optim.OptimizerState optimizer, long seed,
                        long fingerprint) {
        return new TrainingState(iteration, params.clone(), optimizer, bestObjective, bestIteration, bestParams,
                sinceBest, seed, fingerprint);
    }
}
