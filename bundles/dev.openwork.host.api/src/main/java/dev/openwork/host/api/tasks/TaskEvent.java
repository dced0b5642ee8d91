package dev.openwork.host.api.tasks;

import java.time.Instant;

/**
 * One change of one task, as journaled and streamed. Ids increase monotonically across all tasks
 * of the host, so a client resumes exactly with the last id it saw ({@code Last-Event-ID}).
 *
 * @param id     monotonically increasing, never reused
 * @param taskId the task
 * @param at     when it happened
 * @param type   {@link #CREATED} (the first event of a task: {@code text} holds the accepted task as
 *               JSON, {@code state} is queued), {@link #STATE}, {@link #OUTPUT}, {@link #TOOL},
 *               {@link #PERMISSION_ASKED} or {@link #PERMISSION_REPLIED} (their {@code text} is a JSON
 *               object: a {@code PermissionPrompt} or a {@code PermissionOutcome} of the api's
 *               permissions package)
 * @param state  the new state, for {@link #STATE}
 * @param stream {@code stdout} or {@code stderr}, for {@link #OUTPUT}
 * @param text   the output line (without its line break), the tool call's summary, or a state's reason
 * @param step   the step index (0-based) for {@link #OUTPUT} and {@link #TOOL}, else {@code null}
 * @param exitCode a finished tool's or task's exit code, else {@code null}
 */
public record TaskEvent(long id, String taskId, Instant at, String type, TaskState state, String stream, String text,
        Integer step, Integer exitCode) {

    public static final String CREATED = "created";
    public static final String STATE = "state";
    public static final String OUTPUT = "output";
    public static final String TOOL = "tool";
    /** A tool call waits for a person's answer; streamed as the SSE event {@code permission.asked}. */
    public static final String PERMISSION_ASKED = "permission.asked";
    /** A permission question was settled; streamed as the SSE event {@code permission.replied}. */
    public static final String PERMISSION_REPLIED = "permission.replied";
}
