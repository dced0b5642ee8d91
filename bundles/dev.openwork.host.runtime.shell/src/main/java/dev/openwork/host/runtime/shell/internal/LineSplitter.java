package dev.openwork.host.runtime.shell.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Turns a stream of bytes into lines, as they arrive: a line ends at {@code \n} (a {@code \r}
 * before it is dropped); a line longer than the limit is split into pieces of at most that many
 * bytes, never inside a UTF-8 sequence; bytes that are not valid UTF-8 become U+FFFD. Not thread-safe:
 * one splitter per stream.
 */
final class LineSplitter {

    /** The smallest limit: room for the longest UTF-8 sequence. */
    static final int MIN_LINE_BYTES = 16;

    private final int maxLineBytes;
    private final Consumer<String> sink;
    private byte[] line;
    private int length;
    private long lines;

    LineSplitter(int maxLineBytes, Consumer<String> sink) {
        this.maxLineBytes = Math.max(MIN_LINE_BYTES, maxLineBytes);
        this.sink = sink;
        this.line = new byte[Math.min(this.maxLineBytes, 8192)];
    }

    /** Takes the next bytes of the stream. */
    void feed(byte[] bytes, int offset, int count) {
        for (int i = offset; i < offset + count; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
                emit(end, length);
                continue;
            }
            if (length == maxLineBytes) {
                int cut = splitPoint();
                emit(cut, cut);
            }
            if (length == line.length) {
                line = Arrays.copyOf(line, Math.min(maxLineBytes, line.length * 2));
            }
            line[length++] = b;
        }
    }

    /** The stream ended: a last line without a line break is still a line. */
    void finish() {
        if (length > 0) {
            int end = line[length - 1] == '\r' ? length - 1 : length;
            emit(end, length);
        }
    }

    /** How many lines (and pieces of long lines) were emitted. */
    long lines() {
        return lines;
    }

    /** Where to split a full buffer so that no UTF-8 sequence is cut in two. */
    private int splitPoint() {
        int start = length - 1;
        while (start > 0 && length - start < 4 && (line[start] & 0xC0) == 0x80) {
            start--;
        }
        int lead = line[start] & 0xFF;
        int needed = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        boolean incomplete = lead >= 0xC0 && lead < 0xF8 && length - start < needed;
        return incomplete && start > 0 ? start : length;
    }

    /** Emits the first {@code end} bytes as a line, drops the first {@code consumed} and keeps the rest. */
    private void emit(int end, int consumed) {
        String text = new String(line, 0, end, StandardCharsets.UTF_8);
        int rest = length - consumed;
        if (rest > 0) {
            System.arraycopy(line, consumed, line, 0, rest);
        }
        length = rest;
        lines++;
        sink.accept(text);
    }
}
