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

    /**
     * {@code {"id":..,"taskId":..,"at":..,"state":..,"stream":..,"text":..,"step":..,"exitCode":..}},
     * absent fields left out: the data of {@link #frame}, as text.
     */
    static String of(TaskEvent e) {
        Utf8 out = SCRATCH.get();
        out.length = 0;
        try {
            json(out, e);
            return new String(out.bytes, 0, out.length, java.nio.charset.StandardCharsets.UTF_8);
        } finally {
            out.trim();
        }
    }

    /**
     * The instant as {@link java.time.Instant#toString()} writes it ({@code 2026-11-25T10:00:00.123456Z}:
     * the fraction in 3, 6 or 9 digits, none when zero), without its formatter's cost.
     */
    static String instant(java.time.Instant at) {
        Utf8 out = SCRATCH.get();
        out.length = 0;
        instant(out, at);
        return new String(out.bytes, 0, out.length, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** {@code 2026-11-25T10:00:00} for a second of the years 0 to 9999, cached: events come many to a second. */
    private static String secondText(long second) {
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
        return cached.text();
    }

    private static StringBuilder digits(StringBuilder out, int value, int width) {
        String text = Integer.toString(value);
        for (int i = text.length(); i < width; i++) {
            out.append('0');
        }
        return out.append(text);
    }

    // ---- the whole text/event-stream frame, straight to UTF-8 bytes ---------------------------

    private static final byte[] ID_FIELD = ascii("id: ");
    private static final byte[] EVENT_FIELD = ascii("\nevent: ");
    private static final byte[] DATA_FIELD = ascii("\ndata: ");
    private static final byte[] NULL = ascii("null");
    private static final int KEPT_BUFFER_BYTES = 16 * 1024;
    /** One scratch buffer per thread (the stream senders, the journal's thread): a frame costs one exact-size array. */
    private static final ThreadLocal<Utf8> SCRATCH = ThreadLocal.withInitial(Utf8::new);

    /**
     * The event's text/event-stream frame ({@code id: <id>\nevent: <name>\ndata: <json>\n\n}, the id
     * line only when {@code id > 0}) as UTF-8, without intermediate strings. Every streamed
     * line of a chatty task passes here, so it allocates only the array it returns.
     */
    static byte[] frame(long id, String name, TaskEvent e) {
        Utf8 out = SCRATCH.get();
        out.length = 0;
        try {
            if (id > 0) {
                out.raw(ID_FIELD).decimal(id).raw(EVENT_FIELD);
            } else {
                out.raw(EVENT_FIELD, 1, EVENT_FIELD.length - 1);
            }
            out.text(name);
            out.raw(DATA_FIELD);
            json(out, e);
            out.ascii('\n').ascii('\n');
            return java.util.Arrays.copyOf(out.bytes, out.length);
        } finally {
            out.trim();
        }
    }

    private static void json(Utf8 out, TaskEvent e) {
        String text = e.text() != null && !TaskEvent.CREATED.equals(e.type()) ? e.text() : null;
        out.text("{\"id\":").decimal(e.id());
        out.text(",\"taskId\":").jsonString(e.taskId());
        out.text(",\"at\":");
        if (e.at() == null) {
            out.raw(NULL);
        } else {
            out.ascii('"');
            instant(out, e.at());
            out.ascii('"');
        }
        if (e.state() != null) {
            out.text(",\"state\":").jsonString(e.state().name().toLowerCase(Locale.ROOT));
        }
        if (e.stream() != null) {
            out.text(",\"stream\":").jsonString(e.stream());
        }
        if (text != null) {
            out.text(",\"text\":").jsonString(text);
        }
        if (e.step() != null) {
            out.text(",\"step\":").decimal(e.step().intValue());
        }
        if (e.exitCode() != null) {
            out.text(",\"exitCode\":").decimal(e.exitCode().intValue());
        }
        out.ascii('}');
    }

    private static void instant(Utf8 out, java.time.Instant at) {
        long second = at.getEpochSecond();
        if (second < FIRST_SECOND || second >= END_SECOND) {
            out.text(at.toString());
            return;
        }
        out.text(secondText(second));
        int nanos = at.getNano();
        if (nanos > 0) {
            out.ascii('.');
            if (nanos % 1_000_000 == 0) {
                out.padded(nanos / 1_000_000, 3);
            } else if (nanos % 1000 == 0) {
                out.padded(nanos / 1000, 6);
            } else {
                out.padded(nanos, 9);
            }
        }
        out.ascii('Z');
    }

    private static byte[] ascii(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** A growable UTF-8 byte buffer with the few writes a frame needs. */
    static final class Utf8 {
        byte[] bytes = new byte[512];
        int length;

        private void ensure(int more) {
            if (length + more > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
            }
        }

        /** Drops a buffer a very long line made large, so no thread keeps it. */
        void trim() {
            if (bytes.length > KEPT_BUFFER_BYTES) {
                bytes = new byte[512];
            }
        }

        Utf8 raw(byte[] more) {
            return raw(more, 0, more.length);
        }

        Utf8 raw(byte[] more, int from, int count) {
            ensure(count);
            System.arraycopy(more, from, bytes, length, count);
            length += count;
            return this;
        }

        Utf8 ascii(char c) {
            ensure(1);
            bytes[length++] = (byte) c;
            return this;
        }

        /** A decimal number as Long.toString writes it. */
        Utf8 decimal(long value) {
            if (value == Long.MIN_VALUE) {
                return text(Long.toString(value));
            }
            ensure(20);
            if (value < 0) {
                bytes[length++] = '-';
                value = -value;
            }
            int digits = 1;
            for (long rest = value / 10; rest > 0; rest /= 10) {
                digits++;
            }
            for (int i = length + digits - 1; i >= length; i--) {
                bytes[i] = (byte) ('0' + value % 10);
                value /= 10;
            }
            length += digits;
            return this;
        }

        /** A non-negative number in at least {@code width} digits, zeros first. */
        Utf8 padded(int value, int width) {
            int digits = 1;
            for (int rest = value / 10; rest > 0; rest /= 10) {
                digits++;
            }
            ensure(Math.max(width, digits));
            for (int i = digits; i < width; i++) {
                bytes[length++] = '0';
            }
            return decimal(value);
        }

        /** Text as UTF-8, as String.getBytes(UTF_8) encodes it (an unpaired surrogate becomes '?'). */
        Utf8 text(String value) {
            int n = value.length();
            ensure(n);
            for (int i = 0; i < n; i++) {
                char c = value.charAt(i);
                if (c < 0x80) {
                    bytes[length++] = (byte) c;
                } else {
                    i = wide(value, i, c);
                    ensure(n - i);
                }
            }
            return this;
        }

        /** A JSON string as Jackson writes it: quote and backslash escaped, control characters as short or \\u00XX escapes, the rest as is. */
        Utf8 jsonString(String value) {
            if (value == null) {
                return raw(NULL);
            }
            int n = value.length();
            ensure(n + 2);
            bytes[length++] = '"';
            for (int i = 0; i < n; i++) {
                char c = value.charAt(i);
                if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                    bytes[length++] = (byte) c;
                    continue;
                }
                if (c >= 0x80) {
                    i = wide(value, i, c);
                } else {
                    ensure(6);
                    bytes[length++] = '\\';
                    switch (c) {
                        case '"' -> bytes[length++] = '"';
                        case '\\' -> bytes[length++] = '\\';
                        case '\b' -> bytes[length++] = 'b';
                        case '\t' -> bytes[length++] = 't';
                        case '\n' -> bytes[length++] = 'n';
                        case '\f' -> bytes[length++] = 'f';
                        case '\r' -> bytes[length++] = 'r';
                        default -> {
                            bytes[length++] = 'u';
                            bytes[length++] = '0';
                            bytes[length++] = '0';
                            bytes[length++] = (byte) HEX[c >> 4];
                            bytes[length++] = (byte) HEX[c & 0xF];
                        }
                    }
                }
                ensure(n - i + 1);
            }
            bytes[length++] = '"';
            return this;
        }

        /** Encodes the character at {@code i} (at least U+0080); returns the index of its last char. */
        private int wide(String value, int i, char c) {
            ensure(4);
            if (c < 0x800) {
                bytes[length++] = (byte) (0xC0 | (c >> 6));
                bytes[length++] = (byte) (0x80 | (c & 0x3F));
                return i;
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                    int code = Character.toCodePoint(c, value.charAt(i + 1));
                    bytes[length++] = (byte) (0xF0 | (code >> 18));
                    bytes[length++] = (byte) (0x80 | ((code >> 12) & 0x3F));
                    bytes[length++] = (byte) (0x80 | ((code >> 6) & 0x3F));
                    bytes[length++] = (byte) (0x80 | (code & 0x3F));
                    return i + 1;
                }
                bytes[length++] = '?';
                return i;
            }
            bytes[length++] = (byte) (0xE0 | (c >> 12));
            bytes[length++] = (byte) (0x80 | ((c >> 6) & 0x3F));
            bytes[length++] = (byte) (0x80 | (c & 0x3F));
            return i;
        }
    }
}
