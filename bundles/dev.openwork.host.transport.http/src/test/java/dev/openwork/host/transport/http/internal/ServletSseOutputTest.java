package dev.openwork.host.transport.http.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Test;

public class ServletSseOutputTest {

    /** The container's async context: counts completions, and fails a second one as Jetty does. */
    private static final class Async implements AsyncContext {
        final AtomicInteger completed = new AtomicInteger();

        @Override
        public void complete() {
            if (completed.incrementAndGet() > 1) {
                throw new IllegalStateException("already completed");
            }
        }

        @Override public ServletRequest getRequest() { throw new AssertionError("ServletSseOutput must not call this"); }
        @Override public ServletResponse getResponse() { throw new AssertionError("ServletSseOutput must not call this"); }
        @Override public boolean hasOriginalRequestAndResponse() { return true; }
        @Override public void dispatch() { throw new AssertionError("ServletSseOutput must not call this"); }
        @Override public void dispatch(String path) { throw new AssertionError("ServletSseOutput must not call this"); }
        @Override public void dispatch(ServletContext context, String path) { throw new AssertionError("ServletSseOutput must not call this"); }
        @Override public void start(Runnable run) { throw new AssertionError("ServletSseOutput must not call this"); }
        @Override public void addListener(AsyncListener listener) { }
        @Override public void addListener(AsyncListener listener, ServletRequest request, ServletResponse response) { }
        @Override public <T extends AsyncListener> T createListener(Class<T> clazz) { throw new AssertionError("ServletSseOutput must not call this"); }
        @Override public void setTimeout(long timeout) { }
        @Override public long getTimeout() { return 0; }
    }

    /** The connection: what was flushed, and a write that can be held up as a slow client holds it. */
    private static final class Connection extends ServletOutputStream {
        final ByteArrayOutputStream buffered = new ByteArrayOutputStream();
        final ByteArrayOutputStream sent = new ByteArrayOutputStream();
        volatile CountDownLatch holdWrites;
        final CountDownLatch writing = new CountDownLatch(1);

        @Override
        public void write(int b) throws IOException {
            buffered.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            writing.countDown();
            CountDownLatch hold = holdWrites;
            if (hold != null) {
                try {
                    hold.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
            buffered.write(bytes, offset, length);
        }

        @Override
        public void flush() {
            sent.writeBytes(buffered.toByteArray());
            buffered.reset();
        }

        @Override public boolean isReady() { return true; }
        @Override public void setWriteListener(WriteListener listener) { }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    public void framesGoOutOnFlushAndCloseEndsTheResponseOnce() throws IOException {
        Async async = new Async();
        Connection connection = new Connection();
        ServletSseOutput output = new ServletSseOutput(async, connection);
        output.write(bytes("a"));
        output.write(bytes("b"));
        assertEquals("nothing before the flush", 0, connection.sent.size());
        output.flush();
        assertEquals("ab", connection.sent.toString(StandardCharsets.UTF_8));
        output.close();
        output.close();
        assertTrue(output.isClosed());
        assertEquals(1, async.completed.get());
        try {
            output.write(bytes("c"));
            fail("a closed stream takes no more");
        } catch (IOException expected) {
            // the session then closes itself
        }
    }

    @Test
    public void aCloseDuringAWriteEndsTheResponseWhenTheWriteReturns() throws Exception {
        Async async = new Async();
        Connection connection = new Connection();
        connection.holdWrites = new CountDownLatch(1);
        ServletSseOutput output = new ServletSseOutput(async, connection);
        Thread sender = new Thread(() -> {
            try {
                output.write(bytes("frame"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        sender.start();
        assertTrue(connection.writing.await(10, TimeUnit.SECONDS));
        output.close(); // a revocation, on another thread
        assertTrue("closed at once for everyone else", output.isClosed());
        assertEquals("but the stream is not completed under the write", 0, async.completed.get());
        connection.holdWrites.countDown();
        sender.join(10_000);
        assertFalse(sender.isAlive());
        assertEquals("the writer completed it", 1, async.completed.get());
    }
}
