package dev.openwork.host.permissions.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.openwork.host.api.permissions.AuditEntry;
import dev.openwork.host.api.permissions.AuditQuery;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class AuditLogTest {

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private static AuditEntry entry(String task, String decision) {
        return new AuditEntry(0, Instant.parse("2026-11-25T10:00:00Z"), task, "dev_1", "shell", "/ws", 0, "bash", "make",
                "ab", decision, "default", "no policy objects", null);
    }

    private static List<Long> seqs(List<AuditEntry> entries) {
        return entries.stream().map(AuditEntry::seq).toList();
    }

    @Test
    public void entriesAreNumberedReadBackAndNumberingGoesOnAfterAReopen() throws Exception {
        Path dir = folder.newFolder("audit").toPath();
        try (AuditLog log = new AuditLog(dir, new AuditLog.Limits(1 << 20, 2))) {
            for (int i = 0; i < 5; i++) {
                assertEquals(i + 1, log.append(entry("task_" + (i % 2), AuditEntry.ALLOW)).seq());
            }
            assertEquals(List.of(4L, 5L), seqs(log.read(new AuditQuery(null, null, 2))));
            assertEquals(List.of(2L, 3L), seqs(log.read(new AuditQuery(1L, null, 2))));
            assertEquals(List.of(2L, 4L), seqs(log.read(new AuditQuery(null, "task_1", 10))));
        }
        try (AuditLog reopened = new AuditLog(dir, new AuditLog.Limits(1 << 20, 2))) {
            assertEquals(6, reopened.append(entry("task_9", AuditEntry.DENY)).seq());
            AuditEntry last = reopened.read(new AuditQuery(null, null, 1)).get(0);
            assertEquals("task_9", last.taskId());
            assertEquals(AuditEntry.DENY, last.decision());
            assertEquals(Instant.parse("2026-11-25T10:00:00Z"), last.at());
        }
    }

    @Test
    public void aLineTornByACrashIsCutOffAndNothingBeforeItIsLost() throws Exception {
        Path dir = folder.newFolder("audit").toPath();
        try (AuditLog log = new AuditLog(dir, new AuditLog.Limits(1 << 20, 2))) {
            log.append(entry("task_1", AuditEntry.ALLOW));
            log.append(entry("task_2", AuditEntry.ALLOW));
        }
        Files.writeString(dir.resolve(AuditLog.FILE_NAME), "{\"seq\":3,\"at\":\"2026-11-", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        try (AuditLog log = new AuditLog(dir, new AuditLog.Limits(1 << 20, 2))) {
            assertEquals(List.of(1L, 2L), seqs(log.read(new AuditQuery(0L, null, 10))));
            assertEquals(3, log.append(entry("task_3", AuditEntry.ALLOW)).seq());
            assertEquals(List.of(1L, 2L, 3L), seqs(log.read(new AuditQuery(0L, null, 10))));
        }
    }

    @Test
    public void aFullFileIsRotatedAndOnlyTheKeptFilesRemain() throws Exception {
        Path dir = folder.newFolder("audit").toPath();
        try (AuditLog log = new AuditLog(dir, new AuditLog.Limits(64 * 1024, 2))) {
            for (int i = 0; i < 1500; i++) {
                log.append(entry("task_" + i, AuditEntry.ALLOW));
            }
            assertTrue(Files.exists(dir.resolve("audit.log.1")));
            assertTrue(Files.exists(dir.resolve("audit.log.2")));
            assertFalse("older files beyond the kept count are deleted", Files.exists(dir.resolve("audit.log.3")));
            List<Long> kept = seqs(log.read(new AuditQuery(null, null, 1000)));
            long first = kept.get(0);
            assertTrue("the oldest entries went with the deleted file: " + first, first > 1 && kept.size() < 1000);
            assertEquals("the newest entries are all there, in order", LongStream.rangeClosed(first, 1500).boxed().toList(),
                    kept);
            assertEquals(List.of(first), seqs(log.read(new AuditQuery(0L, null, 1))));
        }
        try (AuditLog reopened = new AuditLog(dir, new AuditLog.Limits(64 * 1024, 2))) {
            assertEquals(1501, reopened.append(entry("after", AuditEntry.ALLOW)).seq());
        }
    }
}
