package dev.openwork.host.itests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A lean server-sent-events client for benchmarks: one TLS 1.3 socket, an HTTP/1.1 GET written by
 * hand, chunked transfer decoding and an SSE parser that works on bytes. It parses every event
 * fully (id, event name, data as a string) but leaves the JSON in the data to the caller, so what
 * it measures is the host and the wire, not the client library: java.net.http's body pipeline and a
 * line reader were the limit of the first task benchmark (see docs/benchmarks.md).
 */
final class SocketSseStream implements AutoCloseable {

    /** One event: its id (-1 when it had none), its name (null when none) and its data. */
    record Event(long id, String name, String data) {
    }

    private final Socket socket;
    private final InputStream in;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;
    private final boolean chunked;
    private long chunkLeft;
    private boolean ended;
    private byte[] line = new byte[1024];

    /** Opens the stream and reads the response head; fails unless the host answers 200. */
    SocketSseStream(SSLContext context, int port, String path, String credential, String lastEventId) throws IOException {
        Socket plain = new Socket();
        plain.setTcpNoDelay(true);
        plain.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
        this.socket = ssl;
        ssl.setEnabledProtocols(new String[] {"TLSv1.3"});
        ssl.startHandshake();
        StringBuilder head = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\n")
                .append("Accept: text/event-stream\r\n")
                .append("Authorization: Bearer ").append(credential).append("\r\n");
        if (lastEventId != null) {
            head.append("Last-Event-ID: ").append(lastEventId).append("\r\n");
        }
        head.append("\r\n");
        OutputStream out = ssl.getOutputStream();
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        this.in = ssl.getInputStream();
        String status = rawLine();
        if (status == null || !status.startsWith("HTTP/1.1 200")) {
            throw new IOException("the host answered " + status);
        }
        boolean isChunked = false;
        String header;
        while ((header = rawLine()) != null && !header.isEmpty()) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                isChunked = true;
            }
        }
        this.chunked = isChunked;
    }

    /** The next event, or null at the end of the stream; comments (heartbeats) are skipped. */
    Event next() throws IOException {
        long id = -1;
        String name = null;
        String data = null;
        int length;
        while ((length = bodyLine()) >= 0) {
            if (length == 0) {
                if (data != null || name != null) {
                    return new Event(id, name, data == null ? "" : data);
                }
                continue;
            }
            if (line[0] == ':') {
                continue;
            }
            int colon = indexOf(line, length, (byte) ':');
            int valueAt = colon < 0 ? length : colon + 1;
            if (valueAt < length && line[valueAt] == ' ') {
                valueAt++;
            }
            int fieldLength = colon < 0 ? length : colon;
            if (is("id", fieldLength)) {
                id = Long.parseLong(new String(line, valueAt, length - valueAt, StandardCharsets.US_ASCII));
            } else if (is("event", fieldLength)) {
                name = new String(line, valueAt, length - valueAt, StandardCharsets.UTF_8);
            } else if (is("data", fieldLength)) {
                String value = new String(line, valueAt, length - valueAt, StandardCharsets.UTF_8);
                data = data == null ? value : data + "\n" + value;
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private boolean is(String field, int fieldLength) {
        if (field.length() != fieldLength) {
            return false;
        }
        for (int i = 0; i < fieldLength; i++) {
            if (line[i] != field.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Reads one body line (without its \n or \r\n) into {@link #line}; its length, or -1 at the end. */
    private int bodyLine() throws IOException {
        int length = 0;
        int b;
        while ((b = bodyByte()) >= 0) {
            if (b == '\n') {
                return length > 0 && line[length - 1] == '\r' ? length - 1 : length;
            }
            if (length == line.length) {
                line = Arrays.copyOf(line, line.length * 2);
            }
            line[length++] = (byte) b;
        }
        return length > 0 ? length : -1;
    }

    private int bodyByte() throws IOException {
        if (!chunked) {
            return read();
        }
        while (chunkLeft == 0) {
            if (ended) {
                return -1;
            }
            String size = rawLine();
            if (size == null) {
                return -1;
            }
            if (size.isEmpty()) {
                continue; // the CRLF that ends the previous chunk
            }
            int semicolon = size.indexOf(';');
            chunkLeft = Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
            if (chunkLeft == 0) {
                ended = true;
                return -1;
            }
        }
        int b = read();
        if (b >= 0) {
            chunkLeft--;
        }
        return b;
    }

    /** One byte of the connection, buffered here: a synchronized stream per byte would be the limit. */
    private int read() throws IOException {
        if (position == limit) {
            int n = in.read(buffer);
            if (n <= 0) {
                return -1;
            }
            position = 0;
            limit = n;
        }
        return buffer[position++] & 0xFF;
    }

    private static int indexOf(byte[] bytes, int length, byte wanted) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    /** A header or chunk-size line (ISO-8859-1, without CRLF), or null at the end of the stream. */
    private String rawLine() throws IOException {
        StringBuilder text = new StringBuilder();
        int b;
        while ((b = read()) >= 0) {
            if (b == '\n') {
                int end = text.length();
                return end > 0 && text.charAt(end - 1) == '\r' ? text.substring(0, end - 1) : text.toString();
            }
            text.append((char) b);
        }
        return text.length() == 0 ? null : text.toString();
    }
}
