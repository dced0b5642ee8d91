package dev.openwork.host.tasks.internal;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One segment file of the {@link TaskJournal} and the part of the in-memory index that belongs to
 * it: the id, file offset and task of every event it holds, in id order. Everything but the final
 * fields is guarded by the journal's index lock.
 */
final class JournalSegment {

    private static final Pattern NAME = Pattern.compile("segment-(\\d{1,20})\\.log");

    final Path path;
    /** The id the segment was created for: every event in it has this id or a higher one. */
    final long firstId;

    private long[] ids = new long[16];
    private int[] offsets = new int[16];
    private int[] taskRefs = new int[16];
    private int count;
    private long newestMillis = Long.MIN_VALUE;
    /** Bytes of the segment that count (its size, or the end of its last published record). */
    private long bytes;
    /** When nothing is indexed: the file's modification time, for retention. */
    private long fileMillis = Long.MIN_VALUE;
    /**
     * Once no more events are written to it: the id of the last event written to it (all of them
     * are published once the journal's last published id reaches it); -1 while it is written to.
     */
    private long sealedAtId = -1;

    JournalSegment(Path path, long firstId) {
        this.path = path;
        this.firstId = firstId;
    }

    static String fileName(long firstId) {
        return String.format("segment-%020d.log", firstId);
    }

    /** The first id encoded in a segment's file name, or -1 when the name is not a segment's. */
    static long parseFirstId(String fileName) {
        Matcher m = NAME.matcher(fileName);
        if (!m.matches()) {
            return -1;
        }
        try {
            return Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    void add(long id, long offset, int taskRef, Instant at, long end) {
        if (count == ids.length) {
            int capacity = count * 2;
            ids = Arrays.copyOf(ids, capacity);
            offsets = Arrays.copyOf(offsets, capacity);
            taskRefs = Arrays.copyOf(taskRefs, capacity);
        }
        ids[count] = id;
        offsets[count] = Math.toIntExact(offset);
        taskRefs[count] = taskRef;
        count++;
        if (at != null) {
            newestMillis = Math.max(newestMillis, at.toEpochMilli());
        }
        bytes = Math.max(bytes, end);
    }

    int count() {
        return count;
    }

    long id(int index) {
        return ids[index];
    }

    long offset(int index) {
        return offsets[index];
    }

    int taskRef(int index) {
        return taskRefs[index];
    }

    long minId() {
        return count == 0 ? -1 : ids[0];
    }

    long maxId() {
        return count == 0 ? -1 : ids[count - 1];
    }

    /** The index of the first event with an id above {@code id} ({@link #count()} when none). */
    int firstAfter(long id) {
        return firstAfter(ids, count, id);
    }

    /** The index of the first of the {@code size} sorted {@code ids} above {@code id} ({@code size} when none). */
    static int firstAfter(long[] ids, int size, long id) {
        int low = 0;
        int high = size;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (ids[mid] <= id) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /** The distinct task references of the events in this segment, each once. */
    int[] distinctTaskRefs() {
        java.util.BitSet seen = new java.util.BitSet();
        for (int i = 0; i < count; i++) {
            seen.set(taskRef(i));
        }
        return seen.stream().toArray();
    }

    /** The index of the event with this id, or -1. */
    int indexOf(long id) {
        int index = Arrays.binarySearch(ids, 0, count, id);
        return index >= 0 ? index : -1;
    }

    /** When its newest event happened (epoch millis), or the file's modification time when it has none. */
    long newestMillis() {
        return count == 0 ? fileMillis : newestMillis;
    }

    void fileMillis(long millis) {
        this.fileMillis = millis;
    }

    long bytes() {
        return bytes;
    }

    void bytes(long bytes) {
        this.bytes = bytes;
    }

    long sealedAtId() {
        return sealedAtId;
    }

    void seal(long lastWrittenId) {
        this.sealedAtId = lastWrittenId;
    }

    @Override
    public String toString() {
        return path.getFileName() + "[" + count + " events, " + bytes + " bytes]";
    }
}
