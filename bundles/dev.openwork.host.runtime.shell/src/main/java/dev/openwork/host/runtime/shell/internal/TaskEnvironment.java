package dev.openwork.host.runtime.shell.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment a task's processes get: only an allowlist of the host's variables (so the host's
 * tokens, keys, passwords, cloud credentials and OPENWORK_* settings never reach a task), plus the
 * task's id.
 */
final class TaskEnvironment {

    /** The host variables a task may see. */
    static final List<String> ALLOWED = List.of("PATH", "HOME", "LANG", "LC_ALL", "TERM", "TZ", "USER", "LOGNAME",
            "SHELL", "TMPDIR");
    static final String TASK_ID = "OPENWORK_TASK_ID";
    /** PATH when the host has none. */
    static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

    private TaskEnvironment() {
    }

    /** The environment for a process of task {@code taskId}, from the host's environment {@code host}. */
    static Map<String, String> scrub(Map<String, String> host, String taskId) {
        Map<String, String> scrubbed = new LinkedHashMap<>();
        for (String name : ALLOWED) {
            String value = host.get(name);
            if (value != null) {
                scrubbed.put(name, value);
            }
        }
        scrubbed.putIfAbsent("PATH", DEFAULT_PATH);
        if (taskId != null) {
            scrubbed.put(TASK_ID, taskId);
        }
        return scrubbed;
    }
}
