package dev.openwork.host.tasks.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.openwork.host.api.tasks.TaskEvent;
import dev.openwork.host.api.tasks.TaskState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class TaskJournalRecoveryTest {

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    private Path dir;
    private JournalTestClock clock;

    @Before
    public void setUp() {
        dir = temp.getRoot().toPath().resolve("journal");
        clock = new JournalTestClock(Instant.parse("2026-02-03T04:05:06Z"));
    }

    private TaskJournal open(long segmentBytes) throws IOException {
        return TaskJournal.open(dir, clock, segmentBytes);
    }

    /** Appends five events of two tasks, one per call, and closes the journal. */
    private List<TaskEvent> fiveEvents() throws IOException {
        List<TaskEvent> events = new ArrayList<>();
        try (TaskJournal journal = open(TaskJournal.DEFAULT_SEGMENT_BYTES)) {
            events.addAll(journal.append(List.of(JournalDraft.state("a", TaskState.QUEUED, null))));
            events.addAll(journal.append(List.of(JournalDraft.state("b", TaskState.QUEUED, "ünïcode"))));
            events.addAll(journal.append(List.of(JournalDraft.state("a", TaskState.RUNNING, null))));
            events.addAll(journal.append(List.of(JournalDraft.output("a", 0, "stdout", "line one"))));
            events.addAll(journal.append(List.of(JournalDraft.output("a", 0, "stderr", "the last record 🚀"))));
        }
        return events;
    }

    private List<Path> segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("segment-\\d+\\.log")).sorted()
                    .collect(Collectors.toList());
        }
    }

    /** The offsets at which the records of a segment start. */
    private static List<Integer> recordStarts(byte[] segment) {
        List<Integer> starts = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.wrap(segment);
        int position = JournalCodec.SEGMENT_HEADER_BYTES;
        while (position + 8 <= segment.length) {
            starts.add(position);
            position += 8 + buffer.getInt(position);
        }
        return starts;
    }

    @Test
    public void aTornTailIsTruncatedAtEveryBytePositionOfTheLastRecord() throws IOException {
        List<TaskEvent> events = fiveEvents();
        Path segment = segmentFiles().get(0);
        byte[] original = Files.readAllBytes(segment);
        List<Integer> starts = recordStarts(original);
        assertEquals(5, starts.size());
        int lastStart = starts.get(4);
        List<TaskEvent> kept = events.subList(0, 4);
        for (int cut = lastStart; cut < original.length; cut++) {
            Files.write(segment, Arrays.copyOf(original, cut));
            try (TaskJournal journal = open(TaskJournal.DEFAULT_SEGMENT_BYTES)) {
                String at = "cut at " + cut;
                assertEquals(at, kept, journal.eventsAfter(0, 100, null));
                assertEquals(at, kept.stream().filter(e -> e.taskId().equals("a"))
                        .collect(Collectors.toList()), journal.events("a", 0, 100));
                assertEquals(at, 4, journal.lastEventId());
                assertEquals(at, lastStart, Files.size(segment));
                if (cut == lastStart) {
                    assertEquals(at, List.of(), journal.recoveryProblems());
                } else {
                    assertEquals(at, 1, journal.recoveryProblems().size());
                    TaskJournal.Problem problem = journal.recoveryProblems().get(0);
                    assertTrue(at, problem.truncated());
                    assertEquals(at, lastStart, problem.offset());
                    assertEquals(at, segment, problem.segment());
                }
                assertEquals(at, 5, journal.append(JournalDraft.output("a", 0, "stdout", "after recovery")));
            }
            try (TaskJournal journal = open(TaskJournal.DEFAULT_SEGMENT_BYTES)) {
                List<TaskEvent> all = journal.eventsAfter(0, 100, null);
                assertEquals(5, all.size());
                assertEquals(kept, all.subList(0, 4));
                assertEquals("after recovery", all.get(4).text());
                assertEquals(List.of(), journal.recoveryProblems());
            }
        }
    }

    @Test
    public void aFlippedByteAnywhereInTheTailRecordIsDetectedAndTruncated() throws IOException {
        List<TaskEvent> events = fiveEvents();
        Path segment = segmentFiles().get(0);
        byte[] original = Files.readAllBytes(segment);
        int lastStart = recordStarts(original).get(4);
        for (int position = lastStart; position < original.length; position++) {
            byte[] corrupt = original.clone();
            corrupt[position] ^= (byte) 0x5A;
            Files.write(segment, corrupt);
            try (TaskJournal journal = open(TaskJournal.DEFAULT_SEGMENT_BYTES)) {
                String at = "flipped byte " + position;
                assertEquals(at, events.subList(0, 4), journal.eventsAfter(0, 100, null));
                assertEquals(at, 1, journal.recoveryProblems().size());
                assertTrue(at, journal.recoveryProblems().get(0).truncated());
                assertEquals(at, lastStart, Files.size(segment));
            }
        }
    }

    @Test
    public void aZeroFilledTailIsTruncated() throws IOException {
        List<TaskEvent> events = fiveEvents();
        Path segment = segmentFiles().get(0);
        long size = Files.size(segment);
        Files.write(segment, new byte[4096], StandardOpenOption.APPEND);
        try (TaskJournal journal = open(TaskJournal.DEFAULT_SEGMENT_BYTES)) {
            assertEquals(events, journal.eventsAfter(0, 100, null));
            assertEquals(size, Files.size(segment));
            assertTrue(journal.recoveryProblems().get(0).reason(), journal.recoveryProblems().get(0).truncated());
        }
    }

    @Test
    public void corruptionInsideAnOlderSegmentStopsThatSegmentOnlyAndIsReported() throws IOException {
        List<TaskEvent> events = new ArrayList<>();
        try (TaskJournal journal = open(512)) {
            for (int i = 0; i < 40; i++) {
                events.addAll(journal.append(List.of(JournalDraft.output(i % 2 == 0 ? "a" : "b", 0, "stdout",
                        "line number " + i))));
            }
        }
        List<Path> files = segmentFiles();
        assertTrue(files.toString(), files.size() >= 4);
        Path victim = files.get(1);
        byte[] bytes = Files.readAllBytes(victim);
        List<Integer> starts = recordStarts(bytes);
        assertTrue(starts.size() >= 3);
        int badRecord = starts.get(1);
        bytes[badRecord + 8 + 12] ^= 1; // inside the payload: a CRC mismatch
        Files.write(victim, bytes);

        try (TaskJournal journal = open(512)) {
            List<Long> lost = new ArrayList<>();
            long firstInVictim = Long.parseLong(victim.getFileName().toString().replaceAll("\\D", ""));
            for (int i = 1; i < starts.size(); i++) {
                lost.add(firstInVictim + i);
            }
            List<TaskEvent> expected = events.stream().filter(e -> !lost.contains(e.id())).collect(Collectors.toList());
            assertEquals(expected, journal.eventsAfter(0, 1000, null));
            assertEquals(expected.stream().filter(e -> e.taskId().equals("b")).collect(Collectors.toList()),
                    journal.events("b", 0, 1000));
            assertEquals(1, journal.recoveryProblems().size());
            TaskJournal.Problem problem = journal.recoveryProblems().get(0);
            assertFalse(problem.truncated());
            assertEquals(victim, problem.segment());
            assertEquals(badRecord, problem.offset());
            assertTrue(problem.reason(), problem.reason().contains("CRC"));
            assertEquals("an older segment is never modified", bytes.length, Files.size(victim));
            assertEquals(40, journal.lastEventId());
            assertEquals(41, journal.append(JournalDraft.output("a", 0, "stdout", "more")));
        }
    }

    @Test
    public void aSegmentCreatedButNotFinishedAtACrashIsRepaired() throws IOException {
        List<TaskEvent> events = fiveEvents();
        Path torn = dir.resolve(JournalSegment.fileName(6));
        Files.write(torn, new byte[] {'O', 'W', 'T'});
        try (TaskJournal journal = open(TaskJournal.DEFAULT_SEGMENT_BYTES)) {
            assertEquals(events, journal.eventsAfter(0, 100, null));
            assertEquals(1, journal.recoveryProblems().size());
            assertEquals(6, journal.append(JournalDraft.output("a", 0, "stdout", "x")));
        }
        assertEquals(2, segmentFiles().size());
        try (TaskJournal journal = open(TaskJournal.DEFAULT_SEGMENT_BYTES)) {
            assertEquals(6, journal.eventsAfter(0, 100, null).size());
            assertEquals(List.of(), journal.recoveryProblems());
        }
    }

    @Test
    public void aLastSegmentWithAnUnknownHeaderIsMovedAsideNotDeleted() throws IOException {
        List<TaskEvent> events = fiveEvents();
        Path foreign = dir.resolve(JournalSegment.fileName(6));
        Files.write(foreign, "NOTAJOURNAL, some other data".getBytes());
        try (TaskJournal journal = open(TaskJournal.DEFAULT_SEGMENT_BYTES)) {
            assertEquals(events, journal.eventsAfter(0, 100, null));
            assertEquals(1, journal.recoveryProblems().size());
            assertFalse(Files.exists(foreign) && Files.size(foreign) > 8 && !JournalCodec.isSegmentHeader(
                    ByteBuffer.wrap(Files.readAllBytes(foreign))));
            assertEquals(6, journal.append(JournalDraft.output("a", 0, "stdout", "x")));
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.filter(p -> p.getFileName().toString().contains(".unreadable-")).count());
        }
    }

    @Test
    public void anEmptyDirectoryAndAnEmptyLastSegmentAreFine() throws IOException {
        Files.createDirectories(dir);
        try (TaskJournal journal = open(TaskJournal.DEFAULT_SEGMENT_BYTES)) {
            assertEquals(0, journal.lastEventId());
            assertEquals(List.of(), journal.eventsAfter(0, 10, null));
            assertEquals(List.of(), journal.recoveryProblems());
        }
        try (TaskJournal journal = open(TaskJournal.DEFAULT_SEGMENT_BYTES)) {
            assertEquals(1, segmentFiles().size());
            assertEquals(1, journal.append(JournalDraft.state("a", TaskState.QUEUED, null)));
        }
    }

    @Test
    public void anEventWhoseIdGoesBackwardsIsCorruption() throws IOException {
        List<TaskEvent> events = fiveEvents();
        Path segment = segmentFiles().get(0);
        // append a well-formed record that repeats id 3
        byte[] payload = JournalCodec.encode(new TaskEvent(3, "a", Instant.now(), TaskEvent.OUTPUT, null, "stdout",
                "duplicate", 0, null));
        ByteBuffer frame = ByteBuffer.allocate(8 + payload.length);
        frame.putInt(payload.length).putInt(JournalCodec.crc(ByteBuffer.wrap(payload), payload.length)).put(payload);
        long size = Files.size(segment);
        Files.write(segment, frame.array(), StandardOpenOption.APPEND);
        try (TaskJournal journal = open(TaskJournal.DEFAULT_SEGMENT_BYTES)) {
            assertEquals(events, journal.eventsAfter(0, 100, null));
            assertEquals(size, Files.size(segment));
            assertTrue(journal.recoveryProblems().get(0).reason(),
                    journal.recoveryProblems().get(0).reason().contains("out of order"));
        }
    }
}
