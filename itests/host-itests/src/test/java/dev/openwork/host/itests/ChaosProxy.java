package dev.openwork.host.itests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy in front of the host's TLS listener (bytes relayed as they are, TLS end to end) that
 * breaks connections on demand, as networks and servers do: a reset (RST to both sides, as a host
 * that crashed or a NAT that forgot the connection), a drop (both sides closed cleanly), and a
 * stall (nothing relayed either way for a while, then a drop, as a phone walking out of Wi-Fi).
 * On 127.0.0.1 only; closes with the test.
 */
final class ChaosProxy implements AutoCloseable {

    /** One relayed connection. */
    static final class Link {
        final Socket client;
        final Socket upstream;
        volatile boolean stalled;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void close(boolean reset) {
            for (Socket socket : new Socket[] {client, upstream}) {
                try {
                    if (reset) {
                        socket.setSoLinger(true, 0); // close sends RST instead of FIN
                    }
                    socket.close();
                } catch (IOException ignored) {
                    // already gone
                }
            }
        }
    }

    private final ServerSocket server;
    private final int hostPort;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;

    private ChaosProxy(ServerSocket server, int hostPort) {
        this.server = server;
        this.hostPort = hostPort;
        this.acceptor = new Thread(this::accept, "chaos-proxy");
        this.acceptor.setDaemon(true);
    }

    static ChaosProxy start(int hostPort) throws IOException {
        ChaosProxy proxy = new ChaosProxy(new ServerSocket(0, 128, InetAddress.getLoopbackAddress()), hostPort);
        proxy.acceptor.start();
        return proxy;
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                client.setTcpNoDelay(true);
                Socket upstream = new Socket();
                upstream.setTcpNoDelay(true);
                try {
                    upstream.connect(new InetSocketAddress("127.0.0.1", hostPort), 5000);
                } catch (IOException e) {
                    client.close();
                    continue;
                }
                Link link = new Link(client, upstream);
                links.add(link);
                pump(link, client, upstream);
                pump(link, upstream, client);
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void pump(Link link, Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    while (link.stalled && !from.isClosed()) {
                        TimeUnit.MILLISECONDS.sleep(5); // holding the bytes, like a link that went quiet
                    }
                    out.write(buffer, 0, n);
                }
            } catch (IOException | InterruptedException e) {
                // one side went away
            } finally {
                links.remove(link);
                link.close(false);
            }
        }, "chaos-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    /** A live connection chosen at random, if any. */
    Optional<Link> pick(Random random) {
        List<Link> live = new ArrayList<>(links);
        return live.isEmpty() ? Optional.empty() : Optional.of(live.get(random.nextInt(live.size())));
    }

    int live() {
        return links.size();
    }

    void reset(Link link) {
        links.remove(link);
        link.close(true);
    }

    void drop(Link link) {
        links.remove(link);
        link.close(false);
    }

    /** Relays nothing for {@code millis}, then drops the connection (on a thread of its own). */
    void stallThenDrop(Link link, long millis) {
        link.stalled = true;
        Thread thread = new Thread(() -> {
            try {
                TimeUnit.MILLISECONDS.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            drop(link);
        }, "chaos-proxy-stall");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
        links.forEach(link -> link.close(false));
    }
}
