package org.sparkrnn.driver.exec;

import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapGroupsWithStateFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.KeyValueGroupedDataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.GroupState;
import org.apache.spark.sql.streaming.GroupStateTimeout;
import org.apache.spark.sql.streaming.OutputMode;
import org.sparkrnn.aggregate.GradientAccumulator;
import org.sparkrnn.data.DataStatistics;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.data.SequenceBlock;
import org.sparkrnn.data.Standardization;
import org.sparkrnn.evaluate.Baseline;
import org.sparkrnn.evaluate.EvaluationSums;
import org.sparkrnn.evaluate.Evaluator;
import org.sparkrnn.kernel.NetworkKernel;
import org.sparkrnn.kernel.Precision;
import org.sparkrnn.model.ModelWeights;

import java.util.Collections;
import java.util.Iterator;
import java.util.Map;

/**
 * The one class that runs numeric work on the executors: it broadcasts the weights, has every partition compute
 * sums over its own sequences, merges them with {@code treeAggregate} and destroys the broadcast. Nothing else in
 * the project touches broadcast or aggregation. The executor-side functions are static and capture only the values
 * they are given, never {@code this}.
 *
 * <p>The cached training data hold exactly one {@link SequenceBatch} per partition.
 */
public final class DistributedSums {

    /** Sequences per kernel call when a whole partition is evaluated, so memory follows this, not partition size. */
    public static final int EVALUATION_CHUNK = 256;

    private final JavaSparkContext sc;
    private final int depth;

