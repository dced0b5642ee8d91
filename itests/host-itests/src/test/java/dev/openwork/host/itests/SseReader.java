package dev.openwork.host.itests;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** Reads server-sent events one at a time from a response body (test side). */
final class SseReader implements AutoCloseable {

    /** One event: its id (null when none), name and data. */
    record Event(String id, String name, String data) {
    }

    private final BufferedReader reader;

    SseReader(InputStream body) {
        this.reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    }

    /** The next event, or null at the end of the stream. Comments (heartbeats) are skipped. */
    Event next() throws IOException {
        String id = null;
        String name = null;
        StringBuilder data = null;
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isEmpty()) {
                if (data != null || name != null) {
                    return new Event(id, name, data == null ? "" : data.toString());
                }
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
            switch (field) {
                case "id" -> id = value;
                case "event" -> name = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                default -> {
                    // retry and unknown fields are not needed here
                }
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
