package dev.openwork.host.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small JSON-over-HTTP client for the tests. */
final class Http {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String credential;

    /** A client of the loopback listener that sends {@code credential} (null: none). */
    Http(int port, String credential) {
        this.base = "http://127.0.0.1:" + port;
        this.credential = credential;
    }

    /** The local admin's credential, as kept in the host's data directory. */
    static String adminCredential(java.nio.file.Path dataDirectory) {
        return Conditions.await("the admin credential file", java.time.Duration.ofSeconds(30), () -> {
            try {
                java.nio.file.Path file = dataDirectory.resolve("admin").resolve("admin.token");
                return java.nio.file.Files.exists(file) ? java.nio.file.Files.readString(file).trim() : null;
            } catch (IOException e) {
                return null;
            }
        });
    }

    /** An answer: status, content type and the body parsed as JSON (null when it is not JSON). */
    record Answer(int status, String contentType, String body, JsonNode json) {
    }

    Answer get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    Answer post(String path, String contentType, String body) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    Answer send(HttpRequest.Builder request) {
        if (credential != null) {
            request.header("Authorization", "Bearer " + credential);
        }
        try {
            HttpResponse<String> response = client.send(request.timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            String type = response.headers().firstValue("Content-Type").orElse("");
            JsonNode json = null;
            if (type.startsWith("application/json")) {
                json = JSON.readTree(response.body());
            }
            return new Answer(response.statusCode(), type, response.body(), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
