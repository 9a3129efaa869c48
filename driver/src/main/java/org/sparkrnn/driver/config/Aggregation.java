package org.sparkrnn.driver.config;

import org.sparkrnn.model.CliNamed;

/**
 * How the gradient sums of the tasks reach the driver (see {@code exec.DistributedSums}).
 * <ul>
 *   <li>{@code tree}: task sums merged in a tree of the configured depth; the driver receives k = T^(1/depth)
 *       whole gradients (T tasks), every inner node as many;</li>
 *   <li>{@code sliced}: reduce-scatter through a shuffle: every task cuts its sum into S slices (S = T), one reducer
 *       per slice sums that slice of every task, and the driver gathers the S summed slices: one gradient's worth
 *       of bytes whatever the number of executors, for one more stage per iteration;</li>
 *   <li>{@code tree-aggregate}: Spark's own {@code JavaRDD.treeAggregate} with the configured depth, the same zero
 *       values and merge functions as the tree; its levels merge in the order the shuffle delivers and its driver in
 *       the order tasks finish, so two runs may differ in the last bits.</li>
 * </ul>
 * The first two merge in an order fixed by partition and task indexes, never by which task finished first: the same
 * data on the same partitioning give the same bits every run.
 */
public enum Aggregation implements CliNamed {
    TREE("tree"),
    SLICED("sliced"),
    TREE_AGGREGATE("tree-aggregate");

    private final String cliName;

    Aggregation(String cliName) {
        this.cliName = cliName;
    }

    @Override
    public String cliName() {
        return cliName;
    }

    /** Whether the same data on the same partitioning give the same bits every run. */
    public boolean reproducible() {
        return this != TREE_AGGREGATE;
    }
}
