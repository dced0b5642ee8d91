package dev.openwork.host.tasks.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.openwork.host.api.tasks.TaskEvent;
import dev.openwork.host.api.tasks.TaskState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class TaskJournalTest {

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    private Path dir;
    private JournalTestClock clock;
    private TaskJournal journal;

    @Before
    public void setUp() throws IOException {
        dir = temp.getRoot().toPath().resolve("data/tasks/journal");
        clock = new JournalTestClock(Instant.parse("2026-01-02T03:04:05.123456789Z"));
        journal = TaskJournal.open(dir, clock, TaskJournal.DEFAULT_SEGMENT_BYTES);
    }

    @After
    public void tearDown() throws IOException {
        journal.close();
    }

    private TaskJournal reopen(long segmentBytes) throws IOException {
        journal.close();
        journal = TaskJournal.open(dir, clock, segmentBytes);
        return journal;
    }

    private static List<Long> ids(List<TaskEvent> events) {
        return events.stream().map(TaskEvent::id).collect(Collectors.toList());
    }

    @Test
    public void theDataDirectoryLayout() throws IOException {
        Path data = temp.newFolder("host-data").toPath();
        assertEquals(data.resolve("tasks").resolve("journal"), TaskJournal.directoryIn(data));
        try (TaskJournal j = TaskJournal.openInDataDirectory(data)) {
            j.append(JournalDraft.state("a", TaskState.QUEUED, null));
            assertEquals(data.resolve("tasks/journal"), j.directory());
            Path segment = j.directory().resolve("segment-00000000000000000001.log");
            assertTrue(Files.isRegularFile(segment));
            if (segment.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(segment)));
            }
        }
    }

    @Test
    public void everyFieldRoundTripsThroughTheFilesIncludingNullsAndUnicode() throws IOException {
        List<JournalDraft> drafts = List.of(
                new JournalDraft("task-ü", TaskEvent.CREATED, TaskState.QUEUED, null, "{\"runtime\":\"shell\"}", null,
                        null),
                JournalDraft.state("task-ü", TaskState.RUNNING, null),
                JournalDraft.output("task-ü", 0, "stdout", "日本語 🚀 e\u0301 tab\there"),
                JournalDraft.output("task-ü", 0, "stderr", ""),
                JournalDraft.tool("task-ü", 1, "wrote ✓ file", 0),
                new JournalDraft("task-ü", TaskEvent.TOOL, null, null, null, null, null),
                JournalDraft.state("task-ü", TaskState.FAILED, "exit 3 — ✗", 3));
        List<TaskEvent> appended = journal.append(drafts);
        assertEquals(drafts.size(), appended.size());
        for (int i = 0; i < drafts.size(); i++) {
            JournalDraft d = drafts.get(i);
            TaskEvent e = appended.get(i);
            assertEquals(new TaskEvent(e.id(), d.taskId(), e.at(), d.type(), d.state(), d.stream(), d.text(), d.step(),
                    d.exitCode()), e);
            assertNotNull(e.at());
        }
        assertEquals(appended, journal.events("task-ü", 0, 100));
        reopen(TaskJournal.DEFAULT_SEGMENT_BYTES);
        assertEquals("every field, nanoseconds included, survives a reopen", appended,
                journal.events("task-ü", 0, 100));
        assertEquals(appended, journal.eventsAfter(0, 100, null));
    }

    @Test
    public void idsAreMonotonicAcrossTasksAndContinueAfterReopen() throws IOException {
        long a = journal.append(JournalDraft.state("a", TaskState.QUEUED, null));
        long b = journal.append(JournalDraft.state("b", TaskState.QUEUED, null));
        List<TaskEvent> batch = journal.append(List.of(JournalDraft.output("a", 0, "stdout", "1"),
                JournalDraft.output("b", 0, "stdout", "2")));
        assertEquals(1, a);
        assertEquals(2, b);
        assertEquals(List.of(3L, 4L), ids(batch));
        assertEquals(4, journal.lastEventId());
        assertEquals(List.of(), journal.append(List.of()));

        reopen(TaskJournal.DEFAULT_SEGMENT_BYTES);
        assertEquals(4, journal.lastEventId());
        assertEquals(5, journal.append(JournalDraft.state("a", TaskState.RUNNING, null)));
        reopen(TaskJournal.DEFAULT_SEGMENT_BYTES);
        assertEquals(6, journal.append(JournalDraft.state("c", TaskState.QUEUED, null)));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), ids(journal.eventsAfter(0, 100, null)));
    }

    @Test
    public void timesComeFromTheClock() throws IOException {
        Instant before = clock.instant();
        TaskEvent e = journal.append(List.of(JournalDraft.state("a", TaskState.QUEUED, null))).get(0);
        assertTrue(e.at().isAfter(before));
        assertTrue(e.at().isBefore(before.plusSeconds(1)));
    }

    @Test
    public void pagingIsExactWithNoGapAndNoDuplicate() throws IOException {
        reopen(4096); // pages cross many segments
        List<Long> expectedA = new ArrayList<>();
        List<Long> expectedAll = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            String task = i % 3 == 0 ? "a" : (i % 3 == 1 ? "b" : "c");
            long id = journal.append(JournalDraft.output(task, 0, "stdout", "line " + i));
            expectedAll.add(id);
            if (task.equals("a")) {
                expectedA.add(id);
            }
        }
        reopen(4096);
        assertTrue(journal.segmentSizes().size() > 5);
        for (int limit : new int[] {1, 2, 7, 50, 1000}) {
            List<Long> seen = new ArrayList<>();
            long after = 0;
            while (true) {
                List<TaskEvent> page = journal.events("a", after, limit);
                assertTrue(page.size() <= limit);
                if (page.isEmpty()) {
                    break;
                }
                page.forEach(e -> assertEquals("a", e.taskId()));
                seen.addAll(ids(page));
                after = page.get(page.size() - 1).id();
            }
            assertEquals("per-task paging with limit " + limit, expectedA, seen);

            List<Long> global = new ArrayList<>();
            after = 0;
            while (true) {
                List<TaskEvent> page = journal.eventsAfter(after, limit, null);
                if (page.isEmpty()) {
                    break;
                }
                global.addAll(ids(page));
                after = page.get(page.size() - 1).id();
            }
            assertEquals("global paging with limit " + limit, expectedAll, global);
        }
        // resuming from an id in the middle, and from an id of another task
        long mid = expectedA.get(100);
        assertEquals(expectedA.subList(101, 111), ids(journal.events("a", mid, 10)));
        long ofB = expectedA.get(100) + 1;
        assertEquals(expectedA.subList(101, 104), ids(journal.events("a", ofB, 3)));
        assertEquals(List.of(), journal.events("a", expectedA.get(expectedA.size() - 1), 10));
        assertEquals(List.of(), journal.events("nobody", 0, 10));
        assertEquals(List.of(), journal.events("a", 0, 0));
        assertThrows(IllegalArgumentException.class, () -> journal.events("a", 0, -1));
    }

    @Test
    public void theGlobalStreamFiltersByTaskAndAsksTheFilterOncePerTask() throws IOException {
        for (int i = 0; i < 300; i++) {
            journal.append(JournalDraft.output("t" + (i % 5), 0, "stdout", "line " + i));
        }
        List<String> asked = new ArrayList<>();
        List<TaskEvent> page = journal.eventsAfter(0, 1000, taskId -> {
            asked.add(taskId);
            return taskId.equals("t1") || taskId.equals("t3");
        });
        assertEquals(120, page.size());
        page.forEach(e -> assertTrue(e.taskId().equals("t1") || e.taskId().equals("t3")));
        assertEquals(5, asked.size());
        assertEquals(List.of(), journal.eventsAfter(0, 10, taskId -> false));
        assertEquals(List.of(2L, 7L), ids(journal.eventsAfter(0, 2, "t1"::equals)));
    }

    @Test
    public void theFilterMayCallBackIntoTheJournal() throws IOException {
        journal.append(JournalDraft.state("a", TaskState.QUEUED, null));
        journal.append(JournalDraft.state("b", TaskState.QUEUED, null));
        List<TaskEvent> page = journal.eventsAfter(0, 10, taskId -> {
            try {
                journal.append(JournalDraft.output("seen", 0, "stdout", taskId));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return !journal.events(taskId, 0, 1).isEmpty() && taskId.equals("b");
        });
        assertEquals(List.of(2L), ids(page));
        // asked for a, b, and "seen" (whose events the scan met after they were appended)
        assertEquals(3, journal.events("seen", 0, 10).size());
    }

    @Test
    public void segmentsRollAtTheConfiguredSizeAndReadsSpanThem() throws IOException {
        reopen(1024);
        List<TaskEvent> appended = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            appended.addAll(journal.append(List.of(JournalDraft.output("t" + (i % 2), 0, "stdout", "x".repeat(40) + i))));
        }
        Map<Path, Long> sizes = journal.segmentSizes();
        assertTrue("rolled: " + sizes, sizes.size() > 10);
        sizes.values().forEach(size -> assertTrue("no segment exceeds the size: " + sizes, size <= 1024));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(sizes.size(), files.filter(p -> p.getFileName().toString().endsWith(".log")).count());
        }
        assertEquals(appended, journal.eventsAfter(0, 1000, null));
        assertEquals(appended.stream().filter(e -> e.taskId().equals("t1")).collect(Collectors.toList()),
                journal.events("t1", 0, 1000));
        reopen(1024);
        assertEquals(appended, journal.eventsAfter(0, 1000, null));
        // a batch bigger than a segment still goes in whole, into a segment of its own
        List<JournalDraft> big = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            big.add(JournalDraft.output("big", 0, "stdout", "y".repeat(100)));
        }
        List<TaskEvent> bigEvents = journal.append(big);
        assertEquals(bigEvents, journal.events("big", 0, 100));
        reopen(1024);
        assertEquals(bigEvents, journal.events("big", 0, 100));
        assertTrue(journal.recoveryProblems().isEmpty());
    }

    @Test
    public void latestStatesSurviveAReopen() throws IOException {
        journal.append(new JournalDraft("q", TaskEvent.CREATED, TaskState.QUEUED, null, "{}", null, null));
        journal.append(JournalDraft.state("r", TaskState.QUEUED, null));
        journal.append(JournalDraft.state("r", TaskState.RUNNING, null));
        journal.append(JournalDraft.output("r", 0, "stdout", "hello"));
        journal.append(JournalDraft.state("w", TaskState.QUEUED, null));
        journal.append(JournalDraft.state("w", TaskState.RUNNING, null));
        journal.append(JournalDraft.state("w", TaskState.WAITING_PERMISSION, "asks"));
        journal.append(JournalDraft.state("s", TaskState.QUEUED, null));
        journal.append(JournalDraft.state("s", TaskState.RUNNING, null));
        journal.append(JournalDraft.state("s", TaskState.SUCCEEDED, null, 0));
        journal.append(JournalDraft.tool("s", 0, "late tool report", 0));
        journal.append(JournalDraft.output("o", 0, "stdout", "output without a state"));
        Map<String, TaskState> expected = Map.of("q", TaskState.QUEUED, "r", TaskState.RUNNING, "w",
                TaskState.WAITING_PERMISSION, "s", TaskState.SUCCEEDED);
        assertEquals(expected, journal.latestStates());
        reopen(64);
        assertEquals(expected, journal.latestStates());
        assertThrows(UnsupportedOperationException.class, () -> journal.latestStates().put("x", TaskState.FAILED));
    }

    @Test
    public void draftsAreValidated() {
        assertThrows(NullPointerException.class, () -> new JournalDraft(null, TaskEvent.STATE, TaskState.QUEUED,
                null, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new JournalDraft("", TaskEvent.STATE, TaskState.QUEUED,
                null, null, null, null));
        assertThrows(NullPointerException.class, () -> new JournalDraft("t", null, null, null, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new JournalDraft("t", TaskEvent.STATE, null, null, null,
                null, null));
        List<JournalDraft> withNull = new ArrayList<>();
        withNull.add(null);
        assertThrows(NullPointerException.class, () -> journal.append(withNull));
        String tooLong = "x".repeat(JournalCodec.MAX_PAYLOAD_BYTES);
        assertThrows(IllegalArgumentException.class,
                () -> journal.append(JournalDraft.output("t", 0, "stdout", tooLong)));
        assertEquals(0, journal.lastEventId());
    }

    @Test
    public void anInterruptedAppenderOrReaderDoesNotBreakTheJournal() throws IOException {
        Thread.currentThread().interrupt();
        try {
            long id = journal.append(JournalDraft.output("t", 0, "stdout", "while interrupted"));
            assertEquals(1, id);
            assertEquals(1, journal.events("t", 0, 10).size());
            assertTrue("the interrupt is kept for the caller", Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
        assertEquals(2, journal.append(JournalDraft.output("t", 0, "stdout", "after")));
        assertEquals(2, journal.events("t", 0, 10).size());
    }

    @Test
    public void aSecondJournalOnTheSameDirectoryIsRefused() {
        IOException e = assertThrows(IOException.class, () -> TaskJournal.open(dir, clock, 4096));
        assertTrue(e.getMessage(), e.getMessage().contains("already open"));
    }

    @Test
    public void afterCloseEverythingIsRefusedAndCloseIsIdempotent() throws IOException {
        journal.append(JournalDraft.state("a", TaskState.QUEUED, null));
        journal.close();
        journal.close();
        assertThrows(IllegalStateException.class, () -> journal.append(JournalDraft.state("a", TaskState.RUNNING,
                null)));
        assertThrows(IllegalStateException.class, () -> journal.events("a", 0, 10));
        assertThrows(IllegalStateException.class, () -> journal.eventsAfter(0, 10, null));
        assertThrows(IllegalStateException.class, () -> journal.prune(null, 0, null));
        assertEquals(1, journal.lastEventId());
        // the lock is released: the directory can be opened again
        journal = TaskJournal.open(dir, clock, 4096);
        assertEquals(1, journal.events("a", 0, 10).size());
    }

    @Test
    public void segmentSizeIsChecked() {
        assertThrows(IllegalArgumentException.class, () -> TaskJournal.open(dir, clock, 10));
        assertThrows(IllegalArgumentException.class, () -> TaskJournal.open(dir, clock, 2L << 30));
    }
}
