package dev.openwork.host.runtime.shell.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one output stream of a process on its own thread and hands over every line as soon as it
 * is complete. It reads until the stream ends, so the process never blocks on a full pipe; after
 * {@link #detach()} it still drains but reports nothing more.
 */
final class StreamPump implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamPump.class);

    private final InputStream in;
    private final String stream;
    private final LineSplitter splitter;
    private final Thread thread;
    private volatile boolean detached;

    StreamPump(InputStream in, String stream, int maxLineBytes, Consumer<String> sink, String threadName) {
        this.in = in;
        this.stream = stream;
        this.splitter = new LineSplitter(maxLineBytes, line -> {
            if (!detached) {
                try {
                    sink.accept(line);
                } catch (RuntimeException e) {
                    // The line is lost, but the pipe must keep draining; the line itself is never logged.
                    LOG.warn("An {} line could not be reported", stream, e);
                }
            }
        });
        this.thread = new Thread(this, threadName);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Override
    public void run() {
        byte[] buffer = new byte[8192];
        try (InputStream input = in) {
            int n;
            while ((n = input.read(buffer)) != -1) {
                splitter.feed(buffer, 0, n);
            }
        } catch (IOException e) {
            LOG.debug("The {} stream ended with an error", stream, e);
        } finally {
            splitter.finish();
        }
    }

    /** Waits until everything was read and reported; {@code false} if the stream is still open then. */
    boolean awaitDrained(long millis) {
        boolean interrupted = false;
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (thread.isAlive()) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                TimeUnit.NANOSECONDS.timedJoin(thread, left);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    /** Reports nothing more (something outside the process tree still holds the pipe open). */
    void detach() {
        detached = true;
    }
}
