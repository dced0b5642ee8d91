package dev.openwork.host.runtime.opencode.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Requests to the supervised OpenCode, always with its password, always on loopback. */
final class OpenCodeHttp {

    /** An answer of OpenCode. */
    record Answer(int status, String contentType, byte[] body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    static final String JSON = "application/json";
    private final HttpClient client;

    OpenCodeHttp(HttpClient client) {
        this.client = client;
    }

    static HttpClient newClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    Answer send(Connection connection, String method, String path, Map<String, String> query, byte[] body, Duration timeout)
            throws IOException, InterruptedException {
        HttpResponse<byte[]> response = client.send(request(connection, method, path, query, body, timeout),
                HttpResponse.BodyHandlers.ofByteArray());
        return answer(response);
    }

    CompletableFuture<Answer> sendAsync(Connection connection, String method, String path, Map<String, String> query,
            byte[] body) {
        return client.sendAsync(request(connection, method, path, query, body, null), HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(OpenCodeHttp::answer);
    }

    HttpResponse<InputStream> stream(Connection connection, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(connection.uri(path, null)).GET()
                .header("Authorization", connection.authorization()).header("Accept", "text/event-stream").build();
        return client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    }

    private static HttpRequest request(Connection connection, String method, String path, Map<String, String> query,
            byte[] body, Duration timeout) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(connection.uri(path, query))
                .header("Authorization", connection.authorization()).header("Accept", JSON);
        if (timeout != null) {
            builder.timeout(timeout);
        }
        if (body != null) {
            builder.header("Content-Type", JSON).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        } else {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return builder.build();
    }

    private static Answer answer(HttpResponse<byte[]> response) {
        return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(null), response.body());
    }
}
