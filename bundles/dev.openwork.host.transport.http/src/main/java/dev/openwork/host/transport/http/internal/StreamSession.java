package dev.openwork.host.transport.http.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import dev.openwork.host.api.tasks.TaskEvent;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * One client's event stream. It first replays what the client missed (from the journal, after its
 * Last-Event-ID), then live events, never sending an id twice or out of order. Live events wait in
 * a bounded queue; when a client falls that far behind, the queue is dropped and the session reads
 * the journal again from the last id it sent, so the host never buffers without bound and the
 * client loses nothing.
 *
 * <p>Events are written as text/event-stream frames into the connection's output buffer, with one
 * flush per batch (what is waiting when the stream's sender runs) instead of per event, which is
 * what makes a chatty task streamable at full speed. Each event's frame is encoded to bytes once,
 * by the first stream that sends it, and shared by all the streams that carry it.
 */
final class StreamSession {

    /**
     * An event ready to send: its id, SSE event name and JSON data. The data is made at most once,
     * when a stream first needs it (not on the journal's thread, which hands every event to every
     * stream), and so is the whole text/event-stream frame, as UTF-8 bytes.
     */
    static final class Outgoing {
        static final Outgoing HEARTBEAT = new Outgoing(-1, null, () -> null);
        private static final byte[] HEARTBEAT_FRAME = ": heartbeat\n\n".getBytes(StandardCharsets.UTF_8);

        private final long id;
        private final String name;
        private final Supplier<String> data;
        /** A task event: its frame is written straight to bytes ({@link EventJson#frame}). */
        private final TaskEvent event;
        // made by whichever thread asks first; a race makes the same value twice, harmlessly
        private volatile String json;
        private volatile byte[] frame;

        /** @param id the event's id; 0 for a notice without id (it never moves the resume point) */
        Outgoing(long id, String name, String json) {
            this(id, name, () -> json);
        }

        /** An event whose JSON is made from {@code data} when it is first needed. */
        Outgoing(long id, String name, Supplier<String> data) {
            this.id = id;
            this.name = name;
            this.data = data;
            this.event = null;
        }

        /** A task event, streamed as {@link EventJson} writes it. */
        Outgoing(String name, TaskEvent event) {
            this.id = event.id();
            this.name = name;
            this.data = null;
            this.event = event;
        }

        long id() {
            return id;
        }

        String name() {
            return name;
        }

        String json() {
            String made = json;
            if (made == null) {
                made = event != null ? EventJson.of(event) : data.get();
                json = made;
            }
            return made;
        }

        /** The event's text/event-stream frame as UTF-8; JSON data holds no raw line breaks, so one data line suffices. */
        byte[] frame() {
            if (this == HEARTBEAT) {
                return HEARTBEAT_FRAME;
            }
            byte[] made = frame;
            if (made == null && event != null) {
                made = EventJson.frame(id, name, event);
                frame = made;
            } else if (made == null) {
                String body = json();
                StringBuilder text = new StringBuilder(body.length() + name.length() + 40);
                if (id > 0) {
                    text.append("id: ").append(id).append('\n');
                }
                text.append("event: ").append(name).append("\ndata: ").append(body).append("\n\n");
                made = text.toString().getBytes(StandardCharsets.UTF_8);
                frame = made;
            }
            return made;
        }
    }

    /**
     * Live events a stream may have waiting. Small on purpose: the events are shared by all
     * streams and already journaled, and a queue that outlives a young collection of the small
     * young generation is copied and then promoted, which made a chatty task's stream spend more
     * time in full collections than in sending (a stream further behind reads the journal).
     */
    static final int MAX_QUEUED = 1_024;

    private final SseOutput output;
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
    StreamSession(SseOutput output, String deviceId, long lastEventId, Executor executor,
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
     * Whether the stream is over. The container may end the output by itself (the client went
     * away, the connection failed): the session then closes too, so it leaves the resource's
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
                    write(page);
                }
                replayed = true;
            }
            Outgoing next;
            boolean written = false;
            while (!isClosed() && (next = live.poll()) != null) {
                queued.decrementAndGet();
                written |= send(next);
            }
            if (written) {
                output.flush();
            }
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
        boolean written = false;
        for (Outgoing event : events) {
            written |= send(event);
        }
        if (written) {
            output.flush();
        }
    }

    /** Writes the event's frame unless the replay sent it already; false when skipped. */
    private boolean send(Outgoing event) throws IOException {
        if (event.id() > 0) {
            if (event.id() <= lastSent) {
                return false; // already sent in the replay
            }
            lastSent = event.id();
        }
        // a notice without id (e.g. hello) never moves the resume point
        output.write(event.frame());
        return true;
    }
}
