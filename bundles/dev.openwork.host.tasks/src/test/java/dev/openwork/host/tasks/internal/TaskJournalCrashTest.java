package dev.openwork.host.tasks.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import dev.openwork.host.api.tasks.TaskEvent;
import java.io.Reader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@code kill -9} while appends are under way: every acknowledged event must be there after a
 * reopen, and the journal must be readable and writable.
 */
public class TaskJournalCrashTest {

    private static final int WRITERS = 4;
    private static final int ACKS_BEFORE_KILL = 500;

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    @Test(timeout = 60_000)
    public void everyAcknowledgedEventSurvivesKill9() throws Exception {
        Path dir = temp.getRoot().toPath().resolve("journal");
        Path stderr = temp.getRoot().toPath().resolve("child.err");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                JournalCrashChild.class.getName(), dir.toString(), String.valueOf(WRITERS), "8192")
                .redirectError(stderr.toFile());
        Process child = builder.start();
        List<long[]> acks = new ArrayList<>();
        try (Reader out = new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII)) {
            StringBuilder line = new StringBuilder();
            boolean killed = false;
            int c;
            while ((c = out.read()) >= 0) {
                if (c != '\n') {
                    line.append((char) c);
                    continue;
                }
                // only a complete line is an acknowledgement; a partial one at the end is dropped
                String[] parts = line.toString().split(" ");
                line.setLength(0);
                acks.add(new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2])});
                if (!killed && acks.size() >= ACKS_BEFORE_KILL) {
                    // SIGKILL: no shutdown hook, no close(). Through the handle, so that the pipe stays
                    // open and the acknowledgements already in it are read too.
                    child.toHandle().destroyForcibly();
                    killed = true;
                }
            }
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        assertTrue("the child acknowledged " + acks.size() + " events before it ended by itself: "
                + Files.readString(stderr), acks.size() >= ACKS_BEFORE_KILL);
        assertEquals("killed by a signal", 137, child.exitValue());

        try (TaskJournal journal = TaskJournal.open(dir, Clock.systemUTC(), 8192)) {
            Map<Long, TaskEvent> byId = new HashMap<>();
            long after = 0;
            while (true) {
                List<TaskEvent> page = journal.eventsAfter(after, 1000, null);
                if (page.isEmpty()) {
                    break;
                }
                for (TaskEvent e : page) {
                    byId.put(e.id(), e);
                    assertEquals("ids stay contiguous", after + 1, e.id());
                    after = e.id();
                }
            }
            for (long[] ack : acks) {
                TaskEvent e = byId.get(ack[0]);
                assertNotNull("acknowledged event " + ack[0] + " is in the journal", e);
                assertEquals("writer-" + ack[1], e.taskId());
                assertTrue(e.text(), e.text().startsWith("writer " + ack[1] + " line " + ack[2] + " "));
            }
            for (int w = 0; w < WRITERS; w++) {
                List<TaskEvent> events = journal.events("writer-" + w, 0, Integer.MAX_VALUE);
                for (int seq = 0; seq < events.size(); seq++) {
                    assertTrue("a writer's events are in its order with no hole",
                            events.get(seq).text().startsWith("writer " + w + " line " + seq + " "));
                }
            }
            assertTrue(journal.lastEventId() >= acks.stream().mapToLong(a -> a[0]).max().orElseThrow());
            long next = journal.append(JournalDraft.output("after", 0, "stdout", "the journal is writable"));
            assertEquals(journal.lastEventId(), next);
            System.out.printf("kill -9 after %d acknowledgements: %d events on disk, recovery: %s%n", acks.size(),
                    byId.size(), journal.recoveryProblems());
        }
        try (TaskJournal journal = TaskJournal.open(dir, Clock.systemUTC(), 8192)) {
            assertEquals(List.of(), journal.recoveryProblems());
        }
    }
}
