/**
 * What runs on the executors, below every other driver package: {@link org.sparkrnn.driver.exec.DistributedSums},
 * the one class that broadcasts weights and tree-aggregates sums computed by the partitions; the kernels each executor
 * keeps and borrows ({@link org.sparkrnn.driver.exec.KernelCache}, {@link org.sparkrnn.driver.exec.KernelSettings});
 * and the batch schedule, a pure function of (seed, iteration, partition)
 * ({@link org.sparkrnn.driver.exec.BatchSchedule}). {@code data}, {@code predict} and {@code train} depend on it
 * rather than on each other.
 */
package org.sparkrnn.driver.exec;
