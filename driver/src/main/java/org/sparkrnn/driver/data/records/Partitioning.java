package org.sparkrnn.driver.data.records;

import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.sparkrnn.data.SequenceBatch;
import org.sparkrnn.data.SequenceBlock;
import org.sparkrnn.driver.config.DataOptions;
import org.sparkrnn.driver.config.Split;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/** How many partitions a data set gets, which sequences are held out, and numbered sequences cut into blocks. */
public final class Partitioning {

    /** Input per partition when --partitions is left at 0: packing a block needs a few times its size in memory. */
    static final long BYTES_PER_PARTITION = 32L << 20;

    /**
     * A long table no bigger than this (Spark's estimate: its files' size) is ordered in one task: sampling range
     * bounds and shuffling it cost more than sorting it there, about a second in a fresh JVM, a third of one after
     * (docs/PERFORMANCE.md, section 8, small tables). 4 MB is some 100,000-250,000 rows of CSV; Parquet packs more.
     */
    public static final long ONE_RANGE_BYTES = 4L << 20;

    /**
     * Records between parsing and packing are kept serialized (Kryo, flat arrays): a load holds them and the packed
     * blocks at once, and one object per record would not fit where the packed data do.
     */
    public static final StorageLevel INTERMEDIATE = StorageLevel.MEMORY_AND_DISK_SER();

    /**
     * A long table's rows, read by the first pass over the ordered table, kept for the passes after it (the scales,
     * the cut, the re-cut into blocks) so the table is ordered once: in memory when they fit beside the blocks being
     * built from them, else on local disk.
     */
    public static final StorageLevel TABLE_ROWS = StorageLevel.MEMORY_AND_DISK();

    /**
     * A long table's windows between cutting and re-blocking (the rows they were cut from let go once they are): in
     * memory when they fit beside the blocks being built from them, else on local disk.
     */
    public static final StorageLevel CUT_WINDOWS = StorageLevel.MEMORY_AND_DISK();

    private Partitioning() {
    }

    /** --partitions, or Spark's default parallelism raised so that no partition holds more than ~32 MB of input. */
    public static int partitions(JavaSparkContext sc, DataOptions options, long inputBytes) {
        if (options.partitions() > 0) {
            return options.partitions();
        }
        return (int) Math.max(sc.defaultParallelism(), (inputBytes + BYTES_PER_PARTITION - 1) / BYTES_PER_PARTITION);
    }

    /**
     * A long table's partitions: the ranges of (series, time) it is ordered into and the blocks its windows are
     * gathered in (the partitions training reads).
     */
    public record TablePartitions(int ranges, int blocks) implements java.io.Serializable {
    }

    /**
     * A long table's partitions: {@code blocks} blocks; as many ranges, or one for a small table (Spark's estimate of
     * it, {@code estimatedBytes}, at most {@link #ONE_RANGE_BYTES}) unless the user chose the partitions
     * ({@code chosen}: {@code --partitions}).
     */
    public static TablePartitions forTable(int blocks, boolean chosen, long estimatedBytes) {
        return new TablePartitions(!chosen && estimatedBytes <= ONE_RANGE_BYTES ? 1 : blocks, blocks);
    }

    /** The held-out share the options ask for, or null for none; a tail share is sized later by {@link #sized}. */
    public static HoldOut holdOut(DataOptions options) {
        if (options.validationFraction() == 0) {
            return null;
        }
        return new HoldOut(options.validationFraction(), options.split() == Split.TAIL, options.seed(), 0);
    }

    /** A tail hold-out needs the number of sequences; other rules are returned as they are. */
    public static ValidationRule sized(ValidationRule rule, JavaPairRDD<Long, SequenceBatch> pairs) {
        if (rule instanceof HoldOut h && h.tail()) {
            return new HoldOut(h.fraction(), true, h.seed(), pairs.count());
        }
        return rule;
    }

    /**
     * The global index of each partition's first sequence, for blocks cut from sequences numbered in input order
     * (one small job: the block sizes).
     */
    public static long[] firstIndexes(JavaRDD<SequenceBlock> blocks, String description) {
        blocks.context().setJobDescription(description);
        List<Integer> sizes = blocks.map(SequenceBlock::size).collect();
        long[] first = new long[sizes.size()];
        for (int p = 1; p < first.length; p++) {
            first[p] = first[p - 1] + sizes.get(p - 1);
        }
        return first;
    }

    /** Numbers (cached) sequences in input order: partition order, then order inside a partition. */
    public static JavaPairRDD<Long, SequenceBatch> number(JavaRDD<SequenceBatch> cached) {
        return cached.zipWithIndex().mapToPair(Tuple2::swap).persist(INTERMEDIATE);
    }

    /** Contiguous blocks of P, each sorted by index and packed into one batch. */
    public static JavaRDD<SequenceBatch> blocks(JavaPairRDD<Long, SequenceBatch> pairs, RecordShape shape, int partitions) {
        pairs.context().setJobDescription("load: counting sequences");
        long total = pairs.count();
        return pairs.partitionBy(new BlockPartitioner(partitions, total))
                .mapPartitions(part -> {
                    List<Tuple2<Long, SequenceBatch>> sequences = new ArrayList<>();
                    part.forEachRemaining(sequences::add);
                    sequences.sort(Comparator.comparing(Tuple2::_1));
                    List<SequenceBatch> ordered = new ArrayList<>(sequences.size());
                    sequences.forEach(sequence -> ordered.add(sequence._2()));
                    return Collections.singletonList(SequenceBatch.concat(Blocks.emptyOfShape(shape), ordered))
                            .iterator();
                }, true);
    }
}
