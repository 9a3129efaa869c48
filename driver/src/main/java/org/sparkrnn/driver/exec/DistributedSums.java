package org.sparkrnn.driver.exec;

import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.sparkrnn.aggregate.GradientAccumulator;
import org.sparkrnn.data.DataStatistics;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.data.SequenceBlock;
import org.sparkrnn.data.Standardization;
import org.sparkrnn.driver.config.Aggregation;
import org.sparkrnn.driver.config.Defaults;
import org.sparkrnn.driver.config.KernelSettings;
import org.sparkrnn.evaluate.Baseline;
import org.sparkrnn.evaluate.EvaluationSums;
import org.sparkrnn.evaluate.Evaluator;
import org.sparkrnn.evaluate.SeasonalNaiveFit;
import org.sparkrnn.kernel.NetworkKernel;
import org.sparkrnn.kernel.Precision;
import org.sparkrnn.model.ModelWeights;
import org.sparkrnn.model.ParameterLayout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The one class that aggregates: it broadcasts the weights for one job, has every partition compute sums over its
 * own sequences (gradients, evaluation sums, statistics, counts), merges them and destroys the broadcast. Nothing
 * else in the project aggregates; the only other class that broadcasts is {@link ModelBroadcasts} (a model for maps
 * over data, with its own lifetimes). The executor-side functions are static and capture only the values they are
 * given, never {@code this}.
 *
 * <p>Sums are merged in an order fixed by indexes, never by which task finished first, so the same data on the same
 * partitioning give the same bits every run: a task (at most one per core, see {@link #foldTasks}) folds its
 * partitions in the order they are grouped, the levels of the tree merge their inputs by ascending task index, and
 * the driver merges the last level's results by index ({@link OrderedMerge}). Gradients travel as
 * {@link Aggregation} says: a tree of the configured depth, or sliced (reduce-scatter through a shuffle); with
 * {@code tree-aggregate} every sum goes through Spark's {@code treeAggregate} instead (the same zero and merge
 * functions; merged in the order tasks finish, so not bit-reproducible), for comparison.
 *
 * <p>The cached training data hold exactly one {@link SequenceBatch} per partition.
 */
public final class DistributedSums {

    /** Sequences per kernel call when a whole partition is evaluated, so memory follows this, not partition size. */
    private static final int EVALUATION_CHUNK = Defaults.Values.CHUNK_SIZE;

    private final JavaSparkContext sc;
    private final Aggregation aggregation;
    private final int depth;

    /** Gradients merged in a tree of {@code depth}. */
    public DistributedSums(JavaSparkContext sc, int depth) {
        this(sc, Aggregation.TREE, depth);
    }

    /** Gradients merged as {@code aggregation} says; {@code depth}: the tree's (evaluation sums always use it). */
    public DistributedSums(JavaSparkContext sc, Aggregation aggregation, int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("aggregation depth must be at least 1, got " + depth);
        }
        this.sc = sc;
        this.aggregation = aggregation;
        this.depth = depth;
    }

    /** Loss and gradient sums of the sequences {@code schedule} picks at {@code iteration}, over all partitions. */
    public GradientAccumulator gradient(JavaRDD<SequenceBlock> data, ModelWeights weights, KernelSettings settings,
                                        BatchSchedule schedule, long iteration, String description) {
        sc.setJobDescription(description);
        Broadcast<ModelWeights> model = sc.broadcast(onTheWire(weights, settings));
        try {
            JavaRDD<GradientAccumulator> perTask = foldTasks(data, new GradientAccumulator(),
                    (sums, partition, block) -> addPartitionGradient(sums, partition, block, model, settings,
                            schedule, iteration));
            if (aggregation == Aggregation.SLICED) {
                ParameterLayout layout = new ParameterLayout(weights.spec());
                return sliced(perTask, layout.fingerprint(), layout.size());
            }
            return tree(perTask, GradientAccumulator::merge, new GradientAccumulator());
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
            return aggregate(data, new EvaluationSums(),
                    (sums, block) -> evaluateBatch(sums, block, model, settings, targetScale), EvaluationSums::merge);
        } finally {
            model.destroy();
        }
    }

    /**
     * As {@link #evaluate}, with the forecasting metrics ({@link org.sparkrnn.evaluate.ForecastSums}) at the quantile
     * {@code levels} (a probabilistic model's; none for a point forecast): {@code targetMean} with the target scale
     * undoes a standardisation where a block does not keep its labels in the data's units.
     */
    public EvaluationSums evaluate(JavaRDD<SequenceBlock> data, ModelWeights weights, KernelSettings settings,
                                   double[] targetScale, double[] targetMean, double[] levels, String description) {
        sc.setJobDescription(description);
        Broadcast<ModelWeights> model = sc.broadcast(onTheWire(weights, settings));
        try {
            return aggregate(data, new EvaluationSums(), (sums, block) -> {
                ModelWeights w = model.value();
                NetworkKernel kernel = KernelCache.borrow(w.spec(), settings);
                try {
                    block.forEachEvaluationChunk(EVALUATION_CHUNK, (chunk, scales, actuals) -> Evaluator.addInto(
                            sums, kernel, w.params(), chunk, targetScale, scales,
                            new Evaluator.Forecast(levels, actuals, targetMean, null)));
                } finally {
                    KernelCache.release(kernel);
                }
                return sums;
            }, EvaluationSums::merge);
        } finally {
            model.destroy();
        }
    }

    /**
     * Forecasting metrics per key (a series), the model's and the baseline's: each series' training windows
     * ({@code fit}) fit the baseline's residual quantiles and its MASE scale ({@link SeasonalNaiveFit}); its held-out
     * windows ({@code held}) are scored by the model (its quantiles at {@code levels}) and by the baseline (its point
     * forecast plus those residual quantiles), with MASE against that scale. The two sides meet by key (a cogroup);
     * one pair of sums per key reaches the driver. {@code standardization}: what the blocks are read with (null:
     * raw); {@code targetMean} undoes it for blocks that do not keep their labels in the data's units.
     */
    public <K> Map<K, EvaluationSums[]> forecastByKey(JavaPairRDD<K, SequenceBlock> fit,
                                                      JavaPairRDD<K, SequenceBlock> held, ModelWeights weights,
                                                      KernelSettings settings, Baseline baseline,
                                                      Standardization standardization, double[] levels,
                                                      String description) {
        sc.setJobDescription(description);
        double[] targetScale = standardization == null ? null : standardization.targetStd();
        double[] targetMean = standardization == null ? null : standardization.targetMean();
        int width = weights.spec().outputSize();
        Broadcast<ModelWeights> model = sc.broadcast(onTheWire(weights, settings));
        try {
            return new java.util.HashMap<>(fit.cogroup(held).filter(sides -> sides._2()._2().iterator().hasNext())
                    .mapValues(sides -> {
                        SeasonalNaiveFit naive = new SeasonalNaiveFit(width);
                        for (SequenceBlock block : sides._1()) {
                            block.forEachEvaluationChunk(EVALUATION_CHUNK, (batch, scales, actuals) ->
                                    naive.add(baseline, batch, standardization, scales, actuals));
                        }
                        double[] residualQuantiles = naive.residualQuantiles(levels);
                        double maseScale = naive.maseScale();
                        EvaluationSums ours = new EvaluationSums();
                        EvaluationSums theirs = new EvaluationSums();
                        ModelWeights w = model.value();
                        NetworkKernel kernel = KernelCache.borrow(w.spec(), settings);
                        try {
                            for (SequenceBlock block : sides._2()) {
                                block.forEachEvaluationChunk(EVALUATION_CHUNK, (batch, scales, actuals) -> {
                                    double[] maseScales = new double[batch.size()];
                                    java.util.Arrays.fill(maseScales, maseScale);
                                    Evaluator.Forecast forecast = new Evaluator.Forecast(levels, actuals, targetMean,
                                            maseScales);
                                    Evaluator.addInto(ours, kernel, w.params(), batch, targetScale, scales, forecast);
                                    baseline.addInto(theirs, batch, standardization, scales, forecast,
                                            residualQuantiles);
                                });
                            }
                        } finally {
                            KernelCache.release(kernel);
                        }
                        return new EvaluationSums[] {ours, theirs};
                    }).collectAsMap());
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
                    block.forEachScaledChunk(EVALUATION_CHUNK,
                            (batch, scales) -> baseline.addInto(sums, batch, standardization, scales));
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
        return aggregate(data, new EvaluationSums(), (sums, block) -> {
            block.forEachScaledChunk(EVALUATION_CHUNK,
                    (batch, scales) -> baseline.addInto(sums, batch, standardization, scales));
            return sums;
        }, EvaluationSums::merge);
    }

    /** How often each of the K class ids occurs among the labelled steps. */
    public long[] classCounts(JavaRDD<SequenceBlock> data, int k, String description) {
        sc.setJobDescription(description);
        return aggregate(data, new long[k], (counts, block) -> {
            block.forEachChunk(EVALUATION_CHUNK, batch -> Baseline.countClassesInto(counts, batch));
            return counts;
        }, DistributedSums::addInto);
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
        return aggregate(data, new DataStatistics(), (stats, block) -> {
            block.forEachChunk(EVALUATION_CHUNK, stats::add);
            return stats;
        }, DataStatistics::merge);
    }

    /**
     * The counts of a data set without its moments (no standardisation to compute): windows made on demand are
     * counted from their shape, without making one.
     */
    public DataStatistics counts(JavaRDD<SequenceBlock> data, String description) {
        sc.setJobDescription(description);
        return aggregate(data, new DataStatistics(), (stats, block) -> block.countInto(stats, EVALUATION_CHUNK),
                DataStatistics::merge);
    }

    /**
     * The counts of two data sets (as {@link #counts}) in one job: training data and their validation data, both
     * computed (and cached, when persisted) by it; one job and its planning instead of two.
     */
    public DataStatistics[] counts(JavaRDD<SequenceBlock> first, JavaRDD<SequenceBlock> second, String description) {
        sc.setJobDescription(description);
        int firstPartitions = first.getNumPartitions();
        DataStatistics[] zero = {new DataStatistics(), new DataStatistics()};
        return tree(foldTasks(first.union(second), zero, (sums, partition, block) -> {
            DataStatistics side = sums[partition < firstPartitions ? 0 : 1];
            block.countInto(side, EVALUATION_CHUNK);
            return sums;
        }), (a, b) -> new DataStatistics[] {a[0].merge(b[0]), a[1].merge(b[1])}, zero);
    }

    /** float32 computation rounds every weight to float: send them as float (half the bytes, same results). */
    private static ModelWeights onTheWire(ModelWeights weights, KernelSettings settings) {
        return settings.precision() == Precision.FLOAT32 ? weights.withFloatWire() : weights;
    }

    /** Folds one block into a task's sums. */
    private interface Fold<S, B> extends java.io.Serializable {
        S apply(S sums, B block) throws Exception;
    }

    /** Folds one row into a partition's sums. */
    public interface RowFold<S, R> extends java.io.Serializable {
        S apply(S sums, R row) throws Exception;
    }

    /**
     * Every row of {@code rows} folded into its partition's copy of {@code zero}, then the partitions' sums merged in
     * index order as every sum here is (the same bits on any run): what Spark ML's forecast evaluator sums.
     */
    public <S, R> S sumRows(JavaRDD<R> rows, S zero, RowFold<S, R> fold,
                            org.apache.spark.api.java.function.Function2<S, S, S> merge, String description) {
        sc.setJobDescription(description);
        JavaRDD<S> perPartition = rows.mapPartitions(values -> {
            S sums = zero;
            while (values.hasNext()) {
                sums = fold.apply(sums, values.next());
            }
            return Collections.singletonList(sums).iterator();
        }, true);
        return tree(perPartition, merge, zero);
    }

    /** Folds one partition's block, knowing the partition's index, into a task's sums. */
    private interface IndexedFold<S, B> extends java.io.Serializable {
        S apply(S sums, int partition, B block) throws Exception;
    }

    /** Every block folded into its task's copy of {@code zero}, then the tasks' sums merged (see {@link #tree}). */
    private <S, B> S aggregate(JavaRDD<B> data, S zero, Fold<S, B> fold,
                               org.apache.spark.api.java.function.Function2<S, S, S> merge) {
        return tree(foldTasks(data, zero, (sums, partition, block) -> fold.apply(sums, block)), merge, zero);
    }

    /**
     * One value per task: its copy of {@code zero} (Spark deserialises the task, so each task has its own) with the
     * blocks of its partitions folded in, in the order the task walks them. At most one task per core: with more
     * partitions than cores, each task walks several (coalesce, no shuffle; a partition keeps its index for the
     * batch schedule) and sends one result, so the driver receives one per core, not one per partition. With no
     * more partitions than cores (one task each) that is a single transformation: every Java-API transformation
     * costs a pass of Spark's closure cleaner on the driver (it reads class files), which a per-iteration job feels.
     */
    private <S, B> JavaRDD<S> foldTasks(JavaRDD<B> data, S zero, IndexedFold<S, B> fold) {
        int cores = Math.max(1, sc.defaultParallelism());
        if (data.getNumPartitions() <= cores) {
            return data.mapPartitionsWithIndex((partition, blocks) -> {
                S sums = zero;
                while (blocks.hasNext()) {
                    sums = fold.apply(sums, partition, blocks.next());
                }
                return Collections.singletonList(sums).iterator();
            }, true);
        }
        JavaRDD<scala.Tuple2<Integer, B>> indexed = data.mapPartitionsWithIndex((partition, blocks) -> {
            List<scala.Tuple2<Integer, B>> out = new ArrayList<>(1);
            blocks.forEachRemaining(block -> out.add(new scala.Tuple2<>(partition, block)));
            return out.iterator();
        }, true);
        return indexed.coalesce(cores).mapPartitions(blocks -> {
            S sums = zero;
            while (blocks.hasNext()) {
                scala.Tuple2<Integer, B> next = blocks.next();
                sums = fold.apply(sums, next._1(), next._2());
            }
            return Collections.singletonList(sums).iterator();
        }, true);
    }

    /**
     * The tasks' values merged as Spark's {@code treeAggregate} would, but in index order (with
     * {@link Aggregation#TREE_AGGREGATE}: by {@code treeAggregate} itself): while there are more than
     * {@code k + ⌈n/k⌉} values (k = max(2, ⌈n^(1/depth)⌉)), a level groups ⌊n/k⌋ contiguous runs of them by index
     * (a shuffle) and each group is merged in ascending index; the driver merges what remains by index.
     * {@code empty}: the result when there is no task.
     */
    private <T> T tree(JavaRDD<T> perTask, org.apache.spark.api.java.function.Function2<T, T, T> merge, T empty) {
        if (aggregation == Aggregation.TREE_AGGREGATE) {
            // Spark's own, with the same zero and merge: each partition's value merged into a copy of the zero, the
            // levels by foldByKey, the last on the driver in the order tasks finish. Its zero is a copy of ours:
            // the task folds into the zero its closure captured, and one task's closures deserialise as one graph,
            // so with the same object treeAggregate would merge each task's sums into themselves (twice the sums)
            return perTask.treeAggregate(copied(empty), merge, merge, depth);
        }
        JavaRDD<T> level = perTask;
        int n = perTask.getNumPartitions();
        int k = Math.max((int) Math.ceil(Math.pow(n, 1.0 / depth)), 2);
        while (n > k + (n + k - 1) / k) {
            int groups = n / k;
            int inputs = n;
            JavaRDD<scala.Tuple2<Integer, scala.Tuple2<Integer, T>>> keyed = level.mapPartitionsWithIndex(
                    (index, values) -> {
                        List<scala.Tuple2<Integer, scala.Tuple2<Integer, T>>> out = new ArrayList<>(1);
                        int group = (int) ((long) index * groups / inputs);
                        values.forEachRemaining(value -> out.add(new scala.Tuple2<>(group,
                                new scala.Tuple2<>(index, value))));
                        return out.iterator();
                    }, true);
            level = JavaPairRDD.fromJavaRDD(keyed).partitionBy(new HashPartitioner(groups))
                    .mapPartitions(values -> {
                        T sums = mergedByIndex(values, merge);
                        return sums == null ? Collections.<T>emptyIterator()
                                : Collections.singletonList(sums).iterator();
                    }, true);
            n = groups;
        }
        OrderedMerge<T> result = new OrderedMerge<>(merge);
        collectInOrder(level, result::add);
        return result.total(empty);
    }

    /** A deep copy of {@code value} (Java serialisation, as Spark copies a zero value). */
    private static <T> T copied(T value) {
        try {
            return JavaBytes.copied(value);
        } catch (java.io.UncheckedIOException | IllegalStateException e) {
            throw new IllegalStateException("a sum's zero value could not be copied", e);
        }
    }

    /**
     * Reduce-scatter: each task's sums cut into S slices (S = the number of tasks), slice s of every task shuffled
     * to reducer s, which sums them in ascending task index; the driver gathers the S summed slices.
     */
    private GradientAccumulator sliced(JavaRDD<GradientAccumulator> perTask, long fingerprint, int size) {
        int slices = perTask.getNumPartitions();
        JavaRDD<scala.Tuple2<Integer, scala.Tuple2<Integer, GradientAccumulator>>> pieces =
                perTask.mapPartitionsWithIndex((task, values) -> {
                    List<scala.Tuple2<Integer, scala.Tuple2<Integer, GradientAccumulator>>> out = new ArrayList<>();
                    values.forEachRemaining(sums -> {
                        if (!sums.isEmpty()) {
                            for (int s = 0; s < slices; s++) {
                                out.add(new scala.Tuple2<>(s, new scala.Tuple2<>(task, sums.slice(s, slices))));
                            }
                        }
                    });
                    return out.iterator();
                }, true);
        JavaRDD<GradientAccumulator> summed = JavaPairRDD.fromJavaRDD(pieces).partitionBy(new HashPartitioner(slices))
                .mapPartitions(values -> {
                    GradientAccumulator sums = mergedByIndex(values, GradientAccumulator::merge);
                    return Collections.singletonList(sums == null ? new GradientAccumulator() : sums).iterator();
                }, true);
        GradientAccumulator[] gathered = new GradientAccumulator[slices];
        collectInOrder(summed, (index, slice) -> gathered[index] = slice);
        return GradientAccumulator.assemble(gathered, fingerprint, size);
    }

    /**
     * What a reducer of {@link #tree} or {@link #sliced} received — (key, (index, value)) pairs, in whatever order the
     * shuffle delivered them — merged in ascending index; null when it received nothing.
     */
    private static <T> T mergedByIndex(Iterator<scala.Tuple2<Integer, scala.Tuple2<Integer, T>>> values,
                                       org.apache.spark.api.java.function.Function2<T, T, T> merge)
            throws Exception {
        List<scala.Tuple2<Integer, T>> received = new ArrayList<>();
        values.forEachRemaining(value -> received.add(value._2()));
        received.sort(java.util.Comparator.comparing(scala.Tuple2::_1));
        T sums = null;
        for (scala.Tuple2<Integer, T> value : received) {
            sums = sums == null ? value._2() : merge.call(sums, value._2());
        }
        return sums;
    }

    /** Runs the job and hands each partition's single value to {@code handler} with the partition's index. */
    private static <T> void collectInOrder(JavaRDD<T> rdd, java.util.function.BiConsumer<Integer, T> handler) {
        rdd.context().runJob(rdd.rdd(), new FirstValue<T>(), new ResultHandler<>(handler),
                scala.reflect.ClassTag$.MODULE$.apply(Object.class));
    }

    /** What a task of {@link #collectInOrder} sends back: its partition's one value (or null). */
    private static final class FirstValue<T> extends scala.runtime.AbstractFunction1<scala.collection.Iterator<T>, T>
            implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public T apply(scala.collection.Iterator<T> values) {
            return values.hasNext() ? values.next() : null;
        }
    }

    /** Spark's result handler (called once per finished task, one at a time) as a Java callback. */
    private static final class ResultHandler<T>
            extends scala.runtime.AbstractFunction2<Object, T, scala.runtime.BoxedUnit> {
        private final java.util.function.BiConsumer<Integer, T> handler;

        ResultHandler(java.util.function.BiConsumer<Integer, T> handler) {
            this.handler = handler;
        }

        @Override
        public scala.runtime.BoxedUnit apply(Object index, T value) {
            synchronized (this) {
                handler.accept((Integer) index, value);
            }
            return scala.runtime.BoxedUnit.UNIT;
        }
    }

    /** Adds partition {@code partition}'s share of the iteration's batch into {@code sums}. */
    private static GradientAccumulator addPartitionGradient(GradientAccumulator sums, int partition,
                                                            SequenceBlock stored, Broadcast<ModelWeights> model,
                                                            KernelSettings settings, BatchSchedule schedule,
                                                            long iteration) {
        if (settings.precision() == Precision.FLOAT32) {
            sums.useFloatWire(); // a float32 kernel's gradient: half the bytes back to the driver
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
        return sums;
    }

    private static EvaluationSums evaluateBatch(EvaluationSums sums, SequenceBlock block,
                                                Broadcast<ModelWeights> model, KernelSettings settings,
                                                double[] targetScale) {
        ModelWeights weights = model.value();
        NetworkKernel kernel = KernelCache.borrow(weights.spec(), settings);
        try {
            block.forEachScaledChunk(EVALUATION_CHUNK,
                    (chunk, scales) -> Evaluator.addInto(sums, kernel, weights.params(), chunk, targetScale, scales));
        } finally {
            KernelCache.release(kernel);
        }
        return sums;
    }
}
