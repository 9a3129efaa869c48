package org.sparkrnn.driver.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A YARN application as its ResourceManager's REST API tells it: its final state, and the logs of its application
 * master's container (the driver's output in cluster mode), read from the NodeManager that ran it. The ResourceManager
 * is the one of a Hadoop client configuration directory ({@code yarn-site.xml}).
 */
final class YarnApplication {

    private static final Pattern ID = Pattern.compile("(application_\\d+_\\d+)");
    private static final Pattern CONTAINER_LOGS = Pattern.compile("^(https?://[^/]+)/node/containerlogs/([^/]+)/");

    private final String resourceManagerWeb;
    private final String id;

    YarnApplication(String resourceManagerWeb, String id) {
        this.resourceManagerWeb = resourceManagerWeb;
        this.id = id;
    }

    /** The application id in a line of spark-submit's output, if any. */
    static Optional<String> idIn(String line) {
        Matcher m = ID.matcher(line);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The ResourceManager's web address ({@code http://host:port}) of a client configuration directory. */
    static String resourceManagerWeb(Path confDir) {
        org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration(false);
        conf.addResource(new org.apache.hadoop.fs.Path(confDir.resolve("yarn-site.xml").toUri()));
        String web = conf.get("yarn.resourcemanager.webapp.address");
        if (web == null) {
            String host = conf.get("yarn.resourcemanager.hostname", "0.0.0.0");
            web = host + ":8088";
        }
        return "http://" + web;
    }

    String id() {
        return id;
    }

    /** The ResourceManager's report on the application ({@code /ws/v1/cluster/apps/ID}), or null when unreachable. */
    JsonNode report() {
        try (InputStream in = get(resourceManagerWeb + "/ws/v1/cluster/apps/" + id)) {
            return new ObjectMapper().readTree(in).path("app");
        } catch (IOException e) {
            return null;
        }
    }

    /** The web page of the application master container's logs, as the ResourceManager gives it. */
    Optional<String> logsPage() {
        JsonNode app = report();
        String url = app == null ? "" : app.path("amContainerLogs").asText("");
        return url.isEmpty() ? Optional.empty() : Optional.of(url);
    }

    /**
     * A log file ({@code stdout}, {@code stderr}) of the application master's container, as text, from its
     * NodeManager's REST API (kept there after the application ends, without log aggregation), if reachable.
     */
    Optional<String> amLog(String file) {
        Optional<String> page = logsPage();
        if (page.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = CONTAINER_LOGS.matcher(page.get());
        if (!m.find()) {
            return Optional.empty();
        }
        try (InputStream in = get(m.group(1) + "/ws/v1/node/containers/" + m.group(2) + "/logs/" + file)) {
            return Optional.of(contents(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A log as the NodeManager serves it, without its frame (container, type, length ... End of LogType). */
    static String contents(String served) {
        int from = served.indexOf("LogContents:\n");
        String text = from < 0 ? served : served.substring(from + "LogContents:\n".length());
        int end = text.lastIndexOf("End of LogType:");
        return end < 0 ? text : text.substring(0, end);
    }

    private static InputStream get(String url) throws IOException {
        var connection = URI.create(url).toURL().openConnection();
        connection.setConnectTimeout(5000);
        connection.setReadTimeout(20000);
        return connection.getInputStream();
    }
}
