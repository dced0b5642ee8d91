package dev.openwork.host.api.tasks;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The host's tasks: submission into a fair queue, cancellation, and the journal of their events.
 * Thread-safe. Failures are {@code HostException}s: {@code INVALID_REQUEST} for a bad request
 * (nothing is created), {@code NOT_FOUND} for an unknown task or runtime, {@code FORBIDDEN} for a
 * workspace outside the device's roots.
 *
 * <p>Every change is a {@link TaskEvent}, journaled before it is visible. State changes are also
 * posted on EventAdmin ({@code HostTopics.TASK_STATE}); output is delivered to
 * {@link #subscribe subscribers} directly, as it is too frequent for EventAdmin.
 */
@ProviderType
public interface TaskService {

    /** Receives live events in id order. Called on the task's thread: must not block. */
    @FunctionalInterface
    interface Listener {
        void onEvent(TaskEvent event);
    }

    /** A live subscription; closing it stops delivery. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /** Accepts a task for {@code deviceId} (null: the local admin) after validating it completely. */
    Task submit(String deviceId, Set<String> deviceScopes, TaskRequest request);

    Optional<Task> find(String taskId);

    /** Tasks matching the query, newest first. */
    List<Task> list(TaskQuery query);

    /** Cancels a queued or running task (kills its processes); a finished task is returned unchanged. */
    Task cancel(String taskId);

    /** A task's events after {@code afterEventId}, at most {@code limit}, oldest first (paged log, exact resume). */
    List<TaskEvent> events(String taskId, long afterEventId, int limit);

    /** Events of all tasks accepted by {@code taskFilter} after {@code afterEventId}, oldest first. */
    List<TaskEvent> eventsAfter(long afterEventId, int limit, Predicate<String> taskFilter);

    /** The newest event id of the host. */
    long lastEventId();

    /** Live events from now on. */
    Subscription subscribe(Listener listener);
}
