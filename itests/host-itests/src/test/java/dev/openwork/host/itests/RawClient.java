package dev.openwork.host.itests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * HTTP/1.1 written by hand, one connection per request ({@code Connection: close}), for requests
 * java.net.http refuses to send (a foreign Host header, any Authorization text). One TLS context
 * for every request, so TLS 1.3 resumes sessions and a sweep of thousands of requests stays quick.
 */
final class RawClient {

    /** An answer; {@code status} is -1 when the host gave none within the timeout (a hang). */
    record Response(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final int port;
    private final boolean tls;
    private final SSLContext context;
    private final int timeoutMillis;

    RawClient(int port, boolean tls, int timeoutMillis) {
        this.port = port;
        this.tls = tls;
        this.context = tls ? Tls.recordingContext(new AtomicReference<>()) : null;
        this.timeoutMillis = timeoutMillis;
    }

    int port() {
        return port;
    }

    Response send(String method, String path, Map<String, String> headers, byte[] body) throws IOException {
        Socket plain = new Socket();
        plain.setTcpNoDelay(true); // else Nagle and delayed ACKs add 40 ms to every TLS exchange
        plain.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        // layered with the peer's name and port, so the client's session cache can resume TLS sessions
        Socket socket = tls ? context.getSocketFactory().createSocket(plain, "127.0.0.1", port, true) : plain;
        try (socket) {
            socket.setSoTimeout(timeoutMillis);
            if (socket instanceof SSLSocket ssl) {
                ssl.setEnabledProtocols(new String[] {"TLSv1.3"});
                ssl.startHandshake();
            }
            StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
            headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            if (body != null) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("Connection: close\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            if (body != null) {
                try {
                    out.write(body);
                } catch (IOException answeredEarly) {
                    // the host answered and closed before reading everything: read its answer
                }
            }
            out.flush();
            try {
                return parse(readAll(socket.getInputStream()));
            } catch (SocketTimeoutException hang) {
                return new Response(-1, Map.of(), "no answer within " + timeoutMillis + " ms");
            }
        }
    }

    /**
     * Writes {@code request} exactly as given (it may be anything but HTTP) and reads until the host
     * closes the connection. Adds nothing, not even {@code Connection: close}: an answer that comes
     * back within the timeout proves the host closed the connection itself.
     */
    Response sendRaw(byte[] request) throws IOException {
        Socket plain = new Socket();
        plain.setTcpNoDelay(true);
        plain.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        Socket socket = tls ? context.getSocketFactory().createSocket(plain, "127.0.0.1", port, true) : plain;
        try (socket) {
            socket.setSoTimeout(timeoutMillis);
            if (socket instanceof SSLSocket ssl) {
                ssl.setEnabledProtocols(new String[] {"TLSv1.3"});
                ssl.startHandshake();
            }
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException answeredEarly) {
                // the host answered and closed before reading everything: read its answer
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                InputStream in = socket.getInputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    bytes.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException hang) {
                return new Response(-1, Map.of(), "no close within " + timeoutMillis + " ms after: "
                        + bytes.toString(StandardCharsets.UTF_8));
            } catch (java.net.SocketException reset) {
                // a host may reset a connection it refused once it has answered: keep what came
            }
            return parse(bytes.toByteArray());
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            bytes.write(buffer, 0, n);
        }
        return bytes.toByteArray();
    }

    static Response parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.1 ") || end < 0) {
            return new Response(0, Map.of(), new String(raw, StandardCharsets.UTF_8));
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].substring(9, 12));
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        byte[] rest = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        byte[] body = "chunked".equalsIgnoreCase(headers.get("transfer-encoding")) ? dechunk(rest) : rest;
        return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < chunked.length) {
            int lineEnd = indexOf(chunked, at);
            if (lineEnd < 0) {
                break;
            }
            String sizeText = new String(chunked, at, lineEnd - at, StandardCharsets.ISO_8859_1).split(";")[0].trim();
            int size = Integer.parseInt(sizeText, 16);
            if (size == 0) {
                break;
            }
            out.write(chunked, lineEnd + 2, Math.min(size, chunked.length - lineEnd - 2));
            at = lineEnd + 2 + size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i + 1 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
