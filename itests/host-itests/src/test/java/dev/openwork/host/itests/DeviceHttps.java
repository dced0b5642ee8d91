package dev.openwork.host.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.openwork.host.api.identity.HostIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** A paired device's view of the host over HTTPS: JSON calls, tasks, and event streams read in the background. */
final class DeviceHttps {

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> TERMINAL = List.of("succeeded", "failed", "cancelled", "interrupted");

    private final HttpClient client = HttpClient.newBuilder().sslContext(Tls.recordingContext(new AtomicReference<>()))
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    DeviceHttps(HostIdentity identity) {
        this(Conditions.await("the TLS listener", Duration.ofSeconds(30),
                () -> identity.endpoints().isEmpty() ? null : identity.endpoints().get(0).port()));
    }

    /** A device's client of the TLS listener on 127.0.0.1:{@code port}. */
    DeviceHttps(int port) {
        this.base = "https://127.0.0.1:" + port;
    }

    HttpResponse<String> send(String credential, String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (credential != null) {
            request.header("Authorization", "Bearer " + credential);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    static ObjectNode bash(String command) {
        return JSON.createObjectNode().put("tool", "bash").put("command", command);
    }

    static ObjectNode write(String path, String content) {
        return JSON.createObjectNode().put("tool", "write").put("path", path).put("content", content);
    }

    /** Submits a shell task; returns the answer (201 with the task, or the error). */
    HttpResponse<String> submit(String credential, String workspace, ObjectNode... steps) {
        ArrayNode list = JSON.createArrayNode();
        for (ObjectNode step : steps) {
            list.add(step);
        }
        ObjectNode body = JSON.createObjectNode().put("runtime", "shell").put("workspace", workspace);
        body.set("steps", list);
        return send(credential, "POST", "/v1/tasks", body.toString());
    }

    /** Submits and expects it accepted; returns the task id. */
    String run(String credential, String workspace, ObjectNode... steps) {
        HttpResponse<String> answer = submit(credential, workspace, steps);
        if (answer.statusCode() != 201) {
            throw new AssertionError("the task was refused: " + answer.statusCode() + " " + answer.body());
        }
        return json(answer).path("id").asText();
    }

    JsonNode task(String credential, String taskId) {
        return json(send(credential, "GET", "/v1/tasks/" + taskId, null));
    }

    JsonNode awaitEnd(String credential, String taskId) {
        return Conditions.await("task " + taskId + " to end", Duration.ofSeconds(60), () -> {
            JsonNode task = task(credential, taskId);
            return TERMINAL.contains(task.path("state").asText()) ? task : null;
        });
    }

    /** The task's journal, oldest first. */
    JsonNode log(String credential, String taskId) {
        return json(send(credential, "GET", "/v1/tasks/" + taskId + "/log?limit=10000", null)).path("events");
    }

    /** Opens an event stream and reads it on its own thread until closed. */
    Stream stream(String credential, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + credential)
                .build();
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                throw new AssertionError(path + " answered " + response.statusCode());
            }
            return new Stream(response.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Server-sent events as they arrive. */
    static final class Stream implements AutoCloseable {
        private final LinkedBlockingQueue<SseReader.Event> events = new LinkedBlockingQueue<>();
        private final InputStream body;
        private final SseReader reader;

        Stream(InputStream body) {
            this.body = body;
            this.reader = new SseReader(body);
            Thread thread = new Thread(() -> {
                try {
                    SseReader.Event event;
                    while ((event = reader.next()) != null) {
                        events.add(event);
                    }
                } catch (IOException closed) {
                    // the test closed the stream
                }
            }, "itest-sse");
            thread.setDaemon(true);
            thread.start();
        }

        /** The data of the next event with this name (earlier events of other names are skipped). */
        JsonNode next(String name, Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                SseReader.Event event = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
                if (event == null) {
                    throw new AssertionError("no " + name + " event within " + timeout.toSeconds() + " s");
                }
                if (name.equals(event.name())) {
                    return JSON.readTree(event.data());
                }
            }
        }

        /**
         * Closes the response body itself: closing the reader would wait for the lock its thread holds
         * while it is blocked reading, until the next heartbeat.
         */
        @Override
        public void close() throws IOException {
            body.close();
        }
    }
}
