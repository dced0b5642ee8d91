package dev.openwork.host.client.internal;

import dev.openwork.host.client.ServerEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * A {@code text/event-stream} parser as the HTML standard describes it: lines end with CR, LF or
 * CRLF; {@code :} starts a comment; fields {@code id}, {@code event}, {@code data} (joined with
 * LF), {@code retry}; a blank line dispatches. The last event id survives across events (and is
 * what a reconnect sends as {@code Last-Event-ID}). Not thread-safe.
 */
public final class SseParser {

    /** Longest line accepted; a longer one is an error (the stream is then reconnected). */
    public static final int MAX_LINE = 1024 * 1024;
    /** Largest event data accepted. */
    public static final int MAX_DATA = 4 * 1024 * 1024;

    /** What the parser reports besides events. */
    public interface Handler {
        void event(ServerEvent event);

        default void comment(String text) {
        }

        default void retry(long millis) {
        }
    }

    private final Handler handler;
    private final StringBuilder data = new StringBuilder();
    private String eventType = "";
    private String lastEventId;
    private boolean dataSeen;
    private boolean firstLine = true;

    public SseParser(String lastEventId, Handler handler) {
        this.lastEventId = lastEventId;
        this.handler = handler;
    }

    public static SseParser of(Consumer<ServerEvent> events) {
        return new SseParser(null, events::accept);
    }

    public String lastEventId() {
        return lastEventId;
    }

    /** Reads lines from {@code in} until it ends; an incomplete last event is dropped, as the standard says. */
    public void read(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        boolean afterCr = false;
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n' && afterCr) {
                afterCr = false;
                continue;
            }
            afterCr = false;
            if (b == '\r' || b == '\n') {
                afterCr = b == '\r';
                line(line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else {
                if (line.size() >= MAX_LINE) {
                    throw new IOException("a line of the event stream is longer than " + MAX_LINE + " bytes");
                }
                line.write(b);
            }
        }
        // end of stream: discard a pending, undispatched event
        data.setLength(0);
        dataSeen = false;
        eventType = "";
    }

    /** Processes one line (without its end-of-line characters). */
    public void line(String raw) throws IOException {
        String line = raw;
        if (firstLine) {
            firstLine = false;
            if (line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
        }
        if (line.isEmpty()) {
            dispatch();
            return;
        }
        if (line.charAt(0) == ':') {
            handler.comment(line.substring(1).strip());
            return;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event":
                eventType = value;
                break;
            case "data":
                if (data.length() + value.length() + 1 > MAX_DATA) {
                    throw new IOException("an event of the stream is larger than " + MAX_DATA + " characters");
                }
                data.append(value).append('\n');
                dataSeen = true;
                break;
            case "id":
                if (value.indexOf('\0') < 0) {
                    lastEventId = value;
                }
                break;
            case "retry":
                if (!value.isEmpty() && value.length() < 10 && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    handler.retry(Long.parseLong(value));
                }
                break;
            default:
                // unknown fields are ignored
        }
    }

    private void dispatch() {
        if (!dataSeen) {
            eventType = "";
            return;
        }
        String text = data.substring(0, data.length() - 1);
        String type = eventType.isEmpty() ? "message" : eventType;
        data.setLength(0);
        dataSeen = false;
        eventType = "";
        handler.event(new ServerEvent(lastEventId == null || lastEventId.isEmpty() ? null : lastEventId, type, text));
    }
}
