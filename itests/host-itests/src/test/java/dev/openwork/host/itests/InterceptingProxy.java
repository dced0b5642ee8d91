package dev.openwork.host.itests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A machine in the middle: terminates TLS with a key of its own, and relays the decrypted bytes
 * to the host over a second TLS connection. On 127.0.0.1 only; closes with the test.
 */
final class InterceptingProxy implements AutoCloseable {

    private final SSLServerSocket server;
    private final int hostPort;
    private final AtomicInteger connections = new AtomicInteger();
    private final Thread acceptor;

    private InterceptingProxy(SSLServerSocket server, int hostPort) {
        this.server = server;
        this.hostPort = hostPort;
        this.acceptor = new Thread(this::acceptLoop, "intercepting-proxy");
        this.acceptor.setDaemon(true);
    }

    static InterceptingProxy start(int hostPort) throws Exception {
        SSLContext context = Tls.foreignServerContext("not-the-host");
        SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket(0, 16, InetAddress.getLoopbackAddress());
        server.setEnabledProtocols(new String[] {"TLSv1.3"});
        InterceptingProxy proxy = new InterceptingProxy(server, hostPort);
        proxy.acceptor.start();
        return proxy;
    }

    int port() {
        return server.getLocalPort();
    }

    int connections() {
        return connections.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException closed) {
                return;
            }
            connections.incrementAndGet();
            // one failing connection (a client that only probes the key and leaves) must not stop the proxy
            Thread relay = new Thread(() -> relay(client), "intercepting-proxy-relay");
            relay.setDaemon(true);
            relay.start();
        }
    }

    private void relay(Socket client) {
        try {
            SSLSocket upstream = (SSLSocket) Tls.recordingContext(new AtomicReference<>()).getSocketFactory().createSocket();
            upstream.connect(new InetSocketAddress("127.0.0.1", hostPort), 5000);
            upstream.setEnabledProtocols(new String[] {"TLSv1.3"});
            // like an attacker on the path, speak to the host with the Host header it expects
            pump(client, upstream, "Host: 127.0.0.1:" + port(), "Host: 127.0.0.1:" + hostPort);
            pump(upstream, client, null, null);
        } catch (IOException e) {
            try {
                client.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    private static void pump(Socket from, Socket to, String find, String replace) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[65536];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (find == null) {
                        out.write(buffer, 0, n);
                    } else {
                        String chunk = new String(buffer, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
                        out.write(chunk.replace(find, replace).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                    }
                    out.flush();
                }
            } catch (IOException e) {
                // one side closed
            } finally {
                try {
                    to.close();
                    from.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }, "intercepting-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
