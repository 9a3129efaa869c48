/**
 * End-to-end measurements with the real training-loop pieces in Spark local mode ({@code scripts/bench train|overhead});
 * the kernel's JMH benchmark lives with worker-lib's tests. See docs/PERFORMANCE.md.
 */
package org.sparkrnn.driver.bench;
