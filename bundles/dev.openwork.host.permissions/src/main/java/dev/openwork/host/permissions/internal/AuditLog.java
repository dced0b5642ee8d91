package dev.openwork.host.permissions.internal;

import dev.openwork.host.api.permissions.AuditEntry;
import dev.openwork.host.api.permissions.AuditQuery;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log: one JSON line per decision in {@code <data>/permissions/audit/audit.log},
 * appended and fsynced before the decision takes effect, never rewritten. When the file passes
 * its size limit it becomes {@code audit.log.1} (older ones move up, the oldest beyond the kept
 * count is deleted), so the log keeps the newest decisions within a bounded size. A line torn by a
 * crash is cut off when the log opens; sequence numbers continue across restarts. Thread-safe.
 */
final class AuditLog implements AutoCloseable {

    static final String FILE_NAME = "audit.log";
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final int TAIL_PROBE_BYTES = 64 * 1024;

    /** Size limit and how many rotated files to keep. */
    record Limits(long maxFileBytes, int keepFiles) {
        Limits {
            maxFileBytes = Math.max(64 * 1024, maxFileBytes);
            keepFiles = Math.max(1, keepFiles);
        }
    }

    private final Path folder;
    private final Path current;
    private volatile Limits limits;
    private FileChannel channel;
    private long size;
    private long lastSeq;
    private String lastFailure;

    AuditLog(Path folder, Limits limits) throws IOException {
        this.folder = folder;
        this.current = folder.resolve(FILE_NAME);
        this.limits = limits;
        Files.createDirectories(folder);
        cutTornTail();
        lastSeq = Math.max(lastSeqOf(current), lastSeqOf(rotated(1)));
        channel = FileChannel.open(current, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        size = channel.size();
    }

    void limits(Limits newLimits) {
        this.limits = newLimits;
    }

    /** Appends the entry (its {@code seq} is assigned here) durably and returns it as written. */
    synchronized AuditEntry append(AuditEntry entry) throws IOException {
        if (channel == null) {
            throw new IOException("the audit log is closed");
        }
        AuditEntry numbered = new AuditEntry(lastSeq + 1, entry.at(), entry.taskId(), entry.deviceId(), entry.runtime(),
                entry.workspace(), entry.step(), entry.tool(), entry.subject(), entry.argsHash(), entry.decision(),
                entry.decidedBy(), entry.reason(), entry.promptId());
        byte[] line = (Json.write(numbered) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            if (size > 0 && size + line.length > limits.maxFileBytes()) {
                rotate();
            }
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(false);
        } catch (IOException e) {
            lastFailure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            throw e;
        }
        size += line.length;
        lastSeq = numbered.seq();
        lastFailure = null;
        return numbered;
    }

    /** Why the last append failed, or {@code null} when it succeeded. */
    synchronized String lastFailure() {
        return lastFailure;
    }

    synchronized long lastSeq() {
        return lastSeq;
    }

    /** Reads entries as the query asks, oldest first. */
    synchronized List<AuditEntry> read(AuditQuery query) throws IOException {
        int limit = Math.max(1, Math.min(AuditQuery.MAX_LIMIT, query.limit()));
        List<Path> newestFirst = new ArrayList<>();
        newestFirst.add(current);
        for (int i = 1; i <= limits.keepFiles() + 1 && Files.exists(rotated(i)); i++) {
            newestFirst.add(rotated(i));
        }
        if (query.afterSeq() != null) {
            List<AuditEntry> out = new ArrayList<>();
            for (int i = newestFirst.size() - 1; i >= 0 && out.size() < limit; i--) {
                for (AuditEntry entry : entries(newestFirst.get(i))) {
                    if (entry.seq() > query.afterSeq() && matches(entry, query) && out.size() < limit) {
                        out.add(entry);
                    }
                }
            }
            return out;
        }
        Deque<AuditEntry> newest = new ArrayDeque<>();
        for (Path file : newestFirst) {
            List<AuditEntry> entries = entries(file);
            for (int i = entries.size() - 1; i >= 0 && newest.size() < limit; i--) {
                if (matches(entries.get(i), query)) {
                    newest.addFirst(entries.get(i));
                }
            }
            if (newest.size() >= limit) {
                break;
            }
        }
        return new ArrayList<>(newest);
    }

    private static boolean matches(AuditEntry entry, AuditQuery query) {
        return query.taskId() == null || query.taskId().equals(entry.taskId());
    }

    private static List<AuditEntry> entries(Path file) throws IOException {
        List<AuditEntry> entries = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    try {
                        entries.add(Json.MAPPER.readValue(line, AuditEntry.class));
                    } catch (IOException e) {
                        LOG.warn("Skipping an unreadable line of the audit log {}", file);
                    }
                }
            }
        } catch (NoSuchFileException e) {
            return entries;
        }
        return entries;
    }

    private void rotate() throws IOException {
        channel.close();
        int keep = limits.keepFiles();
        for (int i = keep + 1; Files.exists(rotated(i)); i++) {
            Files.delete(rotated(i)); // the kept count was lowered
        }
        Files.deleteIfExists(rotated(keep));
        for (int i = keep - 1; i >= 1; i--) {
            if (Files.exists(rotated(i))) {
                Files.move(rotated(i), rotated(i + 1), StandardCopyOption.ATOMIC_MOVE);
            }
        }
        Files.move(current, rotated(1), StandardCopyOption.ATOMIC_MOVE);
        channel = FileChannel.open(current, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        size = 0;
        try (FileChannel directory = FileChannel.open(folder, StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException notSupported) {
            // a file system that cannot sync a directory
        }
    }

    private Path rotated(int n) {
        return folder.resolve(FILE_NAME + "." + n);
    }

    /** A crash may leave half a line at the end: cut the file after its last complete line. */
    private void cutTornTail() throws IOException {
        if (!Files.exists(current)) {
            return;
        }
        try (FileChannel file = FileChannel.open(current, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long length = file.size();
            if (length == 0) {
                return;
            }
            long from = Math.max(0, length - TAIL_PROBE_BYTES);
            ByteBuffer tail = ByteBuffer.allocate((int) (length - from));
            file.read(tail, from);
            byte[] bytes = tail.array();
            if (bytes[bytes.length - 1] == '\n') {
                return;
            }
            int lastNewline = bytes.length - 1;
            while (lastNewline >= 0 && bytes[lastNewline] != '\n') {
                lastNewline--;
            }
            long keep = lastNewline < 0 ? (from == 0 ? 0 : length) : from + lastNewline + 1;
            if (keep < length) {
                LOG.warn("The audit log {} ended in a torn line ({} bytes); it was cut off", current, length - keep);
                file.truncate(keep);
                file.force(true);
            }
        }
    }

    /** The seq of the last line of a file, or 0. */
    private static long lastSeqOf(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long length = channel.size();
            long from = Math.max(0, length - TAIL_PROBE_BYTES);
            ByteBuffer tail = ByteBuffer.allocate((int) (length - from));
            channel.read(tail, from);
            String text = new String(tail.array(), StandardCharsets.UTF_8);
            String[] lines = text.split("\n");
            for (int i = lines.length - 1; i >= 0; i--) {
                if (!lines[i].isBlank()) {
                    try {
                        return Json.MAPPER.readValue(lines[i], AuditEntry.class).seq();
                    } catch (IOException partial) {
                        // the probe started mid-line, or the line is damaged: try the one before
                    }
                }
            }
            return 0;
        }
    }

    @Override
    public synchronized void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.warn("Closing the audit log failed", e);
            }
            channel = null;
        }
    }
}
