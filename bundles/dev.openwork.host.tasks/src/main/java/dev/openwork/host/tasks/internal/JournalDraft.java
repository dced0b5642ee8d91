package dev.openwork.host.tasks.internal;

import dev.openwork.host.api.tasks.TaskEvent;
import dev.openwork.host.api.tasks.TaskState;
import java.time.Instant;
import java.util.Objects;

/**
 * A {@link TaskEvent} before it is journaled: everything but the id and the time, which the
 * {@link TaskJournal} assigns when it appends it.
 *
 * @param taskId   the task (required)
 * @param type     {@link TaskEvent#STATE}, {@link TaskEvent#OUTPUT} or {@link TaskEvent#TOOL} (required)
 * @param state    the new state (required for {@link TaskEvent#STATE}, else usually {@code null})
 * @param stream   {@code stdout} or {@code stderr}, for {@link TaskEvent#OUTPUT}
 * @param text     the output line, the tool call's summary, or a state's reason
 * @param step     the step index, or {@code null}
 * @param exitCode an exit code, or {@code null}
 */
public record JournalDraft(String taskId, String type, TaskState state, String stream, String text, Integer step,
        Integer exitCode) {

    public JournalDraft {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(type, "type");
        if (taskId.isEmpty()) {
            throw new IllegalArgumentException("taskId is empty");
        }
        if (TaskEvent.STATE.equals(type) && state == null) {
            throw new IllegalArgumentException("a state event needs a state");
        }
    }

    /** A change of state, with an optional reason and exit code. */
    public static JournalDraft state(String taskId, TaskState state, String reason, Integer exitCode) {
        return new JournalDraft(taskId, TaskEvent.STATE, Objects.requireNonNull(state, "state"), null, reason, null,
                exitCode);
    }

    /** A change of state, with an optional reason. */
    public static JournalDraft state(String taskId, TaskState state, String reason) {
        return state(taskId, state, reason, null);
    }

    /** One line of output of a step. */
    public static JournalDraft output(String taskId, int step, String stream, String line) {
        return new JournalDraft(taskId, TaskEvent.OUTPUT, null, stream, line, step, null);
    }

    /** A tool call started ({@code exitCode} null) or finished. */
    public static JournalDraft tool(String taskId, int step, String summary, Integer exitCode) {
        return new JournalDraft(taskId, TaskEvent.TOOL, null, null, summary, step, exitCode);
    }

    /** The journaled event this draft becomes. */
    TaskEvent toEvent(long id, Instant at) {
        return new TaskEvent(id, taskId, at, type, state, stream, text, step, exitCode);
    }
}
