package dev.openwork.host.tasks.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.fail;

import dev.openwork.host.api.tasks.TaskEvent;
import dev.openwork.host.api.tasks.TaskState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import org.junit.Test;

public class JournalCodecTest {

    private static TaskEvent roundTrip(TaskEvent event) throws IOException {
        return JournalCodec.decode(ByteBuffer.wrap(JournalCodec.encode(event)));
    }

    @Test
    public void everyFieldRoundTrips() throws IOException {
        TaskEvent event = new TaskEvent(42, "task-1", Instant.parse("2026-03-01T10:15:30.123456789Z"),
                TaskEvent.TOOL, TaskState.WAITING_PERMISSION, "stderr", "summary", 7, -3);
        assertEquals(event, roundTrip(event));
    }

    @Test
    public void nullsRoundTrip() throws IOException {
        TaskEvent allNull = new TaskEvent(1, null, null, null, null, null, null, null, null);
        assertEquals(allNull, roundTrip(allNull));
        TaskEvent someNull = new TaskEvent(2, "t", Instant.EPOCH, TaskEvent.OUTPUT, null, "stdout", null, 0, null);
        assertEquals(someNull, roundTrip(someNull));
    }

    @Test
    public void unicodeAndEmptyStringsRoundTrip() throws IOException {
        String text = "héllo wörld — 日本語 — emoji 🚀👩‍💻 — combining e\u0301 — zero \u0000 — rtl עברית";
        TaskEvent event = new TaskEvent(3, "tâsk-✓", Instant.now(), "", TaskState.QUEUED, "", text, null, 0);
        assertEquals(event, roundTrip(event));
    }

    @Test
    public void extremesRoundTrip() throws IOException {
        Instant[] instants = {Instant.EPOCH, Instant.parse("1969-12-31T23:59:59.999999999Z"),
                Instant.parse("1900-01-01T00:00:00.000000001Z"), Instant.parse("+100000-01-01T00:00:00.5Z"),
                Instant.ofEpochMilli(Long.MIN_VALUE), Instant.ofEpochMilli(Long.MAX_VALUE).plusNanos(999_999)};
        for (Instant at : instants) {
            TaskEvent event = new TaskEvent(Long.MAX_VALUE, "t", at, TaskEvent.STATE, TaskState.FAILED, null, null,
                    Integer.MIN_VALUE, Integer.MAX_VALUE);
            assertEquals(at.toString(), event, roundTrip(event));
        }
        for (TaskState state : TaskState.values()) {
            TaskEvent event = new TaskEvent(5, "t", Instant.EPOCH, TaskEvent.STATE, state, null, null, null, null);
            assertEquals(event, roundTrip(event));
        }
    }

    @Test
    public void aTimeOutsideTheRangeIsRefused() {
        TaskEvent event = new TaskEvent(1, "t", Instant.MAX, TaskEvent.STATE, TaskState.QUEUED, null, null, null, null);
        assertThrows(IllegalArgumentException.class, () -> JournalCodec.encode(event));
    }

    @Test
    public void stampWritesTheIdAndTime() throws IOException {
        byte[] payload = JournalCodec.encode(new TaskEvent(0, "t", Instant.EPOCH, TaskEvent.OUTPUT, null, "stdout",
                "line", 1, null));
        Instant at = Instant.parse("2026-05-06T07:08:09.987654321Z");
        JournalCodec.stamp(ByteBuffer.wrap(payload), 99, at);
        assertEquals(new TaskEvent(99, "t", at, TaskEvent.OUTPUT, null, "stdout", "line", 1, null),
                JournalCodec.decode(ByteBuffer.wrap(payload)));
    }

    @Test
    public void everyTruncationAndTrailingByteIsRefused() {
        byte[] payload = JournalCodec.encode(new TaskEvent(7, "task", Instant.now(), TaskEvent.OUTPUT, null, "stdout",
                "some text", 2, 0));
        for (int length = 0; length < payload.length; length++) {
            byte[] cut = Arrays.copyOf(payload, length);
            try {
                JournalCodec.decode(ByteBuffer.wrap(cut));
                fail("a payload cut at " + length + " decoded");
            } catch (IOException expected) {
                // refused
            }
        }
        byte[] longer = Arrays.copyOf(payload, payload.length + 1);
        assertThrows(IOException.class, () -> JournalCodec.decode(ByteBuffer.wrap(longer)));
    }

    @Test
    public void garbageNeverThrowsAnythingButIOException() {
        java.util.Random random = new java.util.Random(1234);
        byte[] payload = JournalCodec.encode(new TaskEvent(7, "task", Instant.now(), TaskEvent.STATE,
                TaskState.RUNNING, null, "reason", null, null));
        for (int i = 0; i < 20_000; i++) {
            byte[] mutated = payload.clone();
            mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
            try {
                JournalCodec.decode(ByteBuffer.wrap(mutated));
            } catch (IOException expected) {
                // refused, as it should be when it is not a valid record
            }
        }
    }

    @Test
    public void theSegmentHeaderIsRecognized() {
        assertEquals(true, JournalCodec.isSegmentHeader(JournalCodec.segmentHeader()));
        assertEquals(false, JournalCodec.isSegmentHeader(ByteBuffer.allocate(8)));
    }
}
