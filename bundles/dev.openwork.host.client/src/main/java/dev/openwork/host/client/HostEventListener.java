package dev.openwork.host.client;

import java.time.Duration;

/**
 * Receives an {@link EventStream}'s events and state changes, all on the stream's own thread.
 * Only {@link #onEvent} must be implemented.
 */
@FunctionalInterface
public interface HostEventListener {

    /** Why a stream stopped for good. */
    enum CloseReason {
        /** {@link EventStream#close()} was called. */
        CLOSED,
        /** The host answered 401 or 403: the credential was revoked (or lacks the scope). */
        CREDENTIAL_REJECTED,
        /** The host answered with an error that a retry will not fix. */
        FAILED
    }

    void onEvent(ServerEvent event);

    /** A connection is open and the host answered 200. */
    default void onOpen() {
    }

    /** The connection was lost; the stream reconnects after {@code delay}. */
    default void onReconnecting(Duration delay, String cause) {
    }

    /** The stream stopped and will not reconnect; {@code message} says why in plain words. */
    default void onClosed(CloseReason reason, String message) {
    }
}
