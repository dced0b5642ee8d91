package dev.openwork.host.api.tasks;

/**
 * One step of a task: a tool and its arguments. Which fields a tool reads:
 * <ul>
 * <li>{@code bash}: {@code command} (run by a real shell in the workspace), optional {@code timeoutSeconds}</li>
 * <li>{@code read}: {@code path} (inside the workspace)</li>
 * <li>{@code write}: {@code path}, {@code content}</li>
 * <li>{@code edit}: {@code path}, {@code oldText} (must occur exactly once), {@code newText}</li>
 * </ul>
 */
public record ToolCall(String tool, String command, String path, String content, String oldText, String newText,
        Integer timeoutSeconds) {

    public static final String BASH = "bash";
    public static final String READ = "read";
    public static final String WRITE = "write";
    public static final String EDIT = "edit";

    /** A {@code bash} step. */
    public static ToolCall bash(String command) {
        return new ToolCall(BASH, command, null, null, null, null, null);
    }
}
