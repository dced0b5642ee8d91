package dev.openwork.host.tasks.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.openwork.host.api.tasks.TaskEvent;
import dev.openwork.host.api.tasks.TaskState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class TaskJournalRetentionTest {

    private static final long SEGMENT = 1024;

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    private Path dir;
    private JournalTestClock clock;
    private TaskJournal journal;

    @Before
    public void setUp() throws IOException {
        dir = temp.getRoot().toPath().resolve("journal");
        clock = new JournalTestClock(Instant.parse("2026-01-01T00:00:00Z"));
        journal = TaskJournal.open(dir, clock, SEGMENT);
    }

    @After
    public void tearDown() throws IOException {
        journal.close();
    }

    /** A whole task life in one append bigger than a segment: it fills segments of its own. */
    private List<TaskEvent> finishedTaskAlone(String taskId) throws IOException {
        List<JournalDraft> drafts = new ArrayList<>();
        drafts.add(JournalDraft.state(taskId, TaskState.QUEUED, null));
        drafts.add(JournalDraft.state(taskId, TaskState.RUNNING, null));
        for (int i = 0; i < 20; i++) {
            drafts.add(JournalDraft.output(taskId, 0, "stdout", "output line number " + i + " of " + taskId));
        }
        drafts.add(JournalDraft.state(taskId, TaskState.SUCCEEDED, null, 0));
        return journal.append(drafts);
    }

    private List<TaskEvent> all(String taskId) {
        return journal.events(taskId, 0, 10_000);
    }

    @Test
    public void keepsSegmentsOfActiveTasksAndDeletesOldFinishedOnes() throws IOException {
        List<TaskEvent> a = finishedTaskAlone("A");
        // B runs for a long time; C starts and finishes meanwhile, their events interleaved
        List<TaskEvent> b = new ArrayList<>();
        List<TaskEvent> c = new ArrayList<>();
        b.addAll(journal.append(List.of(JournalDraft.state("B", TaskState.QUEUED, null))));
        b.addAll(journal.append(List.of(JournalDraft.state("B", TaskState.RUNNING, null))));
        c.addAll(journal.append(List.of(JournalDraft.state("C", TaskState.QUEUED, null))));
        for (int i = 0; i < 30; i++) {
            b.addAll(journal.append(List.of(JournalDraft.output("B", 0, "stdout", "b line " + i))));
            c.addAll(journal.append(List.of(JournalDraft.output("C", 0, "stdout", "c line " + i))));
        }
        c.addAll(journal.append(List.of(JournalDraft.state("C", TaskState.FAILED, "exit 1", 1))));
        clock.advance(Duration.ofDays(10));
        List<TaskEvent> d = finishedTaskAlone("D");
        List<TaskEvent> e = journal.append(List.of(JournalDraft.state("E", TaskState.QUEUED, null)));
        int segmentsBefore = journal.segmentSizes().size();
        Path firstSegment = dir.resolve(JournalSegment.fileName(1));
        assertTrue(Files.exists(firstSegment));

        // 1. by age: only A's segments are old and hold finished tasks only; B is running
        TaskJournal.PruneResult byAge = journal.prune(Duration.ofDays(7), Long.MAX_VALUE, Set.of());
        assertTrue(byAge.toString(), byAge.segmentsDeleted() >= 1);
        assertTrue(byAge.bytesDeleted() > 0);
        assertEquals(Set.of("A"), byAge.tasksRemoved());
        assertFalse(Files.exists(firstSegment));
        assertEquals(List.of(), all("A"));
        assertEquals(b, all("B"));
        assertEquals(c, all("C"));
        assertEquals(d, all("D"));
        assertEquals(e, all("E"));
        assertFalse(journal.latestStates().containsKey("A"));
        assertEquals(segmentsBefore - byAge.segmentsDeleted(), journal.segmentSizes().size());

        // 2. by size: D is recent but over the limit; the owner still holds D as active, so it stays
        TaskJournal.PruneResult kept = journal.prune(null, 0, Set.of("D"));
        assertEquals(0, kept.segmentsDeleted());
        assertEquals(d, all("D"));
        TaskJournal.PruneResult bySize = journal.prune(null, 0, Set.of());
        assertEquals(Set.of("D"), bySize.tasksRemoved());
        assertEquals(List.of(), all("D"));
        assertEquals("B's segments stay while B runs", b, all("B"));
        assertEquals(c, all("C"));
        assertEquals("the segment being written is never deleted", e, all("E"));

        // 3. B finishes: now its old segments may go; its final event stays in the current segment
        TaskEvent bDone = journal.append(List.of(JournalDraft.state("B", TaskState.SUCCEEDED, null, 0))).get(0);
        TaskJournal.PruneResult afterB = journal.prune(null, 0, Set.of());
        assertTrue(afterB.tasksRemoved().contains("C"));
        assertFalse("B keeps the event in the current segment", afterB.tasksRemoved().contains("B"));
        assertEquals(List.of(bDone), all("B"));
        assertEquals(e, all("E"));
        assertEquals(Map.of("B", TaskState.SUCCEEDED, "E", TaskState.QUEUED), journal.latestStates());
        assertEquals(1, journal.segmentSizes().size());

        // the files and the index agree after a reopen
        journal.close();
        journal = TaskJournal.open(dir, clock, SEGMENT);
        assertEquals(List.of(), journal.recoveryProblems());
        List<TaskEvent> left = journal.eventsAfter(0, 1000, null);
        assertEquals(List.of(e.get(0), bDone), left);
        long next = journal.append(JournalDraft.state("E", TaskState.RUNNING, null));
        assertEquals("ids continue after pruned ones", bDone.id() + 1, next);
    }

    @Test
    public void bySizeDeletesOldestFirstOnlyAsMuchAsNeeded() throws IOException {
        finishedTaskAlone("G1");
        finishedTaskAlone("G2");
        finishedTaskAlone("G3");
        journal.append(JournalDraft.state("H", TaskState.QUEUED, null));
        Map<Path, Long> sizes = journal.segmentSizes();
        long total = sizes.values().stream().mapToLong(Long::longValue).sum();
        long first = sizes.values().iterator().next();
        TaskJournal.PruneResult result = journal.prune(null, total - first, Set.of());
        assertEquals(1, result.segmentsDeleted());
        assertEquals(first, result.bytesDeleted());
        assertEquals(Set.of("G1"), result.tasksRemoved());
        assertEquals(List.of(), all("G1"));
        assertEquals(23, all("G2").size());
        assertEquals(23, all("G3").size());
        assertEquals(0, journal.prune(Duration.ofDays(1), total, Set.of()).segmentsDeleted());
    }

    @Test
    public void aTaskWithoutAnyStateIsNeverConsideredFinished() throws IOException {
        List<JournalDraft> drafts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            drafts.add(JournalDraft.output("orphan", 0, "stdout", "line " + i));
        }
        journal.append(drafts);
        journal.append(JournalDraft.state("next", TaskState.QUEUED, null));
        clock.advance(Duration.ofDays(100));
        assertEquals(0, journal.prune(Duration.ofDays(1), 0, Set.of()).segmentsDeleted());
        assertEquals(40, all("orphan").size());
    }

    @Test
    public void argumentsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> journal.prune(null, -1, Set.of()));
        assertEquals(0, journal.prune(Duration.ZERO, 0, null).segmentsDeleted());
    }
}
