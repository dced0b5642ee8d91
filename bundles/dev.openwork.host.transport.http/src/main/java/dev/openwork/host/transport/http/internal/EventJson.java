package dev.openwork.host.transport.http.internal;

import dev.openwork.host.api.tasks.TaskEvent;
import java.util.Locale;

/**
 * The JSON data of a streamed task event, written by hand: the same text Jackson makes of the
 * event's fields (same order, same escaping), at a fraction of the cost. A chatty task streams
 * hundreds of thousands of events a second, and the JVM runs with the quick-start compiler only,
 * where a general serializer costs several microseconds an event. Permission events, whose text
 * is itself JSON, are not written here.
 */
final class EventJson {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private EventJson() {
    }

    /** {@code {"id":..,"taskId":..,"at":..,"state":..,"stream":..,"text":..,"step":..,"exitCode":..}}, absent fields left out. */
    static String of(TaskEvent e) {
        String text = e.text() != null && !TaskEvent.CREATED.equals(e.type()) ? e.text() : null;
        StringBuilder json = new StringBuilder(96 + (text == null ? 0 : text.length() + 8));
        json.append("{\"id\":").append(e.id());
        json.append(",\"taskId\":");
        string(json, e.taskId());
        json.append(",\"at\":");
        string(json, e.at() == null ? null : e.at().toString());
        if (e.state() != null) {
            json.append(",\"state\":");
            string(json, e.state().name().toLowerCase(Locale.ROOT));
        }
        if (e.stream() != null) {
            json.append(",\"stream\":");
            string(json, e.stream());
        }
        if (text != null) {
            json.append(",\"text\":");
            string(json, text);
        }
        if (e.step() != null) {
            json.append(",\"step\":").append(e.step().intValue());
        }
        if (e.exitCode() != null) {
            json.append(",\"exitCode\":").append(e.exitCode().intValue());
        }
        return json.append('}').toString();
    }

    /** A JSON string as Jackson writes it: quote and backslash escaped, control characters as short or \\u00XX escapes, the rest as is. */
    static void string(StringBuilder json, String value) {
        if (value == null) {
            json.append("null");
            return;
        }
        json.append('"');
        int length = value.length();
        int plainFrom = 0;
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            json.append(value, plainFrom, i);
            plainFrom = i + 1;
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\b' -> json.append("\\b");
                case '\t' -> json.append("\\t");
                case '\n' -> json.append("\\n");
                case '\f' -> json.append("\\f");
                case '\r' -> json.append("\\r");
                default -> json.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        json.append(value, plainFrom, length).append('"');
    }
}
