package dev.openwork.host.client;

import dev.openwork.host.api.tasks.TaskEvent;
import java.util.List;

/**
 * One page of a task's log ({@code GET /v1/tasks/{id}/log}).
 *
 * @param events    the events after the requested id, oldest first
 * @param nextAfter the id to ask for the next page with (the last event's id, or the requested one when empty)
 * @param more      whether more events follow
 */
public record TaskLog(List<TaskEvent> events, long nextAfter, boolean more) {

    public TaskLog {
        events = events == null ? List.of() : List.copyOf(events);
    }
}
