/**
 * What runs on the executors, below every other driver package but {@code config} (whose settings it reads):
 * {@link org.sparkrnn.driver.exec.DistributedSums}, the one class that aggregates, merging sums computed by the
 * partitions (with the weights broadcast for its one job) in an order fixed by indexes
 * ({@link org.sparkrnn.driver.exec.OrderedMerge}), as a tree or sliced, or by Spark's own treeAggregate
 * ({@link org.sparkrnn.driver.config.Aggregation});
 * {@link org.sparkrnn.driver.exec.ModelBroadcasts}, a model broadcast for maps over data with an explicit lifetime
 * (over a batch DataFrame's internal rows through {@link org.sparkrnn.driver.exec.InternalFrames});
 * the kernels each executor keeps and borrows ({@link org.sparkrnn.driver.exec.KernelCache},
 * {@link org.sparkrnn.driver.config.KernelSettings}); and the batch schedule, a pure function of (seed, epoch, global
 * sequence index) ({@link org.sparkrnn.driver.exec.BatchSchedule} over an
 * {@link org.sparkrnn.driver.exec.IndexPermutation}); values as Java-serialised bytes
 * ({@link org.sparkrnn.driver.exec.JavaBytes}). {@code data}, {@code predict} and {@code train} depend on it
 * rather than on each other.
 */
package org.sparkrnn.driver.exec;
