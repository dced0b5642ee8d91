package dev.openwork.host.client;

/**
 * One event of a {@code text/event-stream}.
 *
 * @param id    the event's id (the stream's last event id when this event set none), or {@code null}
 * @param event the event type ({@code message} when the stream named none)
 * @param data  the data lines joined with {@code \n}
 */
public record ServerEvent(String id, String event, String data) {
}
