package dev.openwork.host.client;

import dev.openwork.host.api.tasks.TaskEvent;
import java.time.Duration;

/**
 * Receives the events of a followed task ({@link TaskClient#followTask}), in id order and each
 * once, on the follower's own thread. Only {@link #onEvent} must be implemented.
 */
@FunctionalInterface
public interface TaskListener {

    /**
     * One event of the task. {@link TaskEvent#type()} is {@code created}, {@code state}, {@code output},
     * {@code tool}, {@code permission.asked} or {@code permission.replied} (read their question or
     * outcome with {@link PermissionClient#promptOf} and {@link PermissionClient#outcomeOf}); a
     * {@code state} event with a terminal state is the last one.
     */
    void onEvent(TaskEvent event);

    /** A connection to the task's event stream is open. */
    default void onOpen() {
    }

    /** The connection was lost; the follower reconnects after {@code delay}, resuming after the last event. */
    default void onReconnecting(Duration delay, String cause) {
    }

    /**
     * Following is over: the task reached a terminal state ({@link TaskFollower.End#taskEnded()}),
     * or the follower was closed or failed. Called exactly once, last.
     */
    default void onEnd(TaskFollower.End end) {
    }
}
