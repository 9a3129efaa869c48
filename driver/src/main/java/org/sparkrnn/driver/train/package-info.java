/**
 * The training loop: {@link org.sparkrnn.driver.train.Trainer} on the driver, and
 * {@link org.sparkrnn.driver.train.DistributedSums}, the one class that broadcasts weights and tree-aggregates sums
 * computed on the executors; the batch schedule, the resolved configuration, metrics history and loss curve.
 */
package org.sparkrnn.driver.train;
