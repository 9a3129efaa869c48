/**
 * Running on a real cluster: a Spark installation ({@link org.sparkrnn.driver.deploy.SparkHome}), a local standalone
 * master and workers tracked by PID ({@link org.sparkrnn.driver.deploy.LocalCluster}), and spark-submit with the
 * driver's real final state in cluster mode ({@link org.sparkrnn.driver.deploy.Submit}).
 */
package org.sparkrnn.driver.deploy;
