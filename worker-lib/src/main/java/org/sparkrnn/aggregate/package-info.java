/**
 * Sums that travel from executors to the driver: {@link org.sparkrnn.aggregate.GradientAccumulator} (loss sum,
 * gradient sum, count) with the {@code add}/{@code merge} algebra {@code treeAggregate} needs.
 */
package org.sparkrnn.aggregate;
