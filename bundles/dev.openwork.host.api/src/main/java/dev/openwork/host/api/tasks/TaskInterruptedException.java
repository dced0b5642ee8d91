package dev.openwork.host.api.tasks;

/**
 * Thrown by {@link TaskRuntime#run} when a task cannot go on for a reason outside the task: the
 * runtime's own engine stopped or crashed (e.g. the supervised OpenCode server died). The task ends
 * {@link TaskState#INTERRUPTED}, not failed, with the message as its summary; its output so far is
 * kept. The message is shown to clients, so it must hold no secret.
 *
 * @since 1.1
 */
public class TaskInterruptedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TaskInterruptedException(String message) {
        super(message);
    }

    public TaskInterruptedException(String message, Throwable cause) {
        super(message, cause);
    }
}
