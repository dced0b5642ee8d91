package dev.openwork.host.api.tasks;

import java.util.Set;

/**
 * A filter and page over tasks, newest first.
 *
 * @param states   only these states (empty: all)
 * @param deviceId only this device's tasks, or {@code null}
 * @param runtime  only this runtime, or {@code null}
 * @param offset   tasks to skip
 * @param limit    at most this many (1 to 500)
 */
public record TaskQuery(Set<TaskState> states, String deviceId, String runtime, int offset, int limit) {

    public TaskQuery {
        states = states == null ? Set.of() : Set.copyOf(states);
    }
}
