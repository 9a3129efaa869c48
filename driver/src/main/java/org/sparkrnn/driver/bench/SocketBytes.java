package org.sparkrnn.driver.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bytes every process has sent and received over TCP, from the kernel's own counters of each open socket
 * ({@code ss -tinp}: {@code bytes_sent}, {@code bytes_received}, with the owning process): every byte on the wire
 * between the driver and the executors, whatever Spark layer sent it (task results, shuffle blocks, broadcast
 * pieces, RPC). {@link #since} gives the bytes per process between two snapshots; a socket opened in between counts
 * from zero, one closed in between is lost (Spark keeps its connections open, so none are during a benchmark).
 */
final class SocketBytes {

    private static final Pattern SOCKET = Pattern.compile("^\\S+\\s+\\d+\\s+\\d+\\s+(\\S+)\\s+(\\S+).*pid=(\\d+),");
    private static final Pattern SENT = Pattern.compile("bytes_sent:(\\d+)");
    private static final Pattern RECEIVED = Pattern.compile("bytes_received:(\\d+)");

    /** One socket's counters. */
    private record Counters(long pid, long sent, long received) {
    }

    /** Bytes a process sent and received. */
    record Traffic(long sent, long received) {
        Traffic plus(Traffic other) {
            return new Traffic(sent + other.sent, received + other.received);
        }
    }

    private final Map<String, Counters> sockets;

    private SocketBytes(Map<String, Counters> sockets) {
        this.sockets = sockets;
    }

    /** The counters of every TCP socket of this user's processes now. */
    static SocketBytes snapshot() {
        Map<String, Counters> sockets = new HashMap<>();
        String output = run("ss", "-tinpH");
        String key = null;
        long pid = -1;
        for (String line : output.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if (!Character.isWhitespace(line.charAt(0))) {
                Matcher m = SOCKET.matcher(line);
                key = m.find() ? m.group(1) + ">" + m.group(2) : null;
                pid = key == null ? -1 : Long.parseLong(m.group(3));
            } else if (key != null) {
                sockets.put(key, new Counters(pid, number(SENT, line), number(RECEIVED, line)));
                key = null;
            }
        }
        return new SocketBytes(sockets);
    }

    /** Per process: the bytes its sockets sent and received since {@code before}. */
    Map<Long, Traffic> since(SocketBytes before) {
        Map<Long, Traffic> traffic = new HashMap<>();
        sockets.forEach((key, now) -> {
            Counters then = before.sockets.get(key);
            long sent = now.sent - (then == null ? 0 : then.sent);
            long received = now.received - (then == null ? 0 : then.received);
            traffic.merge(now.pid, new Traffic(sent, received), Traffic::plus);
        });
        return traffic;
    }

    /** Whether {@code ss} runs here and shows byte counters with owners. */
    static boolean available() {
        try {
            snapshot();
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private static long number(Pattern pattern, String line) {
        Matcher m = pattern.matcher(line);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static String run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out;
            try (InputStream in = process.getInputStream()) {
                out = in.readAllBytes();
            }
            if (process.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: "
                        + new String(out, StandardCharsets.UTF_8).strip());
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage()
                    + " (install iproute2)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
