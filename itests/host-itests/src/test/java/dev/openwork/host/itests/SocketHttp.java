package dev.openwork.host.itests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A lean HTTP/1.1 client for benchmarks: one kept-alive TLS 1.3 connection, requests written by
 * hand, so that a timed request costs the client next to nothing (java.net.http spent several
 * milliseconds of the request-to-process-start figure on its own). Not thread-safe.
 */
final class SocketHttp implements AutoCloseable {

    /** An answer: status and body. */
    record Response(int status, String body) {
    }

    private final SSLContext context;
    private final int port;
    private final String credential;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    SocketHttp(SSLContext context, int port, String credential) {
        this.context = context;
        this.port = port;
        this.credential = credential;
    }

    /** Sends a POST with a JSON body on the kept connection (opening it when needed) and reads the whole answer. */
    Response post(String path, String json) throws IOException {
        if (socket == null || socket.isClosed()) {
            connect();
        }
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: Bearer " + credential
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, request, 0, headBytes.length);
        System.arraycopy(body, 0, request, headBytes.length, body.length);
        out.write(request);
        out.flush();
        return read();
    }

    private void connect() throws IOException {
        Socket plain = new Socket();
        plain.setTcpNoDelay(true);
        plain.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
        ssl.setEnabledProtocols(new String[] {"TLSv1.3"});
        ssl.startHandshake();
        socket = ssl;
        in = new java.io.BufferedInputStream(ssl.getInputStream());
        out = ssl.getOutputStream();
    }

    private Response read() throws IOException {
        String status = line();
        if (status == null || status.length() < 12) {
            close();
            throw new IOException("no answer: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean closeAfter = false;
        String header;
        while ((header = line()) != null && !header.isEmpty()) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                closeAfter = true;
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            long size;
            while ((size = Long.parseLong(line().split(";")[0].trim(), 16)) > 0) {
                body.write(in.readNBytes((int) size));
                line();
            }
            line();
        } else if (length >= 0) {
            body.write(in.readNBytes((int) length));
        }
        if (closeAfter) {
            close();
        }
        return new Response(code, body.toString(StandardCharsets.UTF_8));
    }

    private String line() throws IOException {
        StringBuilder text = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                int end = text.length();
                return end > 0 && text.charAt(end - 1) == '\r' ? text.substring(0, end - 1) : text.toString();
            }
            text.append((char) b);
        }
        return text.length() == 0 ? null : text.toString();
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            socket.close();
            socket = null;
        }
    }
}
