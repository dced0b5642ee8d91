package dev.openwork.host.api.tasks;

import java.time.Instant;

/**
 * A task as the host knows it.
 *
 * @param id         the task's id
 * @param deviceId   the device that submitted it ({@code null} for the local admin)
 * @param runtime    the runtime's name
 * @param workspace  the directory it works in
 * @param state      its state now
 * @param createdAt  when it was accepted
 * @param startedAt  when it started running, or {@code null}
 * @param finishedAt when it reached a terminal state, or {@code null}
 * @param exitCode   the exit code of its last step (or of the agent), or {@code null}
 * @param summary    one line about the outcome, or {@code null}
 * @param lastEventId the id of its latest event
 */
public record Task(String id, String deviceId, String runtime, String workspace, TaskState state, Instant createdAt,
        Instant startedAt, Instant finishedAt, Integer exitCode, String summary, long lastEventId) {
}
