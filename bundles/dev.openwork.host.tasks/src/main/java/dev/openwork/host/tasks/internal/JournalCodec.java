package dev.openwork.host.tasks.internal;

import dev.openwork.host.api.tasks.TaskEvent;
import dev.openwork.host.api.tasks.TaskState;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.zip.CRC32;

/**
 * The on-disk format of the task journal.
 *
 * <pre>
 * segment  = header record*
 * header   = magic "OWTJ" (4 bytes) + format version (int32, 1)
 * record   = length (int32, of the payload) + CRC32 of the payload (int32) + payload
 * payload  = version (byte, 1)
 *            id (int64)
 *            at: present (byte 0|1) [+ epoch millis (int64) + nanos within the milli (int32)]
 *            taskId, type, state (its name), stream, text: string
 *            step, exitCode: present (byte 0|1) [+ int32]
 * string   = length (int32, -1 for null) + UTF-8 bytes
 * </pre>
 * All numbers are big-endian. A string is stored as UTF-8, so an unpaired surrogate (which UTF-8
 * cannot express) becomes {@code ?}.
 */
final class JournalCodec {

    static final int MAGIC = 0x4F57544A; // "OWTJ"
    static final int FORMAT_VERSION = 1;
    static final int SEGMENT_HEADER_BYTES = 8;
    static final int FRAME_HEADER_BYTES = 8;
    /** The largest payload the journal writes or accepts when reading: anything longer is corruption. */
    static final int MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

    private static final byte PAYLOAD_VERSION = 1;
    private static final int NULL_LENGTH = -1;

    private JournalCodec() {
    }

    /** The 8 bytes every segment starts with. */
    static ByteBuffer segmentHeader() {
        ByteBuffer header = ByteBuffer.allocate(SEGMENT_HEADER_BYTES);
        header.putInt(MAGIC).putInt(FORMAT_VERSION).flip();
        return header;
    }

    /** Whether these 8 bytes are a segment header this code can read. */
    static boolean isSegmentHeader(ByteBuffer header) {
        return header.remaining() >= SEGMENT_HEADER_BYTES && header.getInt(header.position()) == MAGIC
                && header.getInt(header.position() + 4) == FORMAT_VERSION;
    }

    /** The payload of one event (without the frame). */
    static byte[] encode(TaskEvent event) {
        byte[] taskId = utf8(event.taskId());
        byte[] type = utf8(event.type());
        byte[] state = utf8(event.state() == null ? null : event.state().name());
        byte[] stream = utf8(event.stream());
        byte[] text = utf8(event.text());
        Instant at = event.at();
        long size = 1L + 8 + 1 + (at == null ? 0 : 12) + stringSize(taskId) + stringSize(type) + stringSize(state)
                + stringSize(stream) + stringSize(text) + intSize(event.step()) + intSize(event.exitCode());
        if (size > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("an event of " + size + " bytes is larger than the journal's limit of "
                    + MAX_PAYLOAD_BYTES + " bytes");
        }
        ByteBuffer out = ByteBuffer.allocate((int) size);
        out.put(PAYLOAD_VERSION);
        out.putLong(event.id());
        if (at == null) {
            out.put((byte) 0);
        } else {
            long millis;
            try {
                millis = at.toEpochMilli();
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("the time " + at + " is out of the journal's range", e);
            }
            out.put((byte) 1).putLong(millis).putInt(at.getNano() % 1_000_000);
        }
        putString(out, taskId);
        putString(out, type);
        putString(out, state);
        putString(out, stream);
        putString(out, text);
        putInt(out, event.step());
        putInt(out, event.exitCode());
        return out.array();
    }

    /**
     * Writes the id and the time into a payload {@link #encode encoded} with a time (placeholders):
     * the journal encodes outside its write lock and stamps under it.
     */
    static void stamp(ByteBuffer payload, long id, Instant at) {
        int base = payload.position();
        if (payload.get(base) != PAYLOAD_VERSION || payload.get(base + 9) != 1) {
            throw new IllegalArgumentException("the payload has no room for a time");
        }
        long millis;
        try {
            millis = at.toEpochMilli();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("the time " + at + " is out of the journal's range", e);
        }
        payload.putLong(base + 1, id).putLong(base + 10, millis).putInt(base + 18, at.getNano() % 1_000_000);
    }

    /** Decodes one payload; every malformation (including trailing bytes) is an {@link IOException}. */
    static TaskEvent decode(ByteBuffer payload) throws IOException {
        try {
            byte version = payload.get();
            if (version != PAYLOAD_VERSION) {
                throw new IOException("unknown record version " + version);
            }
            long id = payload.getLong();
            Instant at = null;
            if (presence(payload)) {
                long millis = payload.getLong();
                int nanos = payload.getInt();
                if (nanos < 0 || nanos >= 1_000_000) {
                    throw new IOException("bad nanos " + nanos);
                }
                at = Instant.ofEpochMilli(millis).plusNanos(nanos);
            }
            String taskId = getString(payload);
            String type = getString(payload);
            String stateName = getString(payload);
            String stream = getString(payload);
            String text = getString(payload);
            Integer step = presence(payload) ? payload.getInt() : null;
            Integer exitCode = presence(payload) ? payload.getInt() : null;
            if (payload.hasRemaining()) {
                throw new IOException(payload.remaining() + " unexpected bytes after the record");
            }
            TaskState state = stateName == null ? null : TaskState.valueOf(stateName);
            return new TaskEvent(id, taskId, at, type, state, stream, text, step, exitCode);
        } catch (BufferUnderflowException e) {
            throw new IOException("the record ends too early", e);
        } catch (IllegalArgumentException | DateTimeException | ArithmeticException e) {
            throw new IOException("malformed record: " + e.getMessage(), e);
        }
    }

    /** The CRC32 of {@code length} bytes at {@code buffer}'s position (the position is not moved). */
    static int crc(ByteBuffer buffer, int length) {
        CRC32 crc = new CRC32();
        crc.update(buffer.slice(buffer.position(), length));
        return (int) crc.getValue();
    }

    private static byte[] utf8(String value) {
        return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }

    private static long stringSize(byte[] value) {
        return 4L + (value == null ? 0 : value.length);
    }

    private static int intSize(Integer value) {
        return value == null ? 1 : 5;
    }

    private static void putString(ByteBuffer out, byte[] value) {
        if (value == null) {
            out.putInt(NULL_LENGTH);
        } else {
            out.putInt(value.length).put(value);
        }
    }

    private static void putInt(ByteBuffer out, Integer value) {
        if (value == null) {
            out.put((byte) 0);
        } else {
            out.put((byte) 1).putInt(value);
        }
    }

    private static boolean presence(ByteBuffer in) throws IOException {
        byte flag = in.get();
        if (flag != 0 && flag != 1) {
            throw new IOException("bad presence flag " + flag);
        }
        return flag == 1;
    }

    private static String getString(ByteBuffer in) throws IOException {
        int length = in.getInt();
        if (length == NULL_LENGTH) {
            return null;
        }
        if (length < 0 || length > in.remaining()) {
            throw new IOException("bad string length " + length);
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
