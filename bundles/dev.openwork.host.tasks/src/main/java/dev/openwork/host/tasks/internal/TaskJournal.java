package dev.openwork.host.tasks.internal;

import dev.openwork.host.api.tasks.TaskEvent;
import dev.openwork.host.api.tasks.TaskState;
import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable store of every {@link TaskEvent} of every task: append-only segment files in one
 * directory ({@code <data>/tasks/journal/}), an in-memory index, and retention by whole segments.
 * Plain Java and thread-safe.
 *
 * <h2>Writing</h2>
 * {@link #append(List)} assigns ids (monotonic across all tasks, continuing after a restart) and
 * times (from the {@link Clock}), writes the records, and returns only once they are on disk
 * ({@code fsync}): an event that was returned survives {@code kill -9} and a power cut.
 * Concurrent appenders share their {@code fsync} (group commit): while one of them syncs, the
 * others write their records behind it and the next sync covers all of them.
 *
 * <h2>Reading</h2>
 * Only acknowledged (durable) events are ever visible, in id order and without gaps within a run
 * of the journal, so a client that pages with the last id it saw never misses or repeats one.
 * Reads copy locations out of the index under a short read lock and read the files through their
 * own handles, so they never hold up appends.
 *
 * <h2>Recovery</h2>
 * {@link #open} scans every segment. A torn or corrupt record at the end of the last segment (an
 * append that a crash interrupted) is truncated away; corruption inside an older segment ends the
 * reading of that segment there and is reported in {@link #recoveryProblems()}; every record
 * before either is kept. The latest state of every task is rebuilt ({@link #latestStates()}).
 *
 * <h2>Format</h2>
 * See {@link JournalCodec}. Segments are named {@code segment-<first id, 20 digits>.log}.
 */
public final class TaskJournal implements Closeable {

    /** Size at which a segment is closed and a new one started. */
    public static final long DEFAULT_SEGMENT_BYTES = 16L * 1024 * 1024;
    static final long MIN_SEGMENT_BYTES = 64;
    static final long MAX_SEGMENT_BYTES = 1L << 30;
    /** The most bytes one {@link #append(List)} call may write. */
    static final int MAX_BATCH_BYTES = 4 * JournalCodec.MAX_PAYLOAD_BYTES;
    static final String LOCK_FILE = "journal.lock";

    private static final Logger LOG = LoggerFactory.getLogger(TaskJournal.class);
    private static final int READ_CHUNK = 32 * 1024;
    private static final int SCAN_CHUNK = 1024 * 1024;
    /** How many index entries {@link #eventsAfter} scans per hold of the index lock. */
    private static final int SCAN_BUDGET = 64 * 1024;

    /** Something recovery found wrong, and what it did about it. */
    public record Problem(Path segment, long offset, String reason, boolean truncated) {
    }

    /** What {@link #prune} removed. */
    public record PruneResult(int segmentsDeleted, long bytesDeleted, Set<String> tasksRemoved) {
    }

    private final Path directory;
    private final Clock clock;
    private final long segmentBytes;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final List<Problem> problems = new ArrayList<>();
    private volatile List<Problem> recoveryProblems = List.of();

    /* Writing, guarded by writeLock. */
    private final ReentrantLock writeLock = new ReentrantLock();
    private volatile Writer writer;
    private long writePosition;
    private long nextId;
    /** The id of the last event written to a file (not necessarily synced). */
    private volatile long writtenId;
    /** Written but not yet published events, in id order. */
    private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();

    /* Group commit, guarded by syncLock. */
    private final ReentrantLock syncLock = new ReentrantLock();
    private final Condition syncDone = syncLock.newCondition();
    private boolean syncing;
    private long syncedId;
    private volatile IOException failure;
    private final AtomicLong syncCount = new AtomicLong();
    /** Test seam: runs at the start of every group sync, before it decides what the sync covers. */
    volatile Runnable beforeSync;

    /* The index, guarded by indexLock. */
    private final ReentrantReadWriteLock indexLock = new ReentrantReadWriteLock();
    private final List<JournalSegment> segments = new ArrayList<>();
    private final Map<String, TaskEntry> tasks = new HashMap<>();
    private final List<String> taskNames = new ArrayList<>();
    private volatile long lastEventId;

    /** Held shared by reads while they read files, exclusively while segments are deleted or closed. */
    private final ReentrantReadWriteLock fileLock = new ReentrantReadWriteLock();
    private volatile boolean closed;
    private final AtomicBoolean closing = new AtomicBoolean();

    private TaskJournal(Path directory, Clock clock, long segmentBytes, FileChannel lockChannel, FileLock lock) {
        this.directory = directory;
        this.clock = clock;
        this.segmentBytes = segmentBytes;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** The journal's directory inside the host's data directory: {@code <data>/tasks/journal}. */
    public static Path directoryIn(Path dataDirectory) {
        return dataDirectory.resolve("tasks").resolve("journal");
    }

    /** Opens (creating it when needed) the journal in {@code <data>/tasks/journal} with the defaults. */
    public static TaskJournal openInDataDirectory(Path dataDirectory) throws IOException {
        return open(directoryIn(dataDirectory), Clock.systemUTC(), DEFAULT_SEGMENT_BYTES);
    }

    /**
     * Opens the journal in {@code directory}, creating it when needed, and recovers it.
     *
     * @param clock        where event times come from
     * @param segmentBytes the size at which a new segment is started
     * @throws IOException when the directory cannot be used or another journal has it open
     */
    public static TaskJournal open(Path directory, Clock clock, long segmentBytes) throws IOException {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(clock, "clock");
        if (segmentBytes < MIN_SEGMENT_BYTES || segmentBytes > MAX_SEGMENT_BYTES) {
            throw new IllegalArgumentException("segmentBytes must be between " + MIN_SEGMENT_BYTES + " and "
                    + MAX_SEGMENT_BYTES + ", not " + segmentBytes);
        }
        Files.createDirectories(directory);
        FileChannel lockChannel = FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            lockChannel.close();
            throw e;
        }
        if (lock == null) {
            lockChannel.close();
            throw new IOException("The task journal in " + directory + " is already open (in this or another process).");
        }
        TaskJournal journal = new TaskJournal(directory, clock, segmentBytes, lockChannel, lock);
        journal.writeLock.lock();
        journal.syncLock.lock();
        journal.indexLock.writeLock().lock();
        try {
            journal.recover();
        } catch (IOException | RuntimeException | Error e) {
            journal.closeFiles();
            throw e;
        } finally {
            journal.indexLock.writeLock().unlock();
            journal.syncLock.unlock();
            journal.writeLock.unlock();
        }
        return journal;
    }

    // ------------------------------------------------------------------------------------------
    // Appending

    /** Appends one event; returns its id once it is durable. */
    public long append(JournalDraft draft) throws IOException {
        return append(List.of(draft)).get(0).id();
    }

    /**
     * Appends events (in this order, with consecutive ids) and returns them as journaled once they
     * are durable. Either all of them are written or, when this throws, none is acknowledged.
     *
     * @throws IOException           when the journal cannot write or sync (after a failed sync the
     *                               journal refuses further appends; reopen it)
     * @throws IllegalStateException when the journal is closed
     */
    public List<TaskEvent> append(List<JournalDraft> drafts) throws IOException {
        Objects.requireNonNull(drafts, "drafts");
        if (drafts.isEmpty()) {
            return List.of();
        }
        JournalDraft[] copy = drafts.toArray(new JournalDraft[0]);
        int n = copy.length;
        // Encode outside the lock, with placeholders for the id and the time.
        byte[][] payloads = new byte[n][];
        long total = 0;
        for (int i = 0; i < n; i++) {
            JournalDraft draft = Objects.requireNonNull(copy[i], "draft");
            payloads[i] = JournalCodec.encode(draft.toEvent(0, Instant.EPOCH));
            total += JournalCodec.FRAME_HEADER_BYTES + payloads[i].length;
            if (total > MAX_BATCH_BYTES) {
                throw new IllegalArgumentException("one append may write at most " + MAX_BATCH_BYTES + " bytes");
            }
        }
        ByteBuffer batch = ByteBuffer.allocate((int) total);
        for (byte[] payload : payloads) {
            batch.putInt(payload.length).putInt(0).put(payload);
        }

        List<TaskEvent> events = new ArrayList<>(n);
        long lastId;
        writeLock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("The task journal is closed.");
            }
            throwIfFailed();
            if (writePosition > JournalCodec.SEGMENT_HEADER_BYTES && writePosition + total > segmentBytes) {
                roll();
            }
            long firstId = nextId;
            int at = 0;
            for (int i = 0; i < n; i++) {
                long id = firstId + i;
                Instant time = clock.instant();
                int length = payloads[i].length;
                ByteBuffer payload = batch.duplicate().position(at + JournalCodec.FRAME_HEADER_BYTES);
                JournalCodec.stamp(payload, id, time);
                batch.putInt(at + 4, JournalCodec.crc(payload, length));
                events.add(copy[i].toEvent(id, time));
                at += JournalCodec.FRAME_HEADER_BYTES + length;
            }
            Writer w = writer;
            long position = writePosition;
            try {
                w.file.seek(position);
                w.file.write(batch.array(), 0, (int) total);
            } catch (IOException e) {
                undoWrite(w, position, e);
                throw e;
            }
            writePosition = position + total;
            nextId = firstId + n;
            long offset = position;
            for (int i = 0; i < n; i++) {
                long end = offset + JournalCodec.FRAME_HEADER_BYTES + payloads[i].length;
                pending.add(new Pending(w.segment, offset, end, events.get(i)));
                offset = end;
            }
            lastId = firstId + n - 1;
            writtenId = lastId;
        } finally {
            writeLock.unlock();
        }
        awaitDurable(lastId);
        return Collections.unmodifiableList(events);
    }

    /** A failed write may have left part of the batch: cut it off, or stop the journal if that fails. */
    private void undoWrite(Writer w, long position, IOException cause) {
        try {
            w.file.setLength(position);
        } catch (IOException e) {
            e.addSuppressed(cause);
            fail(e);
        }
    }

    /** Starts a new segment; everything written to the old one is synced first. Under writeLock. */
    private void roll() throws IOException {
        Writer old = writer;
        JournalSegment segment = new JournalSegment(directory.resolve(JournalSegment.fileName(nextId)), nextId);
        RandomAccessFile file = createSegmentFile(segment.path);
        try {
            old.file.getFD().sync();
        } catch (IOException e) {
            closeQuietly(file);
            fail(e);
            throw e;
        }
        segment.bytes(JournalCodec.SEGMENT_HEADER_BYTES);
        indexLock.writeLock().lock();
        try {
            old.segment.seal(writtenId);
            segments.add(segment);
        } finally {
            indexLock.writeLock().unlock();
        }
        writer = new Writer(segment, file);
        writePosition = JournalCodec.SEGMENT_HEADER_BYTES;
        closeQuietly(old.file);
    }

    /** Creates a segment file with its header, both on disk before it is used. */
    private RandomAccessFile createSegmentFile(Path path) throws IOException {
        if (Files.exists(path) && Files.size(path) > JournalCodec.SEGMENT_HEADER_BYTES) {
            throw new IOException("The segment " + path + " already exists.");
        }
        if (!Files.exists(path) && directory.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            // task output may hold secrets: the owner only
            Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw");
        try {
            file.setLength(0);
            file.write(JournalCodec.segmentHeader().array());
            file.getFD().sync();
            syncDirectory();
            return file;
        } catch (IOException | RuntimeException e) {
            closeQuietly(file);
            throw e;
        }
    }

    /** Makes a created or deleted file's directory entry durable (where the platform allows it). */
    private void syncDirectory() {
        boolean interrupted = Thread.interrupted();
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            LOG.debug("Cannot sync the directory {}: {}", directory, e.toString());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Returns once the event with this id is on disk. Whoever finds no sync running becomes the
     * leader: it syncs everything written so far and publishes it; the others wait for it.
     */
    private void awaitDurable(long id) throws IOException {
        syncLock.lock();
        try {
            while (syncedId < id) {
                throwIfFailed();
                if (syncing) {
                    syncDone.awaitUninterruptibly();
                    continue;
                }
                syncing = true;
                syncLock.unlock();
                long target = -1;
                Throwable error = null;
                try {
                    Runnable hook = beforeSync;
                    if (hook != null) {
                        hook.run();
                    }
                    // Read the target before the writer: events up to it are either in this writer's
                    // file or in an older one that roll() synced before it switched writers.
                    target = writtenId;
                    Writer w = writer;
                    try {
                        w.file.getFD().sync();
                    } catch (IOException e) {
                        if (w == writer) {
                            throw e;
                        }
                    }
                    syncCount.incrementAndGet();
                    publish(target);
                } catch (Throwable t) {
                    error = t;
                } finally {
                    syncLock.lock();
                    syncing = false;
                }
                if (error == null) {
                    syncedId = Math.max(syncedId, target);
                } else {
                    fail(error instanceof IOException io ? io : new IOException("The journal's sync failed.", error));
                }
                syncDone.signalAll();
            }
        } finally {
            syncLock.unlock();
        }
    }

    private void fail(IOException cause) {
        if (failure == null) {
            failure = cause;
            LOG.error("The task journal in {} failed and accepts no more events until it is reopened.", directory,
                    cause);
        }
    }

    private void throwIfFailed() throws IOException {
        IOException cause = failure;
        if (cause != null) {
            throw new IOException("The task journal failed (" + cause.getMessage() + "); reopen it.", cause);
        }
    }

    /** Makes written events up to {@code target} visible, in id order. Only the sync leader calls it. */
    private void publish(long target) {
        indexLock.writeLock().lock();
        try {
            Pending p;
            while ((p = pending.peek()) != null && p.event.id() <= target) {
                pending.poll();
                index(p.segment, p.offset, p.end, p.event);
            }
        } finally {
            indexLock.writeLock().unlock();
        }
    }

    /** Adds one event to the index. Under the index write lock (or during recovery). */
    private void index(JournalSegment segment, long offset, long end, TaskEvent event) {
        TaskEntry task = tasks.get(event.taskId());
        if (task == null) {
            task = new TaskEntry(taskNames.size());
            taskNames.add(event.taskId());
            tasks.put(event.taskId(), task);
        }
        task.add(event.id());
        if (event.state() != null) {
            task.state = event.state(); // STATE events, and CREATED (queued)
        }
        segment.add(event.id(), offset, task.ref, event.at(), end);
        lastEventId = event.id();
    }

    // ------------------------------------------------------------------------------------------
    // Reading

    /**
     * The events of one task with ids above {@code afterEventId}, oldest first, at most {@code limit}.
     *
     * @throws UncheckedIOException  when a file cannot be read
     * @throws IllegalStateException when the journal is closed
     */
    public List<TaskEvent> events(String taskId, long afterEventId, int limit) {
        Objects.requireNonNull(taskId, "taskId");
        checkLimit(limit);
        fileLock.readLock().lock();
        try {
            ensureOpen();
            List<Location> locations = new ArrayList<>();
            indexLock.readLock().lock();
            try {
                TaskEntry task = tasks.get(taskId);
                if (task == null || limit == 0) {
                    return List.of();
                }
                int from = task.firstAfter(afterEventId);
                int to = (int) Math.min(task.size, (long) from + limit);
                for (int i = from; i < to; i++) {
                    locations.add(locate(task.ids[i]));
                }
            } finally {
                indexLock.readLock().unlock();
            }
            return read(locations);
        } finally {
            fileLock.readLock().unlock();
        }
    }

    /**
     * The events of all tasks (or of those {@code taskFilter} accepts, {@code null} for all) with
     * ids above {@code afterEventId}, in id order, at most {@code limit}. The filter is asked once
     * per task and call, outside the journal's locks.
     *
     * @throws UncheckedIOException  when a file cannot be read
     * @throws IllegalStateException when the journal is closed
     */
    public List<TaskEvent> eventsAfter(long afterEventId, int limit, Predicate<String> taskFilter) {
        checkLimit(limit);
        fileLock.readLock().lock();
        try {
            ensureOpen();
            List<Location> locations = new ArrayList<>();
            Map<Integer, Boolean> verdicts = new HashMap<>();
            long cursor = afterEventId;
            boolean more = limit > 0;
            while (more) {
                more = false;
                int unknownRef = -1;
                String unknownTask = null;
                indexLock.readLock().lock();
                try {
                    int budget = SCAN_BUDGET;
                    scan:
                    for (int s = segmentFor(cursor + 1); s < segments.size(); s++) {
                        JournalSegment segment = segments.get(s);
                        for (int i = segment.firstAfter(cursor); i < segment.count(); i++) {
                            int ref = segment.taskRef(i);
                            Boolean accepted = taskFilter == null ? Boolean.TRUE : verdicts.get(ref);
                            if (accepted == null || budget-- == 0) {
                                // ask the filter (or let appends in) without the lock, then go on from here
                                if (accepted == null) {
                                    unknownRef = ref;
                                    unknownTask = taskNames.get(ref);
                                }
                                more = true;
                                break scan;
                            }
                            cursor = segment.id(i);
                            if (accepted) {
                                locations.add(new Location(segment, segment.offset(i), cursor));
                                if (locations.size() == limit) {
                                    break scan;
                                }
                            }
                        }
                    }
                } finally {
                    indexLock.readLock().unlock();
                }
                if (unknownTask != null) {
                    verdicts.put(unknownRef, taskFilter.test(unknownTask));
                }
            }
            return read(locations);
        } finally {
            fileLock.readLock().unlock();
        }
    }

    /** The id of the newest durable event (0 when there has never been one). */
    public long lastEventId() {
        return lastEventId;
    }

    /**
     * The latest journaled state of every task that has an event with a state ({@link TaskEvent#STATE},
     * or the queued state of a task's first event), so the owner finds, after a restart, the tasks
     * that were not over when the host stopped.
     */
    public Map<String, TaskState> latestStates() {
        indexLock.readLock().lock();
        try {
            Map<String, TaskState> states = new TreeMap<>();
            tasks.forEach((taskId, task) -> {
                if (task.state != null) {
                    states.put(taskId, task.state);
                }
            });
            return Collections.unmodifiableMap(states);
        } finally {
            indexLock.readLock().unlock();
        }
    }

    /** What recovery found wrong when the journal was opened (empty when nothing). */
    public List<Problem> recoveryProblems() {
        return recoveryProblems;
    }

    /** The journal's directory. */
    public Path directory() {
        return directory;
    }

    /** How many group syncs ran (for tests and benchmarks). */
    long syncCount() {
        return syncCount.get();
    }

    /** The id of the last event written to the file, synced or not (for tests). */
    long writtenId() {
        return writtenId;
    }

    private static void checkLimit(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("The task journal is closed.");
        }
    }

    /** The index of the segment that holds (or would hold) this id. Under the index lock. */
    private int segmentFor(long id) {
        int low = 0;
        int high = segments.size() - 1;
        int found = 0;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (segments.get(mid).firstId <= id) {
                found = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return found;
    }

    private Location locate(long id) {
        JournalSegment segment = segments.get(segmentFor(id));
        int index = segment.indexOf(id);
        if (index < 0) {
            throw new IllegalStateException("The journal's index has no location for event " + id + ".");
        }
        return new Location(segment, segment.offset(index), id);
    }

    private List<TaskEvent> read(List<Location> locations) {
        if (locations.isEmpty()) {
            return List.of();
        }
        List<TaskEvent> events = new ArrayList<>(locations.size());
        try (RecordReader reader = new RecordReader(READ_CHUNK)) {
            for (Location location : locations) {
                TaskEvent event = readRecord(reader, location);
                if (event.id() != location.id) {
                    throw new IOException("Event " + location.id + " in " + location.segment.path + " at "
                            + location.offset + " reads as event " + event.id() + ".");
                }
                events.add(event);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the task journal in " + directory + ".", e);
        }
        return Collections.unmodifiableList(events);
    }

    /** Reads an indexed record; a mismatch in buffered bytes is retried once from the file. */
    private static TaskEvent readRecord(RecordReader reader, Location location) throws IOException {
        IOException first = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            boolean fresh = attempt > 0;
            try {
                ByteBuffer head = reader.bytes(location.segment, location.offset, JournalCodec.FRAME_HEADER_BYTES,
                        fresh);
                if (head == null) {
                    throw new IOException("the file ends inside the record header");
                }
                int length = head.getInt(0);
                int crc = head.getInt(4);
                if (length <= 0 || length > JournalCodec.MAX_PAYLOAD_BYTES) {
                    throw new IOException("bad record length " + length);
                }
                ByteBuffer payload = reader.bytes(location.segment,
                        location.offset + JournalCodec.FRAME_HEADER_BYTES, length, false);
                if (payload == null) {
                    throw new IOException("the file ends inside the record");
                }
                if (JournalCodec.crc(payload, length) != crc) {
                    throw new IOException("CRC mismatch");
                }
                return JournalCodec.decode(payload);
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        throw new IOException("Cannot read event " + location.id + " in " + location.segment.path + " at "
                + location.offset + ": " + first.getMessage(), first);
    }

    // ------------------------------------------------------------------------------------------
    // Retention

    /**
     * Deletes whole segments, oldest first, that hold events of finished tasks only (their latest
     * journaled state is terminal and they are not in {@code activeTaskIds}) and that are older than
     * {@code maxAge} (by their newest event) or needed to bring the journal down to {@code maxBytes}.
     * A segment with an event of an unfinished task, and the segment being written, are never
     * deleted. A task whose events are all gone leaves the index ({@link PruneResult#tasksRemoved}).
     *
     * @param maxAge        how long to keep events, or {@code null} for no age limit
     * @param maxBytes      the size to keep the journal under ({@link Long#MAX_VALUE} for no limit)
     * @param activeTaskIds tasks the owner still runs or plans to, whatever the journal says
     */
    public PruneResult prune(Duration maxAge, long maxBytes, Set<String> activeTaskIds) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must not be negative: " + maxBytes);
        }
        Set<String> active = activeTaskIds == null ? Set.of() : activeTaskIds;
        long cutoff = maxAge == null ? Long.MIN_VALUE : clock.millis() - saturatedMillis(maxAge);
        fileLock.writeLock().lock();
        try {
            ensureOpen();
            List<JournalSegment> doomed = new ArrayList<>();
            indexLock.readLock().lock();
            try {
                long total = 0;
                for (JournalSegment segment : segments) {
                    total += segment.bytes();
                }
                for (JournalSegment segment : segments) {
                    long sealedAt = segment.sealedAtId();
                    if (sealedAt < 0 || lastEventId < sealedAt) {
                        continue; // still written to, or not all of its events are published yet
                    }
                    boolean old = segment.newestMillis() < cutoff;
                    boolean over = total > maxBytes;
                    if ((old || over) && onlyFinishedTasks(segment, active)) {
                        doomed.add(segment);
                        total -= segment.bytes();
                    }
                }
            } finally {
                indexLock.readLock().unlock();
            }
            List<JournalSegment> deleted = new ArrayList<>();
            long bytes = 0;
            for (JournalSegment segment : doomed) {
                try {
                    Files.deleteIfExists(segment.path);
                    deleted.add(segment);
                    bytes += segment.bytes();
                } catch (IOException e) {
                    LOG.warn("Cannot delete the task journal segment {}: {}", segment.path, e.toString());
                }
            }
            if (deleted.isEmpty()) {
                return new PruneResult(0, 0, Set.of());
            }
            syncDirectory();
            Set<String> removed = new LinkedHashSet<>();
            indexLock.writeLock().lock();
            try {
                for (JournalSegment segment : deleted) {
                    unindex(segment, removed);
                }
            } finally {
                indexLock.writeLock().unlock();
            }
            LOG.info("Task journal retention deleted {} segment(s), {} bytes; {} task(s) left the journal.",
                    deleted.size(), bytes, removed.size());
            return new PruneResult(deleted.size(), bytes, Collections.unmodifiableSet(removed));
        } finally {
            fileLock.writeLock().unlock();
        }
    }

    private static long saturatedMillis(Duration duration) {
        try {
            return duration.toMillis();
        } catch (ArithmeticException e) {
            return duration.isNegative() ? Long.MIN_VALUE / 2 : Long.MAX_VALUE / 2;
        }
    }

    /** Under the index lock. */
    private boolean onlyFinishedTasks(JournalSegment segment, Set<String> active) {
        for (int ref : segment.distinctTaskRefs()) {
            String taskId = taskNames.get(ref);
            TaskEntry task = tasks.get(taskId);
            if (active.contains(taskId) || task == null || task.state == null || !task.state.isTerminal()) {
                return false;
            }
        }
        return true;
    }

    /** Removes a deleted segment from the index. Under the index write lock. */
    private void unindex(JournalSegment segment, Set<String> removed) {
        segments.remove(segment);
        if (segment.count() == 0) {
            return;
        }
        for (int ref : segment.distinctTaskRefs()) {
            String taskId = taskNames.get(ref);
            TaskEntry task = tasks.get(taskId);
            if (task == null) {
                continue;
            }
            task.removeRange(segment.minId(), segment.maxId());
            if (task.size == 0) {
                tasks.remove(taskId);
                taskNames.set(ref, null);
                removed.add(taskId);
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Closing

    /**
     * Syncs what was written, acknowledges waiting appenders, and releases the files. Appends and
     * reads after this throw {@link IllegalStateException}.
     */
    @Override
    public void close() throws IOException {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        long last;
        writeLock.lock();
        try {
            closed = true;
            last = writtenId;
        } finally {
            writeLock.unlock();
        }
        IOException error = null;
        try {
            if (failure == null) {
                awaitDurable(last);
            }
        } catch (IOException e) {
            error = e;
        }
        fileLock.writeLock().lock();
        try {
            closeFiles();
        } finally {
            fileLock.writeLock().unlock();
        }
        if (error != null) {
            throw error;
        }
    }

    private void closeFiles() {
        closed = true;
        Writer w = writer;
        if (w != null) {
            closeQuietly(w.file);
        }
        try {
            lock.release();
        } catch (IOException e) {
            LOG.debug("Cannot release the journal lock: {}", e.toString());
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            LOG.debug("Cannot close {}: {}", closeable, e.toString());
        }
    }

    // ------------------------------------------------------------------------------------------
    // Recovery

    private void recover() throws IOException {
        TreeMap<Long, Path> files = new TreeMap<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "segment-*.log")) {
            for (Path path : stream) {
                long firstId = JournalSegment.parseFirstId(path.getFileName().toString());
                if (firstId >= 0 && Files.isRegularFile(path)) {
                    files.put(firstId, path);
                }
            }
        }
        List<Map.Entry<Long, Path>> ordered = new ArrayList<>(files.entrySet());
        long lastId = 0;
        JournalSegment tail = null;
        try (RecordReader reader = new RecordReader(SCAN_CHUNK)) {
            for (int i = 0; i < ordered.size(); i++) {
                boolean last = i == ordered.size() - 1;
                long nextFirstId = last ? Long.MAX_VALUE : ordered.get(i + 1).getKey();
                JournalSegment segment = new JournalSegment(ordered.get(i).getValue(), ordered.get(i).getKey());
                if (!readHeader(segment, last)) {
                    continue;
                }
                lastId = scan(reader, segment, last, lastId, nextFirstId);
                segments.add(segment);
                if (last) {
                    tail = segment;
                } else {
                    segment.seal(0);
                }
            }
        }
        long firstFree = Math.max(lastId + 1, 1);
        if (tail != null) {
            firstFree = Math.max(firstFree, tail.firstId);
        }
        nextId = firstFree;
        writtenId = nextId - 1;
        syncedId = nextId - 1;
        lastEventId = nextId - 1;
        if (tail == null) {
            JournalSegment segment = new JournalSegment(directory.resolve(JournalSegment.fileName(nextId)), nextId);
            RandomAccessFile file = createSegmentFile(segment.path);
            segment.bytes(JournalCodec.SEGMENT_HEADER_BYTES);
            segments.add(segment);
            writer = new Writer(segment, file);
            writePosition = JournalCodec.SEGMENT_HEADER_BYTES;
        } else {
            writer = new Writer(tail, new RandomAccessFile(tail.path.toFile(), "rw"));
            writePosition = tail.bytes();
        }
        recoveryProblems = List.copyOf(problems);
        LOG.info("Task journal {} opened: {} events of {} tasks in {} segment(s), next id {}{}.", directory,
                segments.stream().mapToInt(JournalSegment::count).sum(), tasks.size(), segments.size(), nextId,
                problems.isEmpty() ? "" : ", " + problems.size() + " problem(s) found");
    }

    /**
     * Checks a segment's header. A last segment too short to hold one (a crash while it was
     * created) gets a new one; an unreadable header excludes the segment (a last one is renamed
     * aside so that appending starts a new segment).
     */
    private boolean readHeader(JournalSegment segment, boolean last) throws IOException {
        long size = Files.size(segment.path);
        segment.fileMillis(Files.getLastModifiedTime(segment.path).toMillis());
        if (size < JournalCodec.SEGMENT_HEADER_BYTES) {
            if (last) {
                problem(segment, 0, "the segment is shorter than its header (" + size + " bytes)", true);
                try (RandomAccessFile file = new RandomAccessFile(segment.path.toFile(), "rw")) {
                    file.setLength(0);
                    file.write(JournalCodec.segmentHeader().array());
                    file.getFD().sync();
                }
                return true;
            }
            problem(segment, 0, "the segment is shorter than its header (" + size + " bytes); it is ignored", false);
            return false;
        }
        ByteBuffer header = ByteBuffer.allocate(JournalCodec.SEGMENT_HEADER_BYTES);
        try (RandomAccessFile file = new RandomAccessFile(segment.path.toFile(), "r")) {
            file.readFully(header.array());
        }
        if (JournalCodec.isSegmentHeader(header)) {
            return true;
        }
        if (last) {
            Path aside = segment.path.resolveSibling(segment.path.getFileName() + ".unreadable-" + clock.millis());
            Files.move(segment.path, aside);
            problem(segment, 0, "the segment has an unknown header; it was moved to " + aside.getFileName(), false);
        } else {
            problem(segment, 0, "the segment has an unknown header; it is ignored", false);
        }
        return false;
    }

    /** Indexes a segment's records; returns the last good id. */
    private long scan(RecordReader reader, JournalSegment segment, boolean last, long lastId, long nextFirstId)
            throws IOException {
        long size = Files.size(segment.path);
        long position = JournalCodec.SEGMENT_HEADER_BYTES;
        String bad = null;
        while (position < size) {
            ByteBuffer head = reader.bytes(segment, position, JournalCodec.FRAME_HEADER_BYTES, false);
            if (head == null) {
                bad = "the segment ends inside a record header";
                break;
            }
            int length = head.getInt(0);
            int crc = head.getInt(4);
            if (length <= 0 || length > JournalCodec.MAX_PAYLOAD_BYTES) {
                bad = "bad record length " + length;
                break;
            }
            long end = position + JournalCodec.FRAME_HEADER_BYTES + length;
            if (end > size) {
                bad = "the record's " + length + " bytes go past the end of the segment";
                break;
            }
            ByteBuffer payload = reader.bytes(segment, position + JournalCodec.FRAME_HEADER_BYTES, length, false);
            if (payload == null) {
                bad = "the segment ends inside a record";
                break;
            }
            if (JournalCodec.crc(payload, length) != crc) {
                bad = "CRC mismatch";
                break;
            }
            TaskEvent event;
            try {
                event = JournalCodec.decode(payload);
            } catch (IOException e) {
                bad = "undecodable record (" + e.getMessage() + ")";
                break;
            }
            if (event.id() <= lastId || event.id() < segment.firstId || event.id() >= nextFirstId) {
                bad = "event id " + event.id() + " out of order (after " + lastId + ", in a segment for ids from "
                        + segment.firstId + ")";
                break;
            }
            if (event.taskId() == null || event.taskId().isEmpty() || event.type() == null) {
                bad = "event " + event.id() + " has no task or type";
                break;
            }
            index(segment, position, end, event);
            lastId = event.id();
            position = end;
        }
        if (bad == null) {
            segment.bytes(size);
            return lastId;
        }
        if (last) {
            try (RandomAccessFile file = new RandomAccessFile(segment.path.toFile(), "rw")) {
                file.setLength(position);
                file.getFD().sync();
            }
            segment.bytes(position);
            LOG.warn("Task journal segment {}: {} at offset {}; truncated the {} byte(s) from there (an append "
                    + "interrupted by a crash, never acknowledged).", segment.path, bad, position, size - position);
            problem(segment, position, bad + "; " + (size - position) + " byte(s) truncated", true);
        } else {
            segment.bytes(size);
            LOG.error("Task journal segment {}: {} at offset {}; the {} byte(s) from there cannot be read. "
                    + "The events before it and in later segments are intact.", segment.path, bad, position,
                    size - position);
            problem(segment, position, bad + "; the " + (size - position) + " byte(s) from there are skipped", false);
        }
        return lastId;
    }

    private void problem(JournalSegment segment, long offset, String reason, boolean truncated) {
        problems.add(new Problem(segment.path, offset, reason, truncated));
    }

    // ------------------------------------------------------------------------------------------

    /** The segment being written and its file. */
    private record Writer(JournalSegment segment, RandomAccessFile file) {
    }

    /** An event written but not yet durable, and where it is. */
    private record Pending(JournalSegment segment, long offset, long end, TaskEvent event) {
    }

    private record Location(JournalSegment segment, long offset, long id) {
    }

    /** One task in the index: its event ids in order, and its latest state. */
    private static final class TaskEntry {
        final int ref;
        long[] ids = new long[8];
        int size;
        TaskState state;

        TaskEntry(int ref) {
            this.ref = ref;
        }

        void add(long id) {
            if (size == ids.length) {
                ids = Arrays.copyOf(ids, size * 2);
            }
            ids[size++] = id;
        }

        int firstAfter(long id) {
            return JournalSegment.firstAfter(ids, size, id);
        }

        void removeRange(long fromId, long toId) {
            int from = firstAfter(fromId - 1);
            int to = firstAfter(toId);
            if (from < to) {
                System.arraycopy(ids, to, ids, from, size - to);
                size -= to - from;
            }
        }
    }

    /**
     * Reads byte ranges of segment files through its own file handle (one per call, so a reader
     * never shares a handle with appends or with other readers), buffering a chunk at a time.
     */
    private static final class RecordReader implements Closeable {
        private final int chunk;
        private byte[] buffer;
        private JournalSegment segment;
        private RandomAccessFile file;
        private long start;
        private int length;

        RecordReader(int chunk) {
            this.chunk = chunk;
        }

        /** Bytes {@code [position, position + count)} of the segment, or {@code null} when the file is shorter. */
        ByteBuffer bytes(JournalSegment target, long position, int count, boolean fresh) throws IOException {
            if (target != segment) {
                close();
                try {
                    file = new RandomAccessFile(target.path.toFile(), "r");
                } catch (java.io.FileNotFoundException e) {
                    throw new NoSuchFileException(target.path.toString(), null, e.getMessage());
                }
                segment = target;
                length = 0;
                fresh = true;
            }
            if (fresh || position < start || position + count > start + length) {
                fill(position, count);
            }
            if (position + count > start + length) {
                return null;
            }
            return ByteBuffer.wrap(buffer, (int) (position - start), count).slice();
        }

        private void fill(long position, int count) throws IOException {
            int size = Math.max(chunk, count);
            if (buffer == null || buffer.length < size) {
                buffer = new byte[size];
            }
            file.seek(position);
            int read = 0;
            while (read < size) {
                int n = file.read(buffer, read, size - read);
                if (n < 0) {
                    break;
                }
                read += n;
            }
            start = position;
            length = read;
        }

        @Override
        public void close() throws IOException {
            segment = null;
            if (file != null) {
                RandomAccessFile f = file;
                file = null;
                f.close();
            }
        }
    }

    @Override
    public String toString() {
        return "TaskJournal[" + directory + ", last event " + lastEventId + "]";
    }

    /** For diagnostics: the segments and their sizes. */
    Map<Path, Long> segmentSizes() {
        indexLock.readLock().lock();
        try {
            Map<Path, Long> sizes = new LinkedHashMap<>();
            for (JournalSegment segment : segments) {
                sizes.put(segment.path, segment.bytes());
            }
            return sizes;
        } finally {
            indexLock.readLock().unlock();
        }
    }
}
