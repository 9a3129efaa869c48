package org.sparkrnn.driver.data.records;

import org.apache.spark.Partitioner;

/**
 * Sequence index i of N goes to partition ⌊i·P/N⌋: contiguous blocks in file order, so partition contents depend only
 * on the data and P, never on the order shuffle blocks arrive in (each partition is sorted by index afterwards).
 */
public final class BlockPartitioner extends Partitioner {

    private static final long serialVersionUID = 1L;

    private final int partitions;
    private final long total;

    public BlockPartitioner(int partitions, long total) {
        this.partitions = partitions;
        this.total = Math.max(total, 1);
    }

    @Override
    public int numPartitions() {
        return partitions;
    }

    @Override
    public int getPartition(Object key) {
        long index = (Long) key;
        return (int) Math.min(partitions - 1, index * partitions / total);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BlockPartitioner other && other.partitions == partitions && other.total == total;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(total) * 31 + partitions;
    }
}
