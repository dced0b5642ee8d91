package dev.openwork.host.transport.http.internal;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;

/**
 * One client's event stream. It first replays what the client missed (from the journal, after its
 * Last-Event-ID), then live events, never sending an id twice or out of order. Live events wait in
 * a bounded queue; when a client falls that far behind, the queue is dropped and the session reads
 * the journal again from the last id it sent, so the host never buffers without bound and the
 * client loses nothing. A client that stops reading altogether is disconnected after a send
 * timeout and resumes with Last-Event-ID.
 */
final class StreamSession {

    /** An event ready to send: id, SSE event name, and its data already encoded as JSON, once for all streams. */
    record Outgoing(long id, String name, String json) {
        static final Outgoing HEARTBEAT = new Outgoing(-1, null, null);
    }

    static final int MAX_QUEUED = 10_000;
    private static final long SEND_TIMEOUT_SECONDS = 10;

    private final SseEventSink sink;
    private final Sse sse;
    private final String deviceId;
    private final Executor executor;
    private final LongFunction<List<Outgoing>> backlog;
    private final ConcurrentLinkedQueue<Outgoing> live = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean replayed;
    /** Set when the live queue overflowed: live events are dropped until the journal is read again. */
    private volatile boolean behind;
    private long lastSent;
    private Runnable onClose = () -> { };

    /**
     * @param backlog events after an id, oldest first, a page at a time (empty when caught up)
     */
    StreamSession(SseEventSink sink, Sse sse, String deviceId, long lastEventId, Executor executor,
            LongFunction<List<Outgoing>> backlog) {
        this.sink = sink;
        this.sse = sse;
        this.deviceId = deviceId;
        this.lastSent = lastEventId;
        this.executor = executor;
        this.backlog = backlog;
    }

    String deviceId() {
        return deviceId;
    }

    void onClose(Runnable action) {
        this.onClose = action;
    }

    /** Starts the replay. */
    void start() {
        schedule();
    }

    /** A live event (or a heartbeat); never blocks. */
    void offer(Outgoing event) {
        if (closed.get()) {
            return;
        }
        if (behind && event != Outgoing.HEARTBEAT) {
            schedule(); // already in the journal: the catch-up reads it
            return;
        }
        if (queued.incrementAndGet() > MAX_QUEUED) {
            behind = true;
            schedule();
            return;
        }
        live.add(event);
        schedule();
    }

    boolean isClosed() {
        return closed.get() || sink.isClosed();
    }

    void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                sink.close();
            } catch (RuntimeException alreadyGone) {
                // the client left first
            }
            onClose.run();
        }
    }

    private void schedule() {
        if (draining.compareAndSet(false, true)) {
            executor.execute(this::drain);
        }
    }

    private void drain() {
        try {
            if (behind) {
                // events dropped while behind were journaled before they were offered: the replay finds them
                live.clear();
                queued.set(0);
                behind = false;
                replayed = false;
            }
            if (!replayed) {
                List<Outgoing> page;
                while (!isClosed() && !(page = backlog.apply(lastSent)).isEmpty()) {
                    sendAll(page);
                }
                replayed = true;
            }
            Outgoing next;
            while (!isClosed() && (next = live.poll()) != null) {
                queued.decrementAndGet();
                sendAll(List.of(next));
            }
        } catch (RuntimeException e) {
            close();
        } finally {
            draining.set(false);
        }
        if ((behind || !live.isEmpty()) && !isClosed()) {
            schedule();
        }
    }

    private void sendAll(List<Outgoing> events) {
        CompletableFuture<?> last = null;
        for (Outgoing event : events) {
            OutboundSseEvent outbound;
            if (event == Outgoing.HEARTBEAT) {
                outbound = sse.newEventBuilder().comment("heartbeat").build();
            } else if (event.id() <= 0) {
                // a notice that is not in the journal (e.g. hello): no id, so it never moves the resume point
                outbound = sse.newEventBuilder().name(event.name()).mediaType(MediaType.TEXT_PLAIN_TYPE)
                        .data(String.class, event.json()).build();
            } else if (event.id() <= lastSent) {
                continue; // already sent in the replay
            } else {
                outbound = sse.newEventBuilder().id(Long.toString(event.id())).name(event.name())
                        .mediaType(MediaType.TEXT_PLAIN_TYPE).data(String.class, event.json()).build();
                lastSent = event.id();
            }
            last = sink.send(outbound).toCompletableFuture();
        }
        if (last != null) {
            try {
                last.get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (Exception e) {
                close();
            }
        }
    }
}