    public DistributedSums(JavaSparkContext sc, int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("aggregation depth must be at least 1, got " + depth);
        }
        this.sc = sc;
        this.depth = depth;
    }

    /** Loss and gradient sums of the sequences {@code schedule} picks at {@code iteration}, over all partitions. */
    public GradientAccumulator gradient(JavaRDD<SequenceBlock> data, ModelWeights weights, KernelSettings settings,
                                        BatchSchedule schedule, long iteration, String description) {
        sc.setJobDescription(description);
        Broadcast<ModelWeights> model = sc.broadcast(onTheWire(weights, settings));
        try {
            JavaRDD<GradientAccumulator> perBlock = data.mapPartitionsWithIndex(
                    (partition, batches) -> partitionGradient(partition, batches, model, settings, schedule,
                            iteration), true);
            return perTask(perBlock).treeAggregate(new GradientAccumulator(), GradientAccumulator::merge,
                    GradientAccumulator::merge, depth);
        } finally {
            model.destroy();
        }
    }

    /** Evaluation sums of every sequence (forward only). {@code targetScale}: see {@link Evaluator}. */
    public EvaluationSums evaluate(JavaRDD<SequenceBlock> data, ModelWeights weights, KernelSettings settings,
                                   double[] targetScale, String description) {
        sc.setJobDescription(description);
        Broadcast<ModelWeights> model = sc.broadcast(onTheWire(weights, settings));
        try {
            return perTask(data).treeAggregate(new EvaluationSums(),
                    (sums, block) -> evaluateBatch(sums, block, model, settings, targetScale),
                    EvaluationSums::merge, depth);
        } finally {
            model.destroy();
        }
    }

    /**
     * Evaluation sums per key (a series): the model's, and the baseline's when one is given (else null), each key's
     * blocks summed on the executors ({@code reduceByKey}); only one pair of sums per key reaches the driver.
     * {@code standardization}: what the baseline reads the blocks with (null: raw).
     */
    public <K> Map<K, EvaluationSums[]> evaluateByKey(JavaPairRDD<K, SequenceBlock> data, ModelWeights weights,
                                                      KernelSettings settings, double[] targetScale,
                                                      Baseline baseline, Standardization standardization,
                                                      String description) {
        sc.setJobDescription(description);
        Broadcast<ModelWeights> model = sc.broadcast(onTheWire(weights, settings));
        try {
            return new java.util.HashMap<>(data.mapValues(block -> {
                EvaluationSums ours = evaluateBatch(new EvaluationSums(), block, model, settings, targetScale);
                EvaluationSums theirs = null;
                if (baseline != null) {
                    EvaluationSums sums = new EvaluationSums();
                    block.forEachChunk(EVALUATION_CHUNK, batch -> baseline.addInto(sums, batch, standardization));
                    theirs = sums;
                }
                return new EvaluationSums[] {ours, theirs};
            }).reduceByKey((a, b) -> new EvaluationSums[] {a[0].merge(b[0]), a[1] == null ? null : a[1].merge(b[1])})
                    .collectAsMap());
        } finally {
            model.destroy();
        }
    }

    /** A baseline forecast's evaluation sums over every sequence (see {@link Baseline}). */
    public EvaluationSums baseline(JavaRDD<SequenceBlock> data, Baseline baseline, Standardization standardization,
                                   String description) {
        sc.setJobDescription(description);
        return perTask(data).treeAggregate(new EvaluationSums(),
                (sums, block) -> {
                    block.forEachChunk(EVALUATION_CHUNK, batch -> baseline.addInto(sums, batch, standardization));
                    return sums;
                }, EvaluationSums::merge, depth);
    }

    /** How often each of the K class ids occurs among the labelled steps. */
    public long[] classCounts(JavaRDD<SequenceBlock> data, int k, String description) {
        sc.setJobDescription(description);
        return perTask(data).treeAggregate(new long[k], (counts, block) -> {
            block.forEachChunk(EVALUATION_CHUNK, batch -> Baseline.countClassesInto(counts, batch));
            return counts;
        }, DistributedSums::addInto, depth);
    }

    private static long[] addInto(long[] into, long[] other) {
        for (int j = 0; j < into.length; j++) {
            into[j] += other[j];
        }
        return into;
    }

    /** Counts and moments of a data set. */
    public DataStatistics statistics(JavaRDD<SequenceBlock> data, String description) {
        sc.setJobDescription(description);
        // chunk by chunk, in order: the same sums, bit for bit, as the whole block at once (moments add row by row)
        return perTask(data).treeAggregate(new DataStatistics(), (stats, block) -> {
            block.forEachChunk(EVALUATION_CHUNK, stats::add);
            return stats;
        }, DataStatistics::merge, depth);
    }

    /**
     * The counts of a data set without its moments (no standardisation to compute): windows made on demand are
     * counted from their shape, without making one.
     */
    public DataStatistics counts(JavaRDD<SequenceBlock> data, String description) {
        sc.setJobDescription(description);
        return perTask(data).treeAggregate(new DataStatistics(),
                (stats, block) -> block.countInto(stats, EVALUATION_CHUNK), DataStatistics::merge, depth);
    }

    /**
     * Applies {@code perPartition} to every partition with the model broadcast once, and hands the resulting RDD to
     * {@code action} (which must run the job, e.g. save it); the broadcast lives until the action returns.
     */
    public <S, T> void withModel(JavaRDD<S> data, ModelWeights weights, PartitionFunction<S, T> perPartition,
                                 java.util.function.Consumer<JavaRDD<T>> action, String description) {
        sc.setJobDescription(description);
        Broadcast<ModelWeights> model = sc.broadcast(weights);
        try {
            action.accept(data.mapPartitions(part -> perPartition.apply(model.value(), part), true));
        } finally {
            model.destroy();
        }
    }

    /**
     * {@code perPartition} applied to every partition of a DataFrame with the model broadcast once, lazily: the
     * result (a transformed DataFrame, batch or streaming) may be evaluated any number of times after this returns,
     * a streaming query once per micro-batch, all with this one broadcast, so it cannot be destroyed here. Spark's
     * ContextCleaner removes it once the returned plan is garbage.
     */
    public <T> Dataset<T> mapWithModel(Dataset<Row> data, ModelWeights weights,
                                       PartitionFunction<Row, T> perPartition, Encoder<T> encoder) {
        Broadcast<ModelWeights> model = sc.broadcast(weights);
        return data.mapPartitions((MapPartitionsFunction<Row, T>) part -> perPartition.apply(model.value(), part),
                encoder);
    }

    /**
     * {@code perGroup} applied to each group of a (streaming) Dataset with a state kept per group by Spark
     * ({@code flatMapGroupsWithState}, append mode), the model broadcast once for every micro-batch of the query
     * (lazily, as {@link #mapWithModel}); {@code weights} null: no model, the function gets null.
     */
    public <K, V, S, U> Dataset<U> groupsWithModel(KeyValueGroupedDataset<K, V> groups, ModelWeights weights,
                                                   GroupFunction<K, V, S, U> perGroup, Encoder<S> state,
                                                   Encoder<U> out, GroupStateTimeout timeout) {
        Broadcast<ModelWeights> model = weights == null ? null : sc.broadcast(weights);
        return groups.flatMapGroupsWithState((FlatMapGroupsWithStateFunction<K, V, S, U>) (key, rows, group) ->
                        perGroup.apply(model == null ? null : model.value(), key, rows, group),
                OutputMode.Append(), state, out, timeout);
    }

    /** What {@link #groupsWithModel} runs on each group of a micro-batch. */
    public interface GroupFunction<K, V, S, U> extends java.io.Serializable {
        Iterator<U> apply(ModelWeights weights, K key, Iterator<V> rows, GroupState<S> state) throws Exception;
    }

    /** float32 computation rounds every weight to float: send them as float (half the bytes, same results). */
    private static ModelWeights onTheWire(ModelWeights weights, KernelSettings settings) {
        return settings.precision() == Precision.FLOAT32 ? weights.withFloatWire() : weights;
    }

    /**
     * At most one task per core: with more partitions than cores, each task walks several partitions (no shuffle;
     * a partition keeps its index for the batch schedule) and sends one merged result, so the driver receives one
     * gradient per core instead of one per partition.
     */
    private <T> JavaRDD<T> perTask(JavaRDD<T> rdd) {
        int cores = Math.max(1, sc.defaultParallelism());
        return rdd.getNumPartitions() > cores ? rdd.coalesce(cores) : rdd;
    }

    /** What {@link #withModel} and {@link #mapWithModel} run on each partition. */
    public interface PartitionFunction<S, T> extends java.io.Serializable {
        Iterator<T> apply(ModelWeights weights, Iterator<S> partition) throws Exception;
    }

    private static Iterator<GradientAccumulator> partitionGradient(int partition, Iterator<SequenceBlock> batches,
                                                                   Broadcast<ModelWeights> model,
                                                                   KernelSettings settings, BatchSchedule schedule,
                                                                   long iteration) {
        GradientAccumulator sums = new GradientAccumulator();
        if (settings.precision() == Precision.FLOAT32) {
            sums.useFloatWire(); // a float32 kernel's gradient: half the bytes back to the driver
        }
        if (!batches.hasNext()) {
            return Collections.singletonList(sums).iterator();
        }
        SequenceBlock stored = batches.next();
        if (batches.hasNext()) {
            throw new IllegalStateException("partition " + partition + " holds more than one sequence block");
        }
        int[] chosen = schedule.select(partition, stored.size(), iteration);
        SequenceBatch batch = chosen == null && stored instanceof SequenceBatch all ? all
                : stored.select(chosen != null ? chosen : java.util.stream.IntStream.range(0, stored.size()).toArray());
        if (batch.size() > 0) {
            ModelWeights weights = model.value();
            NetworkKernel kernel = KernelCache.borrow(weights.spec(), settings);
            try {
                kernel.accumulate(weights.params(), batch, null, sums, schedule.dropoutSeed(iteration));
            } finally {
                KernelCache.release(kernel);
            }
        }
        return Collections.singletonList(sums).iterator();
    }

    private static EvaluationSums evaluateBatch(EvaluationSums sums, SequenceBlock block,
                                                Broadcast<ModelWeights> model, KernelSettings settings,
                                                double[] targetScale) {
        ModelWeights weights = model.value();
        NetworkKernel kernel = KernelCache.borrow(weights.spec(), settings);
        try {
            block.forEachChunk(EVALUATION_CHUNK,
                    chunk -> Evaluator.addInto(sums, kernel, weights.params(), chunk, targetScale));
        } finally {
            KernelCache.release(kernel);
        }
        return sums;
    }
}
