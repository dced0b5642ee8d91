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
    /** The years {@link #instant} writes itself; Instant.toString() writes others with a sign and more digits. */
    private static final long FIRST_SECOND = java.time.LocalDate.of(0, 1, 1).toEpochDay() * 86_400;
    private static final long END_SECOND = java.time.LocalDate.of(10_000, 1, 1).toEpochDay() * 86_400;

    /** The date and time to the second of the latest second asked for: events come many to a second. */
    private record SecondText(long epochSecond, String text) {
    }

    private static volatile SecondText lastSecond = new SecondText(Long.MIN_VALUE, "");

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
        if (e.at() == null) {
            json.append("null");
        } else {
            json.append('"');
            instant(json, e.at());
            json.append('"');
        }
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

    /**
     * The instant as {@link java.time.Instant#toString()} writes it ({@code 2026-11-25T10:00:00.123456Z}:
     * the fraction in 3, 6 or 9 digits, none when zero), without its formatter's cost.
     */
    static void instant(StringBuilder out, java.time.Instant at) {
        long second = at.getEpochSecond();
        if (second < FIRST_SECOND || second >= END_SECOND) {
            out.append(at);
            return;
        }
        SecondText cached = lastSecond;
        if (cached.epochSecond() != second) {
            java.time.LocalDateTime time = java.time.LocalDateTime.ofEpochSecond(second, 0, java.time.ZoneOffset.UTC);
            StringBuilder text = new StringBuilder(19);
            digits(text, time.getYear(), 4).append('-');
            digits(text, time.getMonthValue(), 2).append('-');
            digits(text, time.getDayOfMonth(), 2).append('T');
            digits(text, time.getHour(), 2).append(':');
            digits(text, time.getMinute(), 2).append(':');
            digits(text, time.getSecond(), 2);
            cached = new SecondText(second, text.toString());
            lastSecond = cached;
        }
        out.append(cached.text());
        int nanos = at.getNano();
        if (nanos > 0) {
            out.append('.');
            if (nanos % 1_000_000 == 0) {
                digits(out, nanos / 1_000_000, 3);
            } else if (nanos % 1000 == 0) {
                digits(out, nanos / 1000, 6);
            } else {
                digits(out, nanos, 9);
            }
        }
        out.append('Z');
    }

    private static StringBuilder digits(StringBuilder out, int value, int width) {
        String text = Integer.toString(value);
        for (int i = text.length(); i < width; i++) {
            out.append('0');
        }
        return out.append(text);
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
