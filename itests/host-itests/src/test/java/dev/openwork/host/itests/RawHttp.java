package dev.openwork.host.itests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSocket;

/**
 * Hand-written HTTP/1.1 requests, for what java.net.http refuses to send (a foreign Host header)
 * and for TLS protocol probes.
 */
final class RawHttp {

    private RawHttp() {
    }

    /** Sends {@code head} (request line and headers, no final blank line) and returns the whole response. */
    static String exchange(int port, boolean tls, String head) throws IOException {
        return exchange(port, tls, head, null);
    }

    /** The same with a body, sent with its Content-Length; a host that answers early may cut it short. */
    static String exchange(int port, boolean tls, String head, byte[] body) throws IOException {
        Socket socket = tls
                ? Tls.recordingContext(new AtomicReference<>()).getSocketFactory().createSocket()
                : new Socket();
        try (socket) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(10000);
            if (socket instanceof SSLSocket ssl) {
                ssl.setEnabledProtocols(new String[] {"TLSv1.3"});
                ssl.startHandshake();
            }
            OutputStream out = socket.getOutputStream();
            String length = body == null ? "" : "\r\nContent-Length: " + body.length;
            out.write((head + length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                try {
                    out.write(body);
                } catch (IOException answeredEarly) {
                    // the host answered and closed before reading everything: read its answer
                }
            }
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static int status(String response) {
        return Integer.parseInt(response.substring(9, 12));
    }
}
