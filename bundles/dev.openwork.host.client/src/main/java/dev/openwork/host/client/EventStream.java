package dev.openwork.host.client;

import dev.openwork.host.client.HostEventListener.CloseReason;
import dev.openwork.host.client.internal.SseParser;
import dev.openwork.host.client.internal.Text;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A server-sent event stream ({@code text/event-stream}) that stays connected: when the connection
 * drops it reconnects, sending {@code Last-Event-ID}, after a capped backoff (100 ms doubling to
 * 5 s by default; the stream's {@code retry:} sets the first delay). A 401 or 403 stops it for good
 * (the credential was revoked). A connection silent for longer than the idle timeout (the host
 * sends {@code : heartbeat} comments) counts as dropped. Events go to the listener on the
 * stream's own daemon thread. Thread-safe; {@link #close()} may be called from any thread.
 */
public final class EventStream implements AutoCloseable {

    /** Reconnect and liveness settings. */
    public record Options(Duration initialDelay, Duration maxDelay, Duration idleTimeout, Duration connectTimeout) {
        public static final Options DEFAULT = new Options(Duration.ofMillis(100), Duration.ofSeconds(5),
                Duration.ofSeconds(60), Duration.ofSeconds(10));
    }

    private final HttpClient client;
    private final URI uri;
    private final String credential;
    private final HostEventListener listener;
    private final Options options;
    private final Object lock = new Object();
    private final CountDownLatch finished = new CountDownLatch(1);
    private Thread thread;
    private InputStream current;
    private volatile boolean closed;
    private volatile String lastEventId;
    private volatile long lastActivityNanos;
    private volatile long retryMillis = -1;
    private boolean started;

    /**
     * @param client      the HTTP client (pinned TLS for a host; any client in tests)
     * @param uri         the stream's address, e.g. {@code https://host:4748/v1/events}
     * @param credential  sent as {@code Authorization: Bearer}, or {@code null}
     * @param lastEventId where to resume, or {@code null}
     */
    public EventStream(HttpClient client, URI uri, String credential, String lastEventId, HostEventListener listener,
            Options options) {
        this.client = Objects.requireNonNull(client, "client");
        this.uri = Objects.requireNonNull(uri, "uri");
        this.credential = credential;
        this.lastEventId = lastEventId;
        this.listener = Objects.requireNonNull(listener, "listener");
        this.options = options == null ? Options.DEFAULT : options;
    }

    /** Starts the stream's thread; returns this. */
    public EventStream start() {
        synchronized (lock) {
            if (started) {
                throw new IllegalStateException("already started");
            }
            started = true;
            thread = new Thread(this::run, "owctl-events");
            thread.setDaemon(true);
            thread.start();
        }
        return this;
    }

    /** The id of the last event received (sent as {@code Last-Event-ID} on reconnect), or {@code null}. */
    public String lastEventId() {
        return lastEventId;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Waits until the stream has stopped for good; false on timeout. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the stream; no callback follows except {@code onClosed(CLOSED)}. */
    @Override
    public void close() {
        Thread t;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            t = thread;
            closeCurrent();
            lock.notifyAll();
        }
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
        }
        if (t == null) {
            finished.countDown();
        }
    }

    private void run() {
        long delay = options.initialDelay().toMillis();
        CloseReason reason = CloseReason.CLOSED;
        String why = "closed";
        Thread watchdog = startWatchdog();
        try {
            while (!closed) {
                String cause;
                try {
                    Outcome outcome = connectOnce();
                    if (outcome.stop != null) {
                        reason = outcome.stop;
                        why = outcome.message;
                        break;
                    }
                    if (outcome.receivedEvents) {
                        delay = retryMillis >= 0 ? retryMillis : options.initialDelay().toMillis();
                    }
                    cause = outcome.message;
                } catch (IOException e) {
                    cause = e.getMessage() == null ? e.getClass().getSimpleName() : Text.safe(e.getMessage(), 200);
                } catch (InterruptedException e) {
                    if (closed) {
                        break;
                    }
                    cause = "the connection was silent for too long";
                }
                if (closed) {
                    break;
                }
                Thread.interrupted(); // a watchdog interrupt is spent; only close() stops the loop
                long wait = Math.min(delay, options.maxDelay().toMillis());
                listener.onReconnecting(Duration.ofMillis(wait), cause);
                if (!pause(wait)) {
                    break;
                }
                delay = Math.min(Math.max(1, wait) * 2, options.maxDelay().toMillis());
            }
        } catch (RuntimeException e) {
            reason = CloseReason.FAILED;
            why = "the event stream failed: " + Text.safe(String.valueOf(e.getMessage()), 200);
        } finally {
            closed = true;
            watchdog.interrupt();
            listener.onClosed(reason, why);
            finished.countDown();
        }
    }

    private record Outcome(CloseReason stop, String message, boolean receivedEvents) {
    }

    private Outcome connectOnce() throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(options.connectTimeout().plusSeconds(10))
                .header("Accept", "text/event-stream").header("Cache-Control", "no-cache").GET();
        if (credential != null) {
            request.header("Authorization", "Bearer " + credential);
        }
        String resumeFrom = lastEventId;
        if (resumeFrom != null && !resumeFrom.isEmpty()) {
            request.header("Last-Event-ID", resumeFrom);
        }
        HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        InputStream body = response.body();
        int status = response.statusCode();
        if (status != 200) {
            body.close();
            if (status == 401 || status == 403) {
                return new Outcome(CloseReason.CREDENTIAL_REJECTED, status == 401
                        ? "the host no longer accepts this device's credential (it was revoked, or the host was reset): pair again"
                        : "this device may not read events (its scopes were changed, or the credential was revoked)", false);
            }
            if (status == 404 || status == 400 || status == 405 || status == 406) {
                return new Outcome(CloseReason.FAILED, "the host has no event stream at " + uri.getPath()
                        + " (HTTP " + status + ")", false);
            }
            return new Outcome(null, "HTTP " + status, false);
        }
        synchronized (lock) {
            if (closed) {
                body.close();
                return new Outcome(CloseReason.CLOSED, "closed", false);
            }
            current = body;
        }
        listener.onOpen();
        boolean[] received = {false};
        SseParser parser = new SseParser(resumeFrom, new SseParser.Handler() {
            @Override
            public void event(ServerEvent event) {
                received[0] = true;
                lastEventId = event.id();
                if (!closed) {
                    listener.onEvent(event);
                }
            }

            @Override
            public void retry(long millis) {
                retryMillis = Math.min(millis, options.maxDelay().toMillis());
            }
        });
        lastActivityNanos = System.nanoTime();
        try (InputStream in = new BufferedInputStream(new ActivityStream(body), 8192)) {
            parser.read(in);
        } finally {
            synchronized (lock) {
                current = null;
            }
            String id = parser.lastEventId();
            if (id != null) {
                lastEventId = id.isEmpty() ? null : id;
            }
        }
        return new Outcome(null, "the host ended the stream", received[0]);
    }

    /** Waits {@code millis} unless closed; false when closed or interrupted. */
    private boolean pause(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (lock) {
            while (!closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    return false;
                }
            }
        }
        return false;
    }

    private void closeCurrent() {
        InputStream in = current;
        if (in != null) {
            try {
                in.close();
            } catch (IOException e) {
                // closing to abort; nothing to report
            }
        }
    }

    /** Closes the current connection when nothing arrived for the idle timeout, so it is reconnected. */
    private Thread startWatchdog() {
        long idle = options.idleTimeout().toNanos();
        Thread watchdog = new Thread(() -> {
            while (!closed) {
                synchronized (lock) {
                    if (current != null && System.nanoTime() - lastActivityNanos > idle) {
                        closeCurrent();
                        if (thread != null) {
                            thread.interrupt(); // a read blocked inside the HTTP client wakes on interrupt
                        }
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(lock, Math.max(TimeUnit.MILLISECONDS.toNanos(10), idle / 4));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }, "owctl-events-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        return watchdog;
    }

    /** Records when bytes last arrived. */
    private final class ActivityStream extends java.io.FilterInputStream {
        ActivityStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            lastActivityNanos = System.nanoTime();
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            lastActivityNanos = System.nanoTime();
            return n;
        }
    }
}
