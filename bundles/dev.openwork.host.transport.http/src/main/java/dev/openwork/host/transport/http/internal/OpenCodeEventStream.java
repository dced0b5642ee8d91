package dev.openwork.host.transport.http.internal;

import dev.openwork.host.api.opencode.OpenCodeGateway;
import java.io.IOException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.glassfish.jersey.server.ChunkedOutput;

/**
 * One client's {@code /opencode/event} stream: events as OpenCode's own {@code data: {...}} frames,
 * queued without blocking the gateway and written in batches on the sender pool. OpenCode's events
 * have no resume, so a client that falls {@link #MAX_QUEUED} events behind is disconnected (it
 * reconnects and reloads, as SDK clients do) instead of making the host buffer without bound.
 */
final class OpenCodeEventStream implements OpenCodeGateway.EventSink {

    static final int MAX_QUEUED = 10_000;

    private final ChunkedOutput<String> output;
    private final String deviceId;
    private final Executor executor;
    private final ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile OpenCodeGateway.Subscription subscription;
    private volatile Runnable onClose = () -> { };

    OpenCodeEventStream(ChunkedOutput<String> output, String deviceId, Executor executor) {
        this.output = output;
        this.deviceId = deviceId;
        this.executor = executor;
    }

    String deviceId() {
        return deviceId;
    }

    void attach(OpenCodeGateway.Subscription subscription, Runnable onClose) {
        this.subscription = subscription;
        this.onClose = onClose;
        if (closed.get()) {
            subscription.close();
        }
    }

    @Override
    public void event(String json) {
        if (closed.get()) {
            return;
        }
        if (queued.incrementAndGet() > MAX_QUEUED) {
            close();
            return;
        }
        queue.add(json);
        if (draining.compareAndSet(false, true)) {
            executor.execute(this::drain);
        }
    }

    @Override
    public void closed() {
        close();
    }

    private void drain() {
        try {
            StringBuilder frame = new StringBuilder();
            String next;
            while (!isClosed() && (next = queue.poll()) != null) {
                queued.decrementAndGet();
                frame.append("data: ").append(next).append("\n\n");
            }
            if (frame.length() > 0 && !isClosed()) {
                output.write(frame.toString());
            }
        } catch (IOException | RuntimeException gone) {
            close();
        } finally {
            draining.set(false);
        }
        if (!queue.isEmpty() && !isClosed() && draining.compareAndSet(false, true)) {
            executor.execute(this::drain);
        }
    }

    boolean isClosed() {
        return closed.get() || output.isClosed();
    }

    void close() {
        if (closed.compareAndSet(false, true)) {
            OpenCodeGateway.Subscription current = subscription;
            if (current != null) {
                current.close();
            }
            try {
                output.close();
            } catch (IOException | RuntimeException alreadyGone) {
                // the client left first
            }
            onClose.run();
        }
    }
}
