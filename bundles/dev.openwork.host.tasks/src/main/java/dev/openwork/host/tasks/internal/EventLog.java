package dev.openwork.host.tasks.internal;

import dev.openwork.host.api.tasks.TaskEvent;
import dev.openwork.host.api.tasks.TaskState;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Where task events become durable. {@link #append} assigns ids and times and returns only once
 * the events survive a crash; the task side depends on nothing else of the journal.
 */
interface EventLog extends AutoCloseable {

    /** Appends drafts (their id and time are ignored) and returns them as stored, in order. */
    List<TaskEvent> append(List<TaskEvent> drafts);

    List<TaskEvent> events(String taskId, long afterEventId, int limit);

    List<TaskEvent> eventsAfter(long afterEventId, int limit, Predicate<String> taskFilter);

    long lastEventId();

    /** The latest state of every task the log knows. */
    Map<String, TaskState> latestStates();

    @Override
    void close();
}
