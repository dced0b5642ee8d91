package dev.openwork.host.transport.http.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.glassfish.jersey.server.ChunkedOutput;
import org.junit.Test;

public class StreamSessionTest {

    /** The container's side of a stream: it may be closed under the session, as when the client leaves. */
    static final class ContainerOutput extends ChunkedOutput<String> {
        final List<String> written = new CopyOnWriteArrayList<>();
        volatile boolean closedByContainer;

        ContainerOutput() {
            super(String.class);
        }

        @Override
        public void write(String chunk) throws IOException {
            if (closedByContainer) {
                throw new IOException("closed");
            }
            written.add(chunk);
        }

        @Override
        public boolean isClosed() {
            return closedByContainer;
        }

        @Override
        public void close() {
            closedByContainer = true;
        }
    }

    private static StreamSession.Outgoing event(long id) {
        return new StreamSession.Outgoing(id, "task.output", "{\"id\":" + id + "}");
    }

    @Test
    public void liveEventsAreWrittenOnceInOrder() {
        ContainerOutput output = new ContainerOutput();
        StreamSession session = new StreamSession(output, "dev_a", 0, Runnable::run, after -> List.of());
        session.start();
        session.offer(event(1));
        session.offer(event(2));
        session.offer(event(2));
        assertEquals(List.of("id: 1\nevent: task.output\ndata: {\"id\":1}\n\n", "id: 2\nevent: task.output\ndata: {\"id\":2}\n\n"),
                output.written);
    }

    @Test
    public void aStreamTheContainerClosedLeavesAndQueuesNothing() {
        ContainerOutput output = new ContainerOutput();
        AtomicInteger closed = new AtomicInteger();
        List<Runnable> pending = new CopyOnWriteArrayList<>();
        // a sender that runs nothing until asked: events queue up as they would behind a busy pool
        StreamSession session = new StreamSession(output, "dev_a", 0, pending::add, after -> List.of());
        session.onClose(closed::incrementAndGet);
        session.start();
        output.closedByContainer = true; // the client went away; the container noticed, the session did not write since
        for (int i = 1; i <= StreamSession.MAX_QUEUED * 3; i++) {
            session.offer(event(i));
        }
        session.offer(StreamSession.Outgoing.HEARTBEAT);
        pending.forEach(Runnable::run);
        assertTrue("the session knows it is over", session.isClosed());
        assertEquals("it left the resource's map once", 1, closed.get());
        assertEquals("and wrote nothing for nobody", List.of(), output.written);
    }
}
