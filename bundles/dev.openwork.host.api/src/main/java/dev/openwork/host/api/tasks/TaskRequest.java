package dev.openwork.host.api.tasks;

import java.util.List;
import java.util.Map;

/**
 * What a client submits ({@code POST /v1/tasks}).
 *
 * @param runtime        the runtime's name (e.g. {@code shell}); a runtime that is not installed is a clear error
 * @param workspace      absolute path of the directory the task works in; must be inside a root the device may use
 * @param steps          the tool calls, for step runtimes such as {@code shell} (the {@code opencode} runtime runs
 *                       {@code bash} steps as shell commands in its session)
 * @param prompt         the prompt, for agent runtimes such as {@code opencode}
 * @param timeoutSeconds the whole task's limit, or {@code null} for the host's default
 * @param session        for agent runtimes: the runtime's own session to continue (e.g. an OpenCode session id), or
 *                       {@code null} to start a new one; step runtimes ignore it
 * @param options        runtime-specific settings passed to the runtime as given, or {@code null} (for
 *                       {@code opencode}: {@code agent}, {@code model}, and the prompt's {@code parts} as the OpenCode
 *                       API takes them); runtimes ignore what they do not know
 * @since 1.1
 */
public record TaskRequest(String runtime, String workspace, List<ToolCall> steps, String prompt, Integer timeoutSeconds,
        String session, Map<String, Object> options) {

    /** A request without session or options, as before 1.1. */
    public TaskRequest(String runtime, String workspace, List<ToolCall> steps, String prompt, Integer timeoutSeconds) {
        this(runtime, workspace, steps, prompt, timeoutSeconds, null, null);
    }
}
