package dev.openwork.host.runtime.shell.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A process and every descendant seen while it ran. Descendants are remembered, so those whose
 * parent already died (and that were handed to init) are still found and killed. Where
 * {@code /proc} exists, processes that inherited the task's marker variable (e.g.
 * {@code OPENWORK_TASK_ID=<id>}) count as part of the tree too: that finds background processes
 * orphaned before they were ever seen. Killing sends SIGTERM to all of them, waits for the grace
 * period, then sends SIGKILL to whatever is left.
 */
final class ProcessTree {

    private static final long POLL_MILLIS = 20;
    /** How long SIGKILL may take to show. */
    private static final long KILL_WAIT_MILLIS = 1000;
    private static final boolean PROC = Files.isReadable(Path.of("/proc/self/stat"));

    private final ProcessHandle root;
    private final byte[] marker;
    private final Set<ProcessHandle> known = new LinkedHashSet<>();

    /**
     * @param root   the process
     * @param marker an environment entry ({@code NAME=value}) only this tree's processes have, or {@code null}
     */
    ProcessTree(ProcessHandle root, String marker) {
        this.root = root;
        this.marker = marker == null ? null : ("\0" + marker + "\0").getBytes(StandardCharsets.UTF_8);
    }

    /** Remembers the descendants alive now (of the root, and of descendants seen before). */
    void track() {
        List<ProcessHandle> parents = new ArrayList<>();
        parents.add(root);
        parents.addAll(known);
        for (ProcessHandle parent : parents) {
            if (parent.isAlive()) {
                parent.descendants().forEach(known::add);
            }
        }
    }

    /** Remembers the processes whose initial environment carries the marker. */
    void trackMarked() {
        if (marker == null || !PROC) {
            return;
        }
        long self = ProcessHandle.current().pid();
        ProcessHandle.allProcesses()
                .filter(handle -> handle.pid() != self && handle.pid() != 1 && hasMarker(handle))
                .forEach(known::add);
    }

    private boolean hasMarker(ProcessHandle handle) {
        try {
            byte[] environ = Files.readAllBytes(Path.of("/proc", Long.toString(handle.pid()), "environ"));
            return indexOf(environ, marker) >= 0 || startsWith(environ, marker);
        } catch (IOException | SecurityException e) {
            return false; // gone, or another user's process: not ours to kill
        }
    }

    /** Whether the environment's first entry is the marker (it has no NUL before it). */
    private static boolean startsWith(byte[] environ, byte[] marker) {
        int length = marker.length - 1;
        if (environ.length < length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (environ[i] != marker[i + 1]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The processes of the tree that still run. */
    List<ProcessHandle> running() {
        List<ProcessHandle> running = new ArrayList<>();
        if (isRunning(root)) {
            running.add(root);
        }
        for (ProcessHandle handle : known) {
            if (isRunning(handle)) {
                running.add(handle);
            }
        }
        return running;
    }

    /**
     * Ends the whole tree: SIGTERM to everything that runs, SIGKILL after {@code graceMillis} to what
     * is left. Returns whether everything is gone. Keeps the thread's interrupt status but is not cut
     * short by it.
     */
    boolean terminate(long graceMillis) {
        boolean interrupted = false;
        try {
            track();
            trackMarked();
            List<ProcessHandle> alive = running();
            if (alive.isEmpty()) {
                return true;
            }
            alive.forEach(ProcessHandle::destroy);
            interrupted |= awaitGone(graceMillis);
            track();
            alive = running();
            if (alive.isEmpty()) {
                return true;
            }
            alive.forEach(ProcessHandle::destroyForcibly);
            interrupted |= awaitGone(KILL_WAIT_MILLIS);
            return running().isEmpty();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Polls until nothing of the tree runs or the time is up; returns whether it was interrupted. */
    private boolean awaitGone(long millis) {
        boolean interrupted = false;
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!running().isEmpty()) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS)));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        return interrupted;
    }

    /**
     * Whether a process still runs. A zombie (dead, not yet reaped: orphans wait for init, which in
     * containers may never reap them) counts as gone, although {@link ProcessHandle#isAlive()} says it lives.
     */
    static boolean isRunning(ProcessHandle handle) {
        if (!handle.isAlive()) {
            return false;
        }
        if (!PROC) {
            return true;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(handle.pid()), "stat"), StandardCharsets.UTF_8);
            int close = stat.lastIndexOf(')');
            if (close < 0 || close + 2 >= stat.length()) {
                return true;
            }
            char state = stat.charAt(close + 2);
            return state != 'Z' && state != 'X';
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
