package dev.openwork.host.runtime.opencode.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds what one OpenCode left behind. Every start gets a marker variable in its environment, which
 * the commands OpenCode runs inherit; when OpenCode dies (even by SIGKILL) its children are handed to
 * init, and only the marker still ties them to it. Where {@code /proc} is missing nothing is found.
 */
final class Orphans {

    static final String MARKER = "OPENWORK_OPENCODE_INSTANCE";
    private static final boolean PROC = Files.isReadable(Path.of("/proc/self/environ"));

    private Orphans() {
    }

    /** Processes (other than this JVM) whose initial environment carries {@code MARKER=instance}. */
    static List<ProcessHandle> marked(String instance) {
        if (!PROC) {
            return List.of();
        }
        byte[] needle = (MARKER + "=" + instance).getBytes(StandardCharsets.UTF_8);
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses().filter(p -> p.pid() != self && p.pid() != 1 && carries(p, needle)).toList();
    }

    private static boolean carries(ProcessHandle process, byte[] needle) {
        byte[] environ;
        try {
            environ = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "environ"));
        } catch (IOException | SecurityException e) {
            return false; // gone, or not ours
        }
        int start = 0;
        for (int i = 0; i <= environ.length; i++) {
            if (i == environ.length || environ[i] == 0) {
                if (i - start == needle.length && regionEquals(environ, start, needle)) {
                    return true;
                }
                start = i + 1;
            }
        }
        return false;
    }

    private static boolean regionEquals(byte[] haystack, int offset, byte[] needle) {
        for (int j = 0; j < needle.length; j++) {
            if (haystack[offset + j] != needle[j]) {
                return false;
            }
        }
        return true;
    }

    /** SIGKILL to everything still carrying the marker; returns how many there were. */
    static int kill(String instance) {
        List<ProcessHandle> left = marked(instance);
        left.forEach(ProcessHandle::destroyForcibly);
        return left.size();
    }
}
