package dev.openwork.host.runtime.opencode.internal;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One event of OpenCode's bus, as {@code GET /global/event} carries it.
 *
 * @param directory the project directory it happened in, or {@code null} for server-wide events
 * @param payload   the event: {@code {"id","type","properties"}}, exactly what {@code GET /event} sends
 * @param json      {@code payload} as JSON text, encoded once for every subscriber
 */
record OpenCodeEvent(String directory, JsonNode payload, String json) {

    String type() {
        return payload.path("type").asText("");
    }

    JsonNode properties() {
        return payload.path("properties");
    }

    /** The session the event belongs to, or {@code null} for events of no session. */
    String sessionId() {
        JsonNode properties = properties();
        String id = text(properties.path("sessionID"));
        if (id == null) {
            id = text(properties.path("part").path("sessionID"));
        }
        if (id == null) {
            id = text(properties.path("info").path("sessionID"));
        }
        if (id == null && type().startsWith("session.")) {
            id = text(properties.path("info").path("id"));
        }
        return id;
    }

    private static String text(JsonNode node) {
        return node.isTextual() && !node.asText().isEmpty() ? node.asText() : null;
    }
}
