package dev.openwork.host.transport.http.internal;

import java.io.IOException;

/** Where one event stream's bytes go: the client's connection, already answered 200 text/event-stream. */
interface SseOutput {

    /**
     * Writes the bytes and pushes them to the client before returning (blocking). The caller may
     * reuse the array afterwards. Called by one thread at a time.
     *
     * @throws IOException when the stream is closed or the client went away
     */
    void write(byte[] bytes, int offset, int length) throws IOException;

    /** Whether the stream is over: closed here, or the container saw the connection end. */
    boolean isClosed();

    /** Ends the response (the last chunk); a write in progress finishes first. Idempotent. */
    void close();
}
