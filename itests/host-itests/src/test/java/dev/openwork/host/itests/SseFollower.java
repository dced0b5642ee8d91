package dev.openwork.host.itests;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A client that follows an event stream the way the OpenWork app should: over TLS with the host's
 * key pinned, and whenever the connection ends (cut by itself, by the network, by the host) it
 * reconnects after a short pause with {@code Last-Event-ID} set to the last event it received whole.
 * It may connect through a proxy while naming the host in the Host header. It keeps every event id
 * it received, in order, so a test can compare them with the host's journal: nothing lost, nothing
 * twice. Written on sockets by hand (chunked transfer coding, SSE) so a test can cut it anywhere.
 */
final class SseFollower implements AutoCloseable {

    private final String name;
    private final int connectPort;
    private final int hostPort;
    private final SSLContext pinned;
    private final String credential;
    private final String path;
    private final int pauseMillis;
    private final List<Long> ids = new ArrayList<>();
    private final Map<Long, String> events = new LinkedHashMap<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger attempts = new AtomicInteger();
    private final AtomicInteger refusals = new AtomicInteger();
    private final AtomicLong lastHelloNanos = new AtomicLong();
    private final AtomicLong lastDropNanos = new AtomicLong();
    private final Thread thread;
    private volatile long lastId;
    private volatile Socket current;
    private volatile boolean closed;
    private volatile String lastRefusal;

    /**
     * @param connectPort where to connect (the host's TLS port, or a proxy in front of it)
     * @param hostPort    the host's TLS port, for the Host header
     * @param fromId      the Last-Event-ID of the first connection (0: everything of this device)
     */
    SseFollower(String name, int connectPort, int hostPort, SSLContext pinned, String credential, String path, long fromId,
            int pauseMillis) {
        this.name = name;
        this.connectPort = connectPort;
        this.hostPort = hostPort;
        this.pinned = pinned;
        this.credential = credential;
        this.path = path;
        this.lastId = fromId;
        this.pauseMillis = pauseMillis;
        this.thread = new Thread(this::follow, "sse-follower-" + name);
        this.thread.setDaemon(true);
    }

    SseFollower start() {
        thread.start();
        return this;
    }

    private void follow() {
        while (!closed) {
            try (Socket socket = connect()) {
                current = socket;
                if (closed) {
                    return;
                }
                read(socket);
            } catch (IOException | RuntimeException e) {
                // cut, reset, refused: reconnect
            } finally {
                current = null;
                lastDropNanos.set(System.nanoTime());
            }
            if (!closed) {
                pause(pauseMillis + ThreadLocalRandom.current().nextInt(pauseMillis + 1));
            }
        }
    }

    private Socket connect() throws IOException {
        attempts.incrementAndGet();
        Socket plain = new Socket();
        plain.setTcpNoDelay(true);
        plain.connect(new InetSocketAddress("127.0.0.1", connectPort), 5000);
        SSLSocket tls = (SSLSocket) pinned.getSocketFactory().createSocket(plain, "127.0.0.1", hostPort, true);
        tls.setEnabledProtocols(new String[] {"TLSv1.3"});
        tls.setSoTimeout(60_000); // heartbeats come every 15 s: a silent minute is a dead connection
        tls.startHandshake();
        return tls;
    }

    private void read(Socket socket) throws IOException {
        long from = lastId;
        String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + hostPort + "\r\nAuthorization: Bearer " + credential
                + "\r\nAccept: text/event-stream\r\n" + (from > 0 || path.equals("/v1/events") ? "Last-Event-ID: " + from + "\r\n" : "")
                + "\r\n";
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = new BufferedInputStream(socket.getInputStream());
        String status = line(in);
        if (status == null) {
            return;
        }
        boolean chunked = false;
        String header;
        while ((header = line(in)) != null && !header.isEmpty()) {
            if (header.toLowerCase(java.util.Locale.ROOT).startsWith("transfer-encoding:") && header.toLowerCase().contains("chunked")) {
                chunked = true;
            }
        }
        if (!status.startsWith("HTTP/1.1 200")) {
            refusals.incrementAndGet();
            lastRefusal = status;
            return;
        }
        connections.incrementAndGet();
        SseReader reader = new SseReader(chunked ? new Dechunking(in) : in);
        SseReader.Event event;
        while (!closed && (event = reader.next()) != null) {
            if (event.id() != null) {
                long id = Long.parseLong(event.id());
                synchronized (this) {
                    ids.add(id);
                    events.put(id, event.name() + "|" + event.data());
                }
                lastId = id;
            } else if ("hello".equals(event.name())) {
                lastHelloNanos.set(System.nanoTime());
            }
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                String text = bytes.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            bytes.write(b);
        }
        return null;
    }

    /** Closes the current connection from the client's side, as an app going to the background does. */
    boolean cut() {
        Socket socket = current;
        if (socket == null) {
            return false;
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // closed anyway
        }
        return true;
    }

    boolean connected() {
        return current != null;
    }

    String name() {
        return name;
    }

    long lastId() {
        return lastId;
    }

    int connections() {
        return connections.get();
    }

    /** Connections tried, answered or not (a cut during the handshake ends one before any answer). */
    int attempts() {
        return attempts.get();
    }

    int refusals() {
        return refusals.get();
    }

    String lastRefusal() {
        return lastRefusal;
    }

    /** When the stream last opened (its hello arrived), in System.nanoTime(); 0 never. */
    long lastHelloNanos() {
        return lastHelloNanos.get();
    }

    /** When a connection last ended, in System.nanoTime(); 0 never. */
    long lastDropNanos() {
        return lastDropNanos.get();
    }

    /** Every event id received, in the order received. */
    synchronized List<Long> ids() {
        return List.copyOf(ids);
    }

    /** The name and data of every event received, by id. */
    synchronized Map<Long, String> events() {
        return new LinkedHashMap<>(events);
    }

    @Override
    public void close() {
        closed = true;
        cut();
        thread.interrupt();
    }

    /** The reconnect back-off of a real client; close() interrupts it, which ends the park at once. */
    private static void pause(int millis) {
        java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(millis));
    }

    /** The body of a chunked response as a plain stream; ends (-1) at the last chunk or when cut. */
    private static final class Dechunking extends InputStream {
        private final InputStream in;
        private int left;
        private boolean done;

        Dechunking(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (done) {
                return -1;
            }
            if (left == 0) {
                String size = line(in);
                if (size != null && size.isEmpty()) {
                    size = line(in); // the CRLF after the previous chunk
                }
                if (size == null) {
                    done = true;
                    return -1;
                }
                left = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (left == 0) {
                    done = true;
                    return -1;
                }
            }
            int n = in.read(buffer, offset, Math.min(length, left));
            if (n < 0) {
                done = true;
                return -1;
            }
            left -= n;
            return n;
        }
    }
}
