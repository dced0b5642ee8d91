package dev.openwork.host.api.tasks;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life of a task: {@code queued -> running -> (waiting_permission <-> running) -> succeeded |
 * failed | cancelled | interrupted}. A queued task may also be cancelled, or interrupted by a host
 * restart; nothing leaves a terminal state.
 */
public enum TaskState {
    QUEUED, RUNNING, WAITING_PERMISSION, SUCCEEDED, FAILED, CANCELLED, INTERRUPTED;

    /** Whether the task is over. */
    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED || this == INTERRUPTED;
    }

    /** Whether the state machine allows going from this state to {@code next}. */
    public boolean canMoveTo(TaskState next) {
        return switch (this) {
            case QUEUED -> EnumSet.of(RUNNING, CANCELLED, INTERRUPTED, FAILED).contains(next);
            case RUNNING -> EnumSet.of(WAITING_PERMISSION, SUCCEEDED, FAILED, CANCELLED, INTERRUPTED).contains(next);
            case WAITING_PERMISSION -> EnumSet.of(RUNNING, FAILED, CANCELLED, INTERRUPTED).contains(next);
            default -> false;
        };
    }

    /** The terminal states. */
    public static Set<TaskState> terminal() {
        return EnumSet.of(SUCCEEDED, FAILED, CANCELLED, INTERRUPTED);
    }
}
