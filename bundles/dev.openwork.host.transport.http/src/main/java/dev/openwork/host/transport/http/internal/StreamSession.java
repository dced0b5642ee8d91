package dev.openwork.host.transport.http.internal;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;
import org.glassfish.jersey.server.ChunkedOutput;

/**
 * One client's event stream. It first replays what the client missed (from the journal, after its
 * Last-Event-ID), then live events, never sending an id twice or out of order. Live events wait in
 * a bounded queue; when a client falls that far behind, the queue is dropped and the session reads
 * the journal again from the last id it sent, so the host never buffers without bound and the
 * client loses nothing.
 *
 * <p>Events are written as text/event-stream frames, many per chunk: one write and one flush per
 * batch instead of per event, which is what makes a chatty task streamable at full speed.
 */
final class StreamSession {

    /** An event ready to send: id, SSE event name, and its data already encoded as JSON, once for all streams. */
    record Outgoing(long id, String name, String json) {
        static final Outgoing HEARTBEAT = new Outgoing(-1, null, null);
    }

    static final int MAX_QUEUED = 10_000;
    private static final int MAX_FRAME_CHARS = 256 * 1024;

    private final ChunkedOutput<String> output;
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
    StreamSession(ChunkedOutput<String> output, String deviceId, long lastEventId, Executor executor,
            LongFunction<List<Outgoing>> backlog) {
        this.output = output;
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
        if (isClosed()) {
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

    /**
     * Whether the stream is over. The container may close the output by itself (the client went
     * away, a write failed inside Jersey): the session then closes too, so it leaves the resource's
     * map and stops queueing. Before it did, every cut connection left a session behind that
     * collected up to {@value #MAX_QUEUED} events for nobody until the heap ran out (SoakIT, long mode).
     */
    boolean isClosed() {
        if (!closed.get() && output.isClosed()) {
            close();
        }
        return closed.get();
    }

    void close() {
        if (closed.compareAndSet(false, true)) {
            live.clear();
            queued.set(0);
            try {
                output.close();
            } catch (IOException | RuntimeException alreadyGone) {
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
                    write(page);
                }
                replayed = true;
            }
            StringBuilder frame = new StringBuilder();
            Outgoing next;
            while (!isClosed() && (next = live.poll()) != null) {
                queued.decrementAndGet();
                append(frame, next);
                if (frame.length() >= MAX_FRAME_CHARS) {
                    flush(frame);
                }
            }
            flush(frame);
        } catch (IOException | RuntimeException e) {
            close();
        } finally {
            draining.set(false);
        }
        if ((behind || !live.isEmpty()) && !isClosed()) {
            schedule();
        }
    }

    private void write(List<Outgoing> events) throws IOException {
        StringBuilder frame = new StringBuilder();
        for (Outgoing event : events) {
            append(frame, event);
        }
        flush(frame);
    }

    private void flush(StringBuilder frame) throws IOException {
        if (frame.length() > 0) {
            output.write(frame.toString());
            frame.setLength(0);
        }
    }

    /** One text/event-stream frame; JSON data holds no raw line breaks, so one data line suffices. */
    private void append(StringBuilder frame, Outgoing event) {
        if (event == Outgoing.HEARTBEAT) {
            frame.append(": heartbeat\n\n");
            return;
        }
        if (event.id() > 0) {
            if (event.id() <= lastSent) {
                return; // already sent in the replay
            }
            frame.append("id: ").append(event.id()).append('\n');
            lastSent = event.id();
        }
        // a notice without id (e.g. hello) never moves the resume point
        frame.append("event: ").append(event.name()).append('\n').append("data: ").append(event.json()).append("\n\n");
    }
}
