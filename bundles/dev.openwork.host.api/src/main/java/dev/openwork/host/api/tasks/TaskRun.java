package dev.openwork.host.api.tasks;

import java.nio.file.Path;
import java.time.Instant;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What a {@link TaskRuntime} gets for one task: the request, the workspace, the gate, and the
 * channel for everything it reports. Every report becomes a journaled {@link TaskEvent}. Methods
 * may be called from any thread of the runtime.
 */
@ProviderType
public interface TaskRun {

    /** The task's id. */
    String taskId();

    /** What was submitted. */
    TaskRequest request();

    /** The workspace, checked to exist and to be allowed for the device. */
    Path workspace();

    /** Asks the gate about a tool call; a runtime runs the call only when this allows it. */
    ToolGate.Decision check(int step, ToolCall call);

    /** A tool call starts. */
    void toolStarted(int step, ToolCall call);

    /** A tool call ended with this exit code (0 for success). */
    void toolFinished(int step, int exitCode, String summary);

    /** One line of output, without its line break; {@code stream} is {@code stdout} or {@code stderr}. */
    void output(int step, String stream, String line);

    /** Whether the task was cancelled or timed out; a runtime stops as soon as it sees this. */
    boolean stopRequested();

    /** When the task must be over (its timeout). */
    Instant deadline();
}
