package dev.openwork.host.tasks.internal;

import dev.openwork.host.api.tasks.TaskEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread turns drafts into durable events: it takes everything queued, appends it to the log in
 * one call (one fsync), then hands the stored events to the listeners. One writer gives every
 * listener the events in global id order, which exact resume depends on, and group commit gives
 * throughput. A full queue blocks producers: a task that prints faster than the disk takes its
 * output simply waits.
 */
final class EventPipeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventPipeline.class);
    private static final int MAX_BATCH = 4096;

    private record Pending(TaskEvent draft, Consumer<TaskEvent> beforeDelivery, CompletableFuture<TaskEvent> stored) {
    }

    private final EventLog log;
    private final BlockingQueue<Pending> queue;
    private final List<Consumer<TaskEvent>> listeners = new CopyOnWriteArrayList<>();
    private final Thread writer;
    private volatile boolean running = true;

    EventPipeline(EventLog log, int capacity) {
        this.log = log;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.writer = new Thread(this::writeLoop, "openwork-task-journal");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** Queues a draft; the future completes once it is durable and delivered. */
    CompletableFuture<TaskEvent> submit(TaskEvent draft) {
        return submit(draft, null);
    }

    /**
     * Queues a draft; {@code beforeDelivery} sees the stored event before any listener does, so
     * whoever reacts to an event finds the state it announces already in place.
     */
    CompletableFuture<TaskEvent> submit(TaskEvent draft, Consumer<TaskEvent> beforeDelivery) {
        CompletableFuture<TaskEvent> stored = new CompletableFuture<>();
        try {
            queue.put(new Pending(draft, beforeDelivery, stored));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stored.completeExceptionally(e);
        }
        return stored;
    }

    /** Queues a draft and waits until it is durable. */
    TaskEvent submitAndWait(TaskEvent draft) {
        return submit(draft).join();
    }

    Runnable addListener(Consumer<TaskEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                List<TaskEvent> drafts = new ArrayList<>(batch.size());
                batch.forEach(p -> drafts.add(p.draft()));
                List<TaskEvent> stored = log.append(drafts);
                for (int i = 0; i < stored.size(); i++) {
                    TaskEvent event = stored.get(i);
                    Consumer<TaskEvent> apply = batch.get(i).beforeDelivery();
                    if (apply != null) {
                        apply.accept(event);
                    }
                    for (Consumer<TaskEvent> listener : listeners) {
                        try {
                            listener.accept(event);
                        } catch (RuntimeException e) {
                            LOG.warn("A task event listener failed", e);
                        }
                    }
                    batch.get(i).stored().complete(event);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("Task events could not be journaled", e);
                batch.forEach(p -> p.stored().completeExceptionally(e));
            }
            batch.clear();
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            writer.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
