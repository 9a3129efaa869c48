package org.sparkrnn.driver.scoring;

import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkrnn.data.SequenceBlock;
import org.sparkrnn.driver.config.Defaults;
import org.sparkrnn.driver.config.KernelSettings;
import org.sparkrnn.driver.exec.DistributedSums;
import org.sparkrnn.driver.model.SavedModel;
import org.sparkrnn.evaluate.Baseline;
import org.sparkrnn.evaluate.EvaluationSums;
import org.sparkrnn.evaluate.Metrics;
import org.sparkrnn.model.ModelWeights;

import java.util.Map;

/**
 * A saved model scored on data, on the executors: its metrics on a data set, a baseline's on the same sequences,
 * and both per series. What {@code lstm-spark evaluate}, {@code train --per-series} and {@code predict} share, below
 * the front ends so that the estimators (and an evaluator) can reach it too. Sums are merged as every evaluation's:
 * in index order, a tree of the default depth.
 */
public final class ModelScoring {

    private final DistributedSums sums;
    private final SavedModel saved;
    private final KernelSettings kernel;

    public ModelScoring(JavaSparkContext sc, SavedModel saved, KernelSettings kernel) {
        this.sums = new DistributedSums(sc, Defaults.Values.AGGREGATION_DEPTH);
        this.saved = saved;
        this.kernel = kernel;
    }

    public SavedModel saved() {
        return saved;
    }

    public KernelSettings kernel() {
        return kernel;
    }

    /** Metrics and the sums they come from (which also hold the errors per value of a label). */
    public record Scores(Metrics metrics, EvaluationSums sums) {
    }

    /** The model's metrics on every sequence of {@code data}, in the data's units. */
    public Scores model(JavaRDD<SequenceBlock> data, String description) {
        EvaluationSums result = sums.evaluate(data, weights(), kernel, targetScale(), description);
        return new Scores(Metrics.of(result, saved.spec().loss()), result);
    }

    /** {@code baseline}'s metrics on the same sequences (read with the model's standardisation). */
    public Scores baseline(JavaRDD<SequenceBlock> data, Baseline baseline, String description) {
        EvaluationSums result = sums.baseline(data, baseline, saved.standardization(), description);
        return new Scores(Metrics.of(result, saved.spec().loss()), result);
    }

    /**
     * The model's metrics per key (a series) and the baseline's beside them (null without a baseline), each key's
     * sums added on the executors: one pair of sums per key reaches the driver.
     */
    public <K> Map<K, Metrics[]> perKey(JavaPairRDD<K, SequenceBlock> data, Baseline baseline, String description) {
        Map<K, EvaluationSums[]> sumsPerKey = perKeySums(data, baseline, description);
        Map<K, Metrics[]> metrics = new java.util.HashMap<>();
        sumsPerKey.forEach((key, pair) -> metrics.put(key, new Metrics[] {Metrics.of(pair[0], saved.spec().loss()),
                pair[1] == null ? null : Metrics.of(pair[1], saved.spec().loss())}));
        return metrics;
    }

    /**
     * The model's (and the baseline's, else null) evaluation sums per key of {@code data}: what {@link #perKey} makes
     * its metrics of, with each predicted value's errors for metrics per step.
     */
    public <K> Map<K, EvaluationSums[]> perKeySums(JavaPairRDD<K, SequenceBlock> data, Baseline baseline,
                                                   String description) {
        return sums.evaluateByKey(data, weights(), kernel, targetScale(), baseline, saved.standardization(),
                description);
    }

    /**
     * The model's and {@code baseline}'s forecasting sums per key: {@code fit}'s windows fit the baseline's residual
     * quantiles and MASE scale, {@code held}'s are scored, the model's quantiles at {@code levels}
     * ({@link DistributedSums#forecastByKey}).
     */
    public <K> Map<K, EvaluationSums[]> forecastByKey(JavaPairRDD<K, SequenceBlock> fit,
                                                      JavaPairRDD<K, SequenceBlock> held, Baseline baseline,
                                                      double[] levels, String description) {
        return sums.forecastByKey(fit, held, weights(), kernel, baseline, saved.standardization(), levels,
                description);
    }

    private ModelWeights weights() {
        return new ModelWeights(saved.spec(), saved.params());
    }

    private double[] targetScale() {
        return saved.standardization() == null ? null : saved.standardization().targetStd();
    }
}
