package dev.openwork.host.itests;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The host's own description of its routes ({@code GET /v1/openapi.json}), read the way the
 * security sweep and the fuzzer need it: every operation with its access rule and body schema.
 */
final class ApiDocument {

    /** One operation; {@code listener} is any, tls or local; {@code body} is null when it takes none. */
    record Route(String method, String path, String scope, String loopbackScope, String listener, JsonNode body) {

        boolean servedOn(boolean tls) {
            return switch (listener) {
                case "tls" -> tls;
                case "local" -> !tls;
                default -> true;
            };
        }

        /** The scope a caller needs on that listener; empty for anyone. */
        String scopeOn(boolean tls) {
            return tls ? scope : loopbackScope;
        }

        /** The path with every template filled with a value that names nothing. */
        String concretePath() {
            return path.replaceAll("\\{[^}]+}", "nosuch0000");
        }

        boolean streams() {
            return path.endsWith("/events");
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    final JsonNode document;
    final List<Route> routes;

    ApiDocument(JsonNode document) {
        this.document = document;
        List<Route> all = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext();) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext();) {
                Map.Entry<String, JsonNode> op = ops.next();
                JsonNode access = op.getValue().path("x-openwork-access");
                JsonNode content = op.getValue().path("requestBody").path("content");
                JsonNode body = content.has("application/json") ? content.path("application/json").path("schema") : null;
                all.add(new Route(op.getKey().toUpperCase(Locale.ROOT), path.getKey(), access.path("scope").asText(),
                        access.path("loopbackScope").asText(), access.path("listener").asText(), body));
            }
        }
        this.routes = List.copyOf(all);
    }

    /** Fetches the document with the admin's credential on the loopback listener. */
    static ApiDocument fetch(Http admin) {
        Http.Answer answer = admin.get("/v1/openapi.json");
        if (answer.status() != 200 || answer.json() == null) {
            throw new AssertionError("GET /v1/openapi.json answered " + answer.status() + " " + answer.body());
        }
        return new ApiDocument(answer.json());
    }

    /** A schema with its {@code $ref} followed (repeatedly). */
    JsonNode resolve(JsonNode schema) {
        JsonNode current = schema;
        for (int i = 0; i < 16 && current != null && current.has("$ref"); i++) {
            String ref = current.path("$ref").asText();
            current = document.at(ref.substring(1));
        }
        return current;
    }

    Route route(String method, String path) {
        return routes.stream().filter(r -> r.method().equals(method) && r.path().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError("the document lists no " + method + " " + path));
    }
}
