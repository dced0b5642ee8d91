package dev.openwork.host.transport.http.internal;

import static org.junit.Assert.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openwork.host.api.tasks.TaskEvent;
import dev.openwork.host.api.tasks.TaskState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.Test;

/** The hand-written event JSON must be exactly what Jackson made of the same fields before. */
public class EventJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the stream sent before: a map of the event's fields, through Jackson. */
    private static String jackson(TaskEvent e) throws Exception {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", e.id());
        data.put("taskId", e.taskId());
        data.put("at", e.at().toString());
        if (e.state() != null) {
            data.put("state", e.state().name().toLowerCase(Locale.ROOT));
        }
        if (e.stream() != null) {
            data.put("stream", e.stream());
        }
        if (e.text() != null && !TaskEvent.CREATED.equals(e.type())) {
            data.put("text", e.text());
        }
        if (e.step() != null) {
            data.put("step", e.step());
        }
        if (e.exitCode() != null) {
            data.put("exitCode", e.exitCode());
        }
        return JSON.writeValueAsString(data);
    }

    @Test
    public void everyKindOfEventIsWrittenAsJacksonWroteIt() throws Exception {
        Instant at = Instant.parse("2026-11-25T10:00:00.123456Z");
        TaskEvent[] events = {
            new TaskEvent(1, "task_1", at, TaskEvent.CREATED, TaskState.QUEUED, null, "{\"deviceId\":\"dev_a\"}", null, null),
            new TaskEvent(2, "task_1", Instant.parse("2026-11-25T10:00:00Z"), TaskEvent.STATE, TaskState.RUNNING, null, null, null, null),
            new TaskEvent(3, "task_1", at, TaskEvent.OUTPUT, null, "stdout", "hello \"world\" \\ tab\there", 0, null),
            new TaskEvent(4, "task_1", at, TaskEvent.TOOL, null, null, "bash: make", 2, -1),
            new TaskEvent(5, "task_1", at, TaskEvent.STATE, TaskState.WAITING_PERMISSION, null, "waiting for permission", null, null),
            new TaskEvent(Long.MAX_VALUE, "task_1", at, TaskEvent.STATE, TaskState.FAILED, null, "exit code 2", null, 2),
            new TaskEvent(7, "task_1", at, TaskEvent.OUTPUT, null, "stderr", "", 0, null),
            new TaskEvent(8, "task_1", at, TaskEvent.OUTPUT, null, "stdout", "caf\u00e9 \u2028 \ud83d\ude00 \u0000\u001f\u007f\b\f\r\n/", 1, null),
        };
        for (TaskEvent e : events) {
            assertEquals(jackson(e), EventJson.of(e));
        }
    }

    @Test
    public void randomTextIsEscapedAsJacksonEscapesIt() throws Exception {
        Random random = new Random(42);
        Instant at = Instant.parse("2026-11-25T10:00:00.000000001Z");
        for (int round = 0; round < 2000; round++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(40);
            for (int i = 0; i < length; i++) {
                // mostly the first 256 characters (control characters, quotes, backslashes, Latin-1), some beyond
                text.append((char) (random.nextInt(4) == 0 ? random.nextInt(0xD7FF) : random.nextInt(256)));
            }
            TaskEvent e = new TaskEvent(round + 1, "task_" + round, at, TaskEvent.OUTPUT, null, "stdout", text.toString(), 0, null);
            assertEquals(jackson(e), EventJson.of(e));
        }
    }

    @Test
    public void instantsAreWrittenAsInstantToStringWritesThem() {
        Random random = new Random(7);
        java.util.List<Instant> instants = new java.util.ArrayList<>(java.util.List.of(Instant.EPOCH, Instant.parse("1969-12-31T23:59:59.999999999Z"),
                Instant.parse("0000-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59.1Z"), Instant.parse("+10000-01-01T00:00:00Z"),
                Instant.parse("-0001-12-31T23:59:59Z"), Instant.parse("2024-02-29T12:00:00.000001Z"), Instant.MIN, Instant.MAX));
        for (int i = 0; i < 20_000; i++) {
            long second = random.nextInt(3) == 0 ? random.nextLong() % 400_000_000_000L : 1_700_000_000L + random.nextInt(100_000_000);
            int nanos = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            instants.add(Instant.ofEpochSecond(second, nanos));
            instants.add(Instant.ofEpochSecond(second, nanos).plusNanos(1)); // the next one often shares the second
        }
        for (Instant at : instants) {
            assertEquals(at.toString(), EventJson.instant(at));
        }
    }

    /** The frame written straight to bytes must be the frame made of {@link EventJson#of}, as UTF-8. */
    private static void assertFrame(long id, String name, TaskEvent e) {
        String frame = (id > 0 ? "id: " + id + "\n" : "") + "event: " + name + "\ndata: " + EventJson.of(e) + "\n\n";
        org.junit.Assert.assertArrayEquals(frame, frame.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                EventJson.frame(id, name, e));
    }

    @Test
    public void framesAreTheJsonsFrameInUtf8() {
        Instant at = Instant.parse("2026-11-25T10:00:00.123456Z");
        assertFrame(1, "task.created", new TaskEvent(1, "task_1", at, TaskEvent.CREATED, TaskState.QUEUED, null, "{}", null, null));
        assertFrame(Long.MAX_VALUE, "task.state", new TaskEvent(Long.MAX_VALUE, "task_1", at, TaskEvent.STATE, TaskState.FAILED, null,
                "exit code 2", null, Integer.MIN_VALUE));
        assertFrame(0, "task.tool", new TaskEvent(4, "task_1", null, TaskEvent.TOOL, null, null, "bash: make", -2, -1));
        assertFrame(8, "task.output", new TaskEvent(8, "task_1", Instant.parse("+10000-01-01T00:00:00Z"), TaskEvent.OUTPUT, null,
                "stdout", "caf\u00e9 \u2028 \ud83d\ude00 lone \ud83d and \ude00 end \ud83d", 1, null));
        assertFrame(9, "task.output", new TaskEvent(9, "task_1", at, TaskEvent.OUTPUT, null, "stdout", "x".repeat(70_000), 1, null));
    }

    @Test
    public void randomTextMakesTheSameFrame() {
        Random random = new Random(11);
        for (int round = 0; round < 5000; round++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(60);
            for (int i = 0; i < length; i++) {
                // control characters, quotes, Latin-1, the BMP, surrogates paired and not
                text.append((char) switch (random.nextInt(5)) {
                    case 0 -> random.nextInt(0x10000);
                    case 1 -> 0xD800 + random.nextInt(0x800);
                    default -> random.nextInt(256);
                });
            }
            Instant at = Instant.ofEpochSecond(1_700_000_000L + random.nextInt(1000), random.nextInt(3) == 0 ? 0 : random.nextInt(1_000_000_000));
            assertFrame(round + 1, "task.output", new TaskEvent(round + 1, "task_" + round, at, TaskEvent.OUTPUT, null, "stdout",
                    text.toString(), random.nextInt(5) - 2, null));
        }
    }
}
