package org.sparkrnn.hadoopcluster;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@code LocalHadoop DIR}: an HDFS cluster (one NameNode, one DataNode) and a YARN cluster (one ResourceManager,
 * {@code -Dnodemanagers=N} NodeManagers, default 1) on 127.0.0.1, Hadoop's own test clusters, with their data and
 * logs under DIR. When both answer it writes the client configuration a Spark submitter needs into {@code DIR/conf}
 * (core-site.xml, hdfs-site.xml, yarn-site.xml: {@code HADOOP_CONF_DIR}) and then {@code DIR/ready}; it runs until
 * killed (or until {@code DIR/stop} appears), stopping both clusters on the way out.
 */
public final class LocalHadoop {

    private LocalHadoop() {
    }

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable e) { // the clusters' threads would keep a failed start alive
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: LocalHadoop DIR");
            System.exit(2);
        }
        Path dir = Path.of(args[0]).toAbsolutePath();
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve("ready"));
        Files.deleteIfExists(dir.resolve("stop"));
        Configuration conf = new Configuration();
        conf.set("hadoop.tmp.dir", dir.resolve("tmp").toString());
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.resolve("dfs").toString());
        conf.setBoolean("dfs.permissions.enabled", false);
        conf.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
        MiniDFSCluster dfs = new MiniDFSCluster.Builder(conf).numDataNodes(1)
                .nameNodePort(Integer.getInteger("namenode.port", 0)).format(true).build();
        dfs.waitActive();
        conf.set("fs.defaultFS", dfs.getURI().toString());

        YarnConfiguration yarnConf = new YarnConfiguration(conf);
        yarnConf.set(YarnConfiguration.RM_HOSTNAME, "127.0.0.1");
        yarnConf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
        yarnConf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
        yarnConf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 128);
        yarnConf.setInt(YarnConfiguration.NM_PMEM_MB, Integer.getInteger("nodemanager.memory.mb", 8192));
        yarnConf.setInt(YarnConfiguration.NM_VCORES, Integer.getInteger("nodemanager.vcores", 8));
        yarnConf.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_VCORES, 8);
        // a busy disk must not make the node unhealthy (YARN's default refuses containers above 90% used)
        yarnConf.setFloat("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", 100f);
        // a killed container's logs and directories stay for the tests to read
        yarnConf.setInt(YarnConfiguration.DEBUG_NM_DELETE_DELAY_SEC, 600);
        // FIFO: one queue, no capacity-scheduler.xml needed
        yarnConf.set(YarnConfiguration.RM_SCHEDULER,
                "org.apache.hadoop.yarn.server.resourcemanager.scheduler.fifo.FifoScheduler");
        MiniYARNCluster yarn = new MiniYARNCluster("sparkrnn", Integer.getInteger("nodemanagers", 1), 1, 1);
        yarn.init(yarnConf);
        yarn.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                yarn.stop();
            } finally {
                dfs.shutdown();
            }
        }));
        Configuration live = yarn.getConfig();
        long deadline = System.currentTimeMillis() + 60_000;
        while (live.get(YarnConfiguration.RM_ADDRESS, "").endsWith(":0") && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        // what a client needs, and nothing of the test clusters' own settings (their test-only classes)
        Path confDir = Files.createDirectories(dir.resolve("conf"));
        Configuration core = new Configuration(false);
        core.set("fs.defaultFS", dfs.getURI().toString());
        write(core, confDir.resolve("core-site.xml"));
        write(new Configuration(false), confDir.resolve("hdfs-site.xml"));
        Configuration client = new Configuration(false);
        for (String key : new String[] {YarnConfiguration.RM_ADDRESS, YarnConfiguration.RM_SCHEDULER_ADDRESS,
                YarnConfiguration.RM_RESOURCE_TRACKER_ADDRESS, YarnConfiguration.RM_ADMIN_ADDRESS,
                YarnConfiguration.RM_WEBAPP_ADDRESS, YarnConfiguration.RM_HOSTNAME}) {
            client.set(key, live.get(key));
        }
        write(client, confDir.resolve("yarn-site.xml"));
        Path ready = dir.resolve("ready.tmp");
        Files.writeString(ready, "hdfs " + dfs.getURI() + "\nyarn " + live.get(YarnConfiguration.RM_ADDRESS)
                + "\nyarn-web http://" + live.get(YarnConfiguration.RM_WEBAPP_ADDRESS) + "\n",
                StandardCharsets.UTF_8);
        Files.move(ready, dir.resolve("ready"), StandardCopyOption.ATOMIC_MOVE);
        System.out.println("hdfs " + dfs.getURI() + ", yarn " + live.get(YarnConfiguration.RM_ADDRESS)
                + ", client configuration in " + confDir);
        while (!Files.exists(dir.resolve("stop"))) {
            Thread.sleep(500);
        }
        System.exit(0);
    }

    private static void write(Configuration conf, Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            conf.writeXml(out);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
