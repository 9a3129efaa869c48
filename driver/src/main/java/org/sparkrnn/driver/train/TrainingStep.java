package org.sparkrnn.driver.train;

import org.apache.spark.api.java.JavaRDD;
import org.sparkrnn.aggregate.GradientAccumulator;
import org.sparkrnn.data.SequenceBlock;
import org.sparkrnn.driver.UserError;
import org.sparkrnn.driver.config.KernelSettings;
import org.sparkrnn.driver.config.SettingError;
import org.sparkrnn.driver.exec.BatchSchedule;
import org.sparkrnn.driver.exec.DistributedSums;
import org.sparkrnn.model.ModelWeights;
import org.sparkrnn.model.NetworkSpec;
import org.sparkrnn.model.ParameterLayout;
import org.sparkrnn.optim.GradientClipping;
import org.sparkrnn.optim.Optimizer;
import org.sparkrnn.optim.OptimizerState;

/**
 * One iteration of synchronous training, the same for {@link Trainer} and the benchmark: the executors compute the
 * loss and gradient sums of this iteration's batch, the driver forms the mean, checks that it is finite, clips it,
 * and steps the optimizer in place. A diverging step throws a {@link UserError} naming the parameter block.
 */
public final class TrainingStep {

    private final DistributedSums sums;
    private final NetworkSpec spec;
    private final ParameterLayout layout;
    private final KernelSettings kernel;
    private final BatchSchedule schedule;
    private final Optimizer optimizer;
    private final double clipNorm;

    /** @param clipNorm the global gradient norm to clip to, 0 = off */
    public TrainingStep(DistributedSums sums, NetworkSpec spec, KernelSettings kernel, BatchSchedule schedule,
                        Optimizer optimizer, double clipNorm) {
        this.sums = sums;
        this.spec = spec;
        this.layout = new ParameterLayout(spec);
        this.kernel = kernel;
        this.schedule = schedule;
        this.optimizer = optimizer;
        this.clipNorm = clipNorm;
    }

    /** What one step measured: the batch's mean loss (NaN for a batch without labels), the gradient norm. */
    public record Outcome(double loss, double gradientNorm, long sequences) {
    }

    /**
     * Runs iteration {@code iteration} (0-based) with learning rate {@code lr}: updates {@code params} and
     * {@code state} in place. {@code lastCheckpoint} is named when the step diverges.
     */
    public Outcome run(JavaRDD<SequenceBlock> data, double[] params, OptimizerState state, long iteration, double lr,
                       long lastCheckpoint) {
        long epoch = schedule.epochOf(iteration);
        GradientAccumulator batch = sums.gradient(data, new ModelWeights(spec, params.clone()), kernel, schedule,
                iteration, "iteration " + (iteration + 1) + " (epoch " + (epoch + 1) + "): gradient");
        if (batch.count() == 0) {
            return new Outcome(Double.NaN, 0, batch.sequences());
        }
        double loss = batch.objective(spec.loss());
        double[] grad = batch.objectiveGradient(spec.loss());
        checkFinite(loss, grad, layout, iteration, lastCheckpoint, "gradient");
        double norm = clipNorm > 0 ? GradientClipping.clipInPlace(grad, clipNorm) : GradientClipping.globalNorm(grad);
        optimizer.stepInPlace(params, grad, state, lr);
        checkFinite(0, params, layout, iteration, lastCheckpoint, "updated parameters");
        return new Outcome(loss, norm, batch.sequences());
    }

    /** Stops the run, naming the iteration and the first parameter block that is not finite. */
    static void checkFinite(double loss, double[] values, ParameterLayout layout, long iteration, long lastCheckpoint,
                            String what) {
        int bad = -1;
        for (int j = 0; j < values.length; j++) {
            if (!Double.isFinite(values[j])) {
                bad = j;
                break;
            }
        }
        if (bad < 0 && Double.isFinite(loss)) {
            return;
        }
        String where = bad >= 0 ? "the " + what + " of " + layout.describeIndex(bad) + " (block "
                + layout.blockOf(bad).name() + ") is " + values[bad] : "the loss is " + loss;
        throw new SettingError("training diverged at iteration " + (iteration + 1) + ": " + where
                + "; stopped without writing anything, the last good checkpoint (iteration " + lastCheckpoint
                + ") is intact. Try a smaller {--lr} or {--clip-norm}.");
    }
}
