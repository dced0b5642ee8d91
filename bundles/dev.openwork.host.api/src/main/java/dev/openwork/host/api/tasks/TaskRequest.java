package dev.openwork.host.api.tasks;

import java.util.List;

/**
 * What a client submits ({@code POST /v1/tasks}).
 *
 * @param runtime        the runtime's name (e.g. {@code shell}); a runtime that is not installed is a clear error
 * @param workspace      absolute path of the directory the task works in; must be inside a root the device may use
 * @param steps          the tool calls, for step runtimes such as {@code shell}
 * @param prompt         the prompt, for agent runtimes such as {@code opencode}
 * @param timeoutSeconds the whole task's limit, or {@code null} for the host's default
 */
public record TaskRequest(String runtime, String workspace, List<ToolCall> steps, String prompt, Integer timeoutSeconds) {
}
