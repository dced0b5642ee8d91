package dev.openwork.host.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.After;
import org.junit.Test;

public class EventStreamTest {

    private static final EventStream.Options FAST = new EventStream.Options(Duration.ofMillis(10), Duration.ofMillis(50),
            Duration.ofSeconds(5), Duration.ofSeconds(2));

    private HttpServer server;
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<String> lastEventIds = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();

    private URI serve(Consumer<HttpExchange> handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-sse");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/v1/events", exchange -> {
            connections.incrementAndGet();
            String last = exchange.getRequestHeaders().getFirst("Last-Event-ID");
            lastEventIds.add(last == null ? "<none>" : last);
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            handler.accept(exchange);
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/events");
    }

    @After
    public void stop() {
        release.countDown();
        if (server != null) {
            server.stop(0);
        }
    }

    private static void write(HttpExchange exchange, String text) {
        try {
            OutputStream out = exchange.getResponseBody();
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private static void status(HttpExchange exchange, int status) {
        try {
            exchange.getResponseHeaders().set("Content-Type", status == 200 ? "text/event-stream" : "application/json");
            exchange.sendResponseHeaders(status, status == 200 ? 0 : -1);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    /** Collects what the listener sees. */
    private static final class Recorder implements HostEventListener {
        final List<ServerEvent> events = new CopyOnWriteArrayList<>();
        final List<String> reconnects = new CopyOnWriteArrayList<>();
        final CountDownLatch threeEvents = new CountDownLatch(3);
        final CountDownLatch closed = new CountDownLatch(1);
        volatile CloseReason reason;
        volatile String message;

        @Override
        public void onEvent(ServerEvent event) {
            events.add(event);
            threeEvents.countDown();
        }

        @Override
        public void onReconnecting(Duration delay, String cause) {
            reconnects.add(cause);
        }

        @Override
        public void onClosed(CloseReason reason, String message) {
            this.reason = reason;
            this.message = message;
            closed.countDown();
        }
    }

    @Test
    public void reconnectsWithLastEventIdAfterTheServerDropsTheConnection() throws Exception {
        URI uri = serve(exchange -> {
            status(exchange, 200);
            if (connections.get() == 1) {
                write(exchange, ": heartbeat\n\nid: 1\nevent: task.started\ndata: one\n\n");
                write(exchange, "id: 2\ndata: two\ndata: lines\n\n");
                exchange.close(); // drop after two events
                return;
            }
            write(exchange, ": heartbeat\nid: 3\ndata: three\n\n");
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        Recorder recorder = new Recorder();
        EventStream stream = new EventStream(HttpClient.newHttpClient(), uri, "cred-123", null, recorder, FAST).start();
        assertTrue("three events must arrive", recorder.threeEvents.await(4, TimeUnit.SECONDS));
        assertEquals(List.of(new ServerEvent("1", "task.started", "one"), new ServerEvent("2", "message", "two\nlines"),
                new ServerEvent("3", "message", "three")), recorder.events);
        assertEquals(List.of("<none>", "2"), lastEventIds);
        assertEquals(List.of("Bearer cred-123", "Bearer cred-123"), authorizations);
        assertEquals(1, recorder.reconnects.size());
        assertEquals("3", stream.lastEventId());

        stream.close(); // while the server holds the second connection open
        assertTrue("close() must stop the stream", stream.awaitTermination(Duration.ofSeconds(3)));
        assertEquals(HostEventListener.CloseReason.CLOSED, recorder.reason);
    }

    @Test
    public void resumesFromAGivenLastEventId() throws Exception {
        URI uri = serve(exchange -> {
            status(exchange, 200);
            write(exchange, "id: 42\ndata: x\n\n");
            exchange.close();
        });
        Recorder recorder = new Recorder();
        try (EventStream stream = new EventStream(HttpClient.newHttpClient(), uri, null, "41", recorder, FAST).start()) {
            assertTrue(recorder.threeEvents.await(4, TimeUnit.SECONDS));
            assertEquals("41", lastEventIds.get(0));
            assertEquals("42", lastEventIds.get(1));
            assertEquals("null", authorizations.get(0));
        }
    }

    @Test
    public void stopsForGoodWhenTheCredentialIsRejected() throws Exception {
        for (int code : new int[] {401, 403}) {
            connections.set(0);
            URI uri = serve(exchange -> {
                status(exchange, code);
                exchange.close();
            });
            Recorder recorder = new Recorder();
            EventStream stream = new EventStream(HttpClient.newHttpClient(), uri, "revoked", null, recorder, FAST).start();
            assertTrue(recorder.closed.await(3, TimeUnit.SECONDS));
            assertEquals(HostEventListener.CloseReason.CREDENTIAL_REJECTED, recorder.reason);
            assertTrue(recorder.message, recorder.message.contains("credential"));
            assertTrue(stream.isClosed());
            assertEquals("no reconnect after " + code, 1, connections.get());
            server.stop(0);
        }
    }

    @Test
    public void retriesAfterServerErrorsWithBackoff() throws Exception {
        URI uri = serve(exchange -> {
            if (connections.get() <= 2) {
                status(exchange, 503);
                exchange.close();
                return;
            }
            status(exchange, 200);
            write(exchange, "id: 1\ndata: a\n\nid: 2\ndata: b\n\nid: 3\ndata: c\n\n");
            exchange.close();
        });
        Recorder recorder = new Recorder();
        try (EventStream stream = new EventStream(HttpClient.newHttpClient(), uri, null, null, recorder, FAST).start()) {
            assertTrue(recorder.threeEvents.await(4, TimeUnit.SECONDS));
            assertTrue(recorder.reconnects.get(0), recorder.reconnects.get(0).contains("503"));
        }
    }
}
