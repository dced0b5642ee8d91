package dev.openwork.host.transport.http.internal;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * An event stream written straight to the servlet (Jetty) output stream of a request that Jersey
 * suspended ({@code @Suspended AsyncResponse}, never resumed): frames go into Jetty's output buffer
 * and one flush per batch sends them, on the stream's sender thread. Jersey's {@code ChunkedOutput}
 * did the same through its request scope, message body writer lookup and committing stream on every
 * chunk, which was most of the host's CPU per delivery besides TLS itself.
 *
 * <p>The response is ended by completing the servlet async context; a close that arrives while a
 * write is in progress (a revocation, on another thread) is carried out by the writer as soon as
 * its write returns, so the two never touch the stream at once.
 */
final class ServletSseOutput implements SseOutput {

    private final AsyncContext async;
    private final ServletOutputStream out;
    private final Object lock = new Object();
    private boolean writing;
    private volatile boolean closed;
    private boolean completed;

    ServletSseOutput(AsyncContext async, ServletOutputStream out) {
        this.async = async;
        this.out = out;
    }

    /**
     * Answers the suspended request with 200 text/event-stream and sends the headers now (so an
     * EventSource opens at once, even before the first event). Call on the request's own thread.
     */
    static ServletSseOutput open(HttpServletRequest request) throws IOException {
        if (!request.isAsyncStarted()) {
            throw new IllegalStateException("an event stream needs a suspended request (@Suspended AsyncResponse)");
        }
        AsyncContext async = request.getAsyncContext();
        HttpServletResponse response = (HttpServletResponse) async.getResponse();
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("text/event-stream");
        ServletOutputStream out = response.getOutputStream();
        ServletSseOutput output = new ServletSseOutput(async, out);
        async.addListener(new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent event) {
                output.closed = true;
            }

            @Override
            public void onTimeout(AsyncEvent event) {
                output.close();
            }

            @Override
            public void onError(AsyncEvent event) {
                output.close();
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
                // not restarted
            }
        });
        response.flushBuffer();
        return output;
    }

    @Override
    public void write(byte[] bytes) throws IOException {
        begin();
        try {
            out.write(bytes);
        } finally {
            end();
        }
    }

    @Override
    public void flush() throws IOException {
        begin();
        try {
            out.flush();
        } finally {
            end();
        }
    }

    private void begin() throws IOException {
        synchronized (lock) {
            if (closed) {
                throw new IOException("the event stream is closed");
            }
            writing = true;
        }
    }

    private void end() {
        boolean completeNow;
        synchronized (lock) {
            writing = false;
            completeNow = closed;
        }
        if (completeNow) {
            complete();
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            if (writing) {
                return; // the writer completes the response when its write returns
            }
        }
        complete();
    }

    private void complete() {
        synchronized (lock) {
            if (completed) {
                return;
            }
            completed = true;
        }
        try {
            async.complete();
        } catch (IllegalStateException | UnsupportedOperationException alreadyOver) {
            // the container ended the request first (the client left, or an error)
        }
    }
}
