package dev.openwork.host.transport.http.internal;

import java.io.IOException;

/** Where one event stream's bytes go: the client's connection, already answered 200 text/event-stream. */
interface SseOutput {

    /**
     * Writes the bytes into the output buffer (blocking while a full buffer goes out); the array is
     * not kept. Called by one thread at a time, as is {@link #flush()}.
     *
     * @throws IOException when the stream is closed or the client went away
     */
    void write(byte[] bytes) throws IOException;

    /** Sends what is buffered to the client (blocking until it is written). */
    void flush() throws IOException;

    /** Whether the stream is over: closed here, or the container saw the connection end. */
    boolean isClosed();

    /** Ends the response (the last chunk); a write in progress finishes first. Idempotent. */
    void close();
}
