package org.sparkrnn.driver.exec;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapGroupsWithStateFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.KeyValueGroupedDataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.streaming.GroupState;
import org.apache.spark.sql.streaming.GroupStateTimeout;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.types.StructType;
import org.sparkrnn.model.ModelWeights;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/**
 * A model broadcast for maps over data, each broadcast with an explicit lifetime (what {@link DistributedSums}
 * broadcasts for its sums lives for its one job):
 * <ul>
 *   <li>{@link #withModel}: for one job, destroyed when it returns;</li>
 *   <li>{@link #map}, {@link #mapInternal} and {@link #groups} on a {@link #scoped} instance: for the plans made through it, which may run
 *       any number of jobs (a streaming query: one per micro-batch), destroyed when the owner closes it: after the
 *       DataFrame is written, or when the query has ended;</li>
 *   <li>on a {@link #withThePlans} instance (a Spark ML model's {@code transform}, whose DataFrame the user keeps):
 *       for as long as a plan made through it exists; Spark's ContextCleaner removes the broadcast once the plan is
 *       garbage.</li>
 * </ul>
 * The executor-side functions capture the broadcast and the caller's function, never {@code this}.
 */
public final class ModelBroadcasts implements AutoCloseable {

    private final JavaSparkContext sc;
    private final boolean owned;
    private final List<Broadcast<ModelWeights>> live = new ArrayList<>();

    private ModelBroadcasts(JavaSparkContext sc, boolean owned) {
        this.sc = sc;
        this.owned = owned;
    }

    /** Broadcasts destroyed by {@link #close}: the caller knows when the plans made through them are done. */
    public static ModelBroadcasts scoped(JavaSparkContext sc) {
        return new ModelBroadcasts(sc, true);
    }

    /** Broadcasts that live as long as the plans made through them (ContextCleaner); {@link #close} leaves them. */
    public static ModelBroadcasts withThePlans(JavaSparkContext sc) {
        return new ModelBroadcasts(sc, false);
    }

    /**
     * Applies {@code perPartition} to every partition with the model broadcast once, and hands the resulting RDD to
     * {@code action} (which must run the job, e.g. save it); the broadcast is destroyed when the action returns.
     */
    public static <S, T> void withModel(JavaSparkContext sc, JavaRDD<S> data, ModelWeights weights,
                                        PartitionFunction<S, T> perPartition, Consumer<JavaRDD<T>> action,
                                        String description) {
        sc.setJobDescription(description);
        Broadcast<ModelWeights> model = sc.broadcast(weights);
        try {
            action.accept(data.mapPartitions(part -> perPartition.apply(model.value(), part), true));
        } finally {
            model.destroy();
        }
    }

    /**
     * {@code perPartition} applied to every partition of a DataFrame (batch or streaming) with the model broadcast
     * once, lazily: the result may be evaluated any number of times, all with this one broadcast.
     */
    public <T> Dataset<T> map(Dataset<Row> data, ModelWeights weights, PartitionFunction<Row, T> perPartition,
                              Encoder<T> encoder) {
        Broadcast<ModelWeights> model = broadcast(weights);
        return data.mapPartitions((MapPartitionsFunction<Row, T>) part -> perPartition.apply(model.value(), part),
                encoder);
    }

    /**
     * {@code perPartition} applied to every partition of a batch DataFrame's internal rows ({@link InternalFrames})
     * with the model broadcast once, lazily, giving rows of schema {@code out} in Spark's internal form: a map that
     * reads and writes binary rows, for columns too costly to convert to external {@code Row}s and back (a scoring
     * frame's sequences). Check {@link InternalFrames#available} first.
     */
    public Dataset<Row> mapInternal(Dataset<Row> data, ModelWeights weights,
                                    PartitionFunction<InternalRow, InternalRow> perPartition, StructType out) {
        Broadcast<ModelWeights> model = broadcast(weights);
        RDD<InternalRow> rows = InternalFrames.rows(data);
        JavaRDD<InternalRow> mapped = rows.toJavaRDD().mapPartitions(
                part -> perPartition.apply(model.value(), part), true);
        return InternalFrames.frame(data.sparkSession(), mapped.rdd(), out);
    }

    /**
     * {@code perGroup} applied to each group of a (streaming) Dataset with a state kept per group by Spark
     * ({@code flatMapGroupsWithState}, append mode), the model broadcast once for every micro-batch of the query;
     * {@code weights} null: no model (nothing broadcast), the function gets null.
     */
    public <K, V, S, U> Dataset<U> groups(KeyValueGroupedDataset<K, V> groups, ModelWeights weights,
                                          GroupFunction<K, V, S, U> perGroup, Encoder<S> state, Encoder<U> out,
                                          GroupStateTimeout timeout) {
        Broadcast<ModelWeights> model = weights == null ? null : broadcast(weights);
        return groups.flatMapGroupsWithState((FlatMapGroupsWithStateFunction<K, V, S, U>) (key, rows, group) ->
                        perGroup.apply(model == null ? null : model.value(), key, rows, group),
                OutputMode.Append(), state, out, timeout);
    }

    /** The broadcasts made through this instance and not destroyed yet. */
    public synchronized int live() {
        return live.size();
    }

    /** Destroys the broadcasts of a {@link #scoped} instance (on the driver and every executor); idempotent. */
    @Override
    public synchronized void close() {
        if (owned) {
            for (Broadcast<ModelWeights> model : live) {
                model.destroy();
            }
            live.clear();
        }
    }

    private synchronized Broadcast<ModelWeights> broadcast(ModelWeights weights) {
        Broadcast<ModelWeights> model = sc.broadcast(weights);
        if (owned) {
            live.add(model);
        }
        return model;
    }

    /** What {@link #withModel} and {@link #map} run on each partition. */
    public interface PartitionFunction<S, T> extends java.io.Serializable {
        Iterator<T> apply(ModelWeights weights, Iterator<S> partition) throws Exception;
    }

    /** What {@link #groups} runs on each group of a micro-batch. */
    public interface GroupFunction<K, V, S, U> extends java.io.Serializable {
        Iterator<U> apply(ModelWeights weights, K key, Iterator<V> rows, GroupState<S> state) throws Exception;
    }
}
