/**
 * The Spark application: how the numeric core of {@code worker-lib} is wired into Spark (Kryo registration today;
 * data loading, the training loop, checkpoints and the CLI as they arrive).
 */
package org.sparkrnn.driver;
