package dev.openwork.host.transport.http.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Test;

public class StreamSessionTest {

    /** The container's side of a stream: it may be closed under the session, as when the client leaves. */
    static final class ContainerOutput implements SseOutput {
        /** What each flush sent. */
        final List<String> written = new CopyOnWriteArrayList<>();
        /** Every array written, as given. */
        final List<byte[]> chunks = new CopyOnWriteArrayList<>();
        private final StringBuilder buffered = new StringBuilder();
        volatile boolean closedByContainer;

        @Override
        public void write(byte[] bytes) throws IOException {
            if (closedByContainer) {
                throw new IOException("closed");
            }
            chunks.add(bytes);
            buffered.append(new String(bytes, StandardCharsets.UTF_8));
        }

        @Override
        public void flush() throws IOException {
            if (closedByContainer) {
                throw new IOException("closed");
            }
            written.add(buffered.toString());
            buffered.setLength(0);
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
    @Test
    public void aBatchOfEventsIsOneChunkAndTheReplayIsNotSentAgain() {
        ContainerOutput output = new ContainerOutput();
        List<Runnable> pending = new CopyOnWriteArrayList<>();
        StreamSession session = new StreamSession(output, "dev_a", 0, pending::add,
                after -> after == 0 ? List.of(event(1), event(2)) : List.of());
        session.start();
        session.offer(event(2)); // journaled while the replay read it: sent once
        session.offer(event(3));
        session.offer(StreamSession.Outgoing.HEARTBEAT);
        session.offer(new StreamSession.Outgoing(0, "hello", "{}"));
        pending.forEach(Runnable::run);
        assertEquals(List.of("id: 1\nevent: task.output\ndata: {\"id\":1}\n\nid: 2\nevent: task.output\ndata: {\"id\":2}\n\n",
                "id: 3\nevent: task.output\ndata: {\"id\":3}\n\n: heartbeat\n\nevent: hello\ndata: {}\n\n"), output.written);
    }

    @Test
    public void anEventIsEncodedOnceForAllStreamsAndOnlyWhenSent() {
        AtomicInteger encoded = new AtomicInteger();
        StreamSession.Outgoing shared = new StreamSession.Outgoing(5, "task.output", () -> {
            encoded.incrementAndGet();
            return "{\"text\":\"caf\u00e9\"}";
        });
        assertEquals("nothing is encoded before a stream sends it", 0, encoded.get());
        ContainerOutput first = new ContainerOutput();
        ContainerOutput second = new ContainerOutput();
        for (ContainerOutput output : List.of(first, second)) {
            StreamSession session = new StreamSession(output, "dev_a", 0, Runnable::run, after -> List.of());
            session.start();
            session.offer(shared);
        }
        assertEquals(1, encoded.get());
        assertEquals("id: 5\nevent: task.output\ndata: {\"text\":\"caf\u00e9\"}\n\n", first.written.get(0));
        assertSame("a lone event is written as its shared frame", first.chunks.get(0), second.chunks.get(0));
    }

    @Test
    public void aTaskEventsFrameIsWhatItsJsonMakes() {
        dev.openwork.host.api.tasks.TaskEvent e = new dev.openwork.host.api.tasks.TaskEvent(9, "task_1",
                java.time.Instant.parse("2026-11-25T10:00:00.5Z"), "output", null, "stdout", "caf\u00e9 \"x\"", 0, null);
        StreamSession.Outgoing outgoing = new StreamSession.Outgoing("task.output", e);
        assertEquals("id: 9\nevent: task.output\ndata: " + EventJson.of(e) + "\n\n",
                new String(outgoing.frame(), StandardCharsets.UTF_8));
        assertEquals(EventJson.of(e), outgoing.json());
        assertSame("made once", outgoing.frame(), outgoing.frame());
    }
}
