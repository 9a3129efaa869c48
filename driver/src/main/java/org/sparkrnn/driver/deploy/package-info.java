/**
 * Running on a real cluster: a Spark installation ({@link org.sparkrnn.driver.deploy.SparkHome}), a local standalone
 * master and workers tracked by PID ({@link org.sparkrnn.driver.deploy.LocalCluster}), real HDFS and YARN from Maven
 * jars beside them ({@link org.sparkrnn.driver.deploy.LocalHadoop}), and spark-submit with the driver's real final
 * state in cluster mode, from a standalone master or from YARN's ResourceManager and the NodeManager that ran the
 * driver ({@link org.sparkrnn.driver.deploy.Submit}, {@link org.sparkrnn.driver.deploy.YarnApplication}); and the
 * launchers' class path with unsigned copies of its signed jars ({@link org.sparkrnn.driver.deploy.UnsignedJars}).
 */
package org.sparkrnn.driver.deploy;
