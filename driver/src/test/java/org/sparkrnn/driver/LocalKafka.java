package org.sparkrnn.driver;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A real Kafka broker for tests: one KRaft node (broker and controller) on 127.0.0.1, in a JVM of its own started
 * from the Kafka jars Maven resolved for the {@code kafka-broker} module ({@code kafka-broker/target/broker.classpath}:
 * Scala 2.13, whatever the Spark line under test), its log and data in a directory of the test's.
 */
public final class LocalKafka implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private LocalKafka(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Formats a new node's storage under {@code dir} and starts it; returns when it answers. */
    public static LocalKafka start(Path dir) throws Exception {
        Path classpath = Path.of("../kafka-broker/target/broker.classpath");
        if (!Files.exists(classpath)) {
            throw new IllegalStateException(classpath.toAbsolutePath() + " is missing: build from the top directory"
                    + " (mvn install), which resolves the broker's jars first");
        }
        int port = freePort();
        int controller = freePort();
        Path data = Files.createDirectories(dir.resolve("kafka-data"));
        Path properties = Files.write(dir.resolve("server.properties"), List.of(
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controller,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "log.dirs=" + data,
                "num.partitions=1",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "group.initial.rebalance.delay.ms=0"));
        Path log4j = Files.write(dir.resolve("kafka-log4j.properties"), List.of(
                "log4j.rootLogger=WARN, out",
                "log4j.appender.out=org.apache.log4j.ConsoleAppender",
                "log4j.appender.out.layout=org.apache.log4j.PatternLayout",
                "log4j.appender.out.layout.ConversionPattern=[%d] %p %m (%c)%n"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = Files.readString(classpath).strip();
        Path log = dir.resolve("kafka.log");
        Process format = new ProcessBuilder(java, "-Dlog4j.configuration=file:" + log4j, "-cp", cp,
                "kafka.tools.StorageTool", "format", "-t", org.apache.kafka.common.Uuid.randomUuid().toString(),
                "-c", properties.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!format.waitFor(120, TimeUnit.SECONDS) || format.exitValue() != 0) {
            throw new IllegalStateException("formatting the Kafka node failed: " + Files.readString(log));
        }
        Process broker = new ProcessBuilder(java, "-Xmx512m", "-Dlog4j.configuration=file:" + log4j, "-cp", cp,
                "kafka.Kafka", properties.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        LocalKafka kafka = new LocalKafka(broker, port, log);
        long deadline = System.currentTimeMillis() + 120_000;
        while (!kafka.answers()) {
            if (!broker.isAlive() || System.currentTimeMillis() > deadline) {
                kafka.close();
                throw new IllegalStateException("the Kafka broker did not start: " + Files.readString(log));
            }
            Thread.sleep(200);
        }
        return kafka;
    }

    /** host:port of the broker. */
    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    /** Creates {@code topic} with {@code partitions} partitions. */
    public void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
        }
    }

    /** Sends {@code records} (key, value; a null key lets Kafka spread them) to {@code topic}, and waits. */
    public void send(String topic, List<Map.Entry<String, String>> records) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            for (Map.Entry<String, String> record : records) {
                producer.send(new ProducerRecord<>(topic, record.getKey(), record.getValue()));
            }
            producer.flush();
        }
    }

    /** The broker's own log so far (for a failed test's message). */
    public String log() throws IOException {
        return Files.readString(log);
    }

    private boolean answers() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        } catch (IOException e) {
            return false;
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                3000))) {
            admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
