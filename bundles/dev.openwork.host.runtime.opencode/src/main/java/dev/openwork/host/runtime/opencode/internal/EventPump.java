package dev.openwork.host.runtime.opencode.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one OpenCode's {@code GET /global/event} stream for as long as that OpenCode lives, and hands
 * each event to the consumer in order, on the pump's own thread. Reconnects when the stream breaks
 * while OpenCode still runs. {@link #awaitConnected} lets a task wait until events flow, so none of
 * its own are missed.
 */
final class EventPump implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventPump.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Connection connection;
    private final OpenCodeHttp http;
    private final Consumer<OpenCodeEvent> consumer;
    private final Thread thread;
    private volatile boolean closed;
    private volatile boolean connected;
    private volatile InputStream current;

    EventPump(Connection connection, OpenCodeHttp http, Consumer<OpenCodeEvent> consumer) {
        this.connection = connection;
        this.http = http;
        this.consumer = consumer;
        this.thread = new Thread(this::run, "openwork-opencode-events-" + connection.generation());
        this.thread.setDaemon(true);
    }

    Connection connection() {
        return connection;
    }

    EventPump start() {
        thread.start();
        return this;
    }

    /** Waits until the stream delivered {@code server.connected}; false when it did not within the time. */
    synchronized boolean awaitConnected(long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (!connected && !closed) {
            long left = end - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return connected;
    }

    private synchronized void setConnected(boolean value) {
        connected = value;
        notifyAll();
    }

    private void run() {
        while (!closed) {
            try {
                HttpResponse<InputStream> response = http.stream(connection, "/global/event");
                if (response.statusCode() != 200) {
                    response.body().close();
                    throw new IOException("OpenCode answered " + response.statusCode() + " to /global/event");
                }
                current = response.body();
                read(response.body());
            } catch (IOException e) {
                if (!closed) {
                    LOG.debug("OpenCode's event stream broke; reconnecting", e);
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                setConnected(false);
            }
            if (!closed) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void read(InputStream body) throws IOException {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            StringBuilder data = new StringBuilder();
            String line;
            while (!closed && (line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        dispatch(data.toString());
                        data.setLength(0);
                    }
                } else if (line.startsWith("data:")) {
                    if (data.length() > 0) {
                        data.append('\n');
                    }
                    data.append(line.startsWith("data: ") ? line.substring(6) : line.substring(5));
                }
            }
        }
    }

    private void dispatch(String data) {
        JsonNode envelope;
        try {
            envelope = JSON.readTree(data);
        } catch (IOException e) {
            LOG.debug("OpenCode sent an event that is not JSON; skipped");
            return;
        }
        JsonNode payload = envelope.path("payload");
        if (!payload.isObject()) {
            return;
        }
        String type = payload.path("type").asText("");
        if ("server.connected".equals(type)) {
            setConnected(true);
            return;
        }
        if ("sync".equals(type) || "server.heartbeat".equals(type)) {
            return; // sync events repeat the bus for OpenCode's own replicas; heartbeats are per connection
        }
        JsonNode directory = envelope.path("directory");
        try {
            consumer.accept(new OpenCodeEvent(directory.isTextual() && !"global".equals(directory.asText()) ? directory.asText() : null,
                    payload, JSON.writeValueAsString(payload)));
        } catch (RuntimeException | IOException e) {
            LOG.warn("An OpenCode event ({}) could not be handled", type, e);
        }
    }

    @Override
    public void close() {
        closed = true;
        setConnected(false);
        InputStream stream = current;
        if (stream != null) {
            try {
                stream.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        thread.interrupt();
    }
}
