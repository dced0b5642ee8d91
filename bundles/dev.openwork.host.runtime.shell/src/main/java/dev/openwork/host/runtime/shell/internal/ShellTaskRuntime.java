package dev.openwork.host.runtime.shell.internal;

import dev.openwork.host.api.tasks.TaskRequest;
import dev.openwork.host.api.tasks.TaskRun;
import dev.openwork.host.api.tasks.TaskRuntime;
import dev.openwork.host.api.tasks.ToolCall;
import dev.openwork.host.api.tasks.ToolGate;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code shell} runtime: runs a task's steps ({@code bash}, {@code read}, {@code write},
 * {@code edit}) in order in its workspace. Every step passes the tool gate first; the first step
 * that is refused or fails ends the task. Nothing a step starts outlives it.
 */
@Component(service = TaskRuntime.class, configurationPid = ShellTaskRuntime.PID,
        property = TaskRuntime.NAME + "=" + ShellTaskRuntime.NAME)
@Designate(ocd = ShellTaskRuntime.Config.class)
public final class ShellTaskRuntime implements TaskRuntime {

    static final String PID = "dev.openwork.host.runtime.shell";
    static final String NAME = "shell";
    private static final Logger LOG = LoggerFactory.getLogger(ShellTaskRuntime.class);

    @ObjectClassDefinition(name = "OpenWork Host shell runtime",
            description = "Limits of the shell runtime's bash, read, write and edit steps.")
    public @interface Config {
        @AttributeDefinition(name = "Default step timeout (s)",
                description = "Limit of a bash step that gives no timeoutSeconds; the task's deadline always applies.",
                min = "1")
        long defaultStepTimeoutSeconds() default 600;

        @AttributeDefinition(name = "Kill grace period (ms)",
                description = "How long a cancelled or timed-out process tree gets after SIGTERM before SIGKILL.",
                min = "0")
        long killGraceMillis() default 2000;

        @AttributeDefinition(name = "Longest output line (bytes)",
                description = "Longer output lines are split into lines of this many bytes.", min = "256")
        int maxOutputLineBytes() default 65536;
    }

    /** The configuration, checked, as one immutable value read once per task. */
    record Settings(long defaultStepTimeoutSeconds, long killGraceMillis, int maxOutputLineBytes) {

        /** The smallest line limit taken from configuration (as the metatype says). */
        static final int MIN_OUTPUT_LINE_BYTES = 256;

        Settings {
            defaultStepTimeoutSeconds = Math.max(1, defaultStepTimeoutSeconds);
            killGraceMillis = Math.max(0, killGraceMillis);
            maxOutputLineBytes = Math.max(MIN_OUTPUT_LINE_BYTES, maxOutputLineBytes);
        }

        static Settings of(Config config) {
            return new Settings(config.defaultStepTimeoutSeconds(), config.killGraceMillis(),
                    config.maxOutputLineBytes());
        }
    }

    private volatile Settings settings;
    private volatile boolean closed;

    @Activate
    public ShellTaskRuntime(Config config) {
        this(Settings.of(config));
    }

    ShellTaskRuntime(Settings settings) {
        this.settings = settings;
    }

    @Modified
    void modified(Config config) {
        this.settings = Settings.of(config);
    }

    /** Running tasks see this within one poll interval, kill what they started and end as interrupted. */
    @Deactivate
    void deactivate() {
        closed = true;
    }

    @Override
    public Outcome run(TaskRun run) throws Exception {
        if (closed) {
            throw new IllegalStateException("The shell runtime is stopping; submit the task again.");
        }
        Settings current = settings;
        TaskRequest request = run.request();
        List<ToolCall> steps = request == null ? null : request.steps();
        if (steps == null || steps.isEmpty()) {
            return new Outcome(false, null, "Nothing to run: a shell task needs at least one step.");
        }
        Workspace workspace;
        try {
            workspace = Workspace.of(run.workspace());
        } catch (NoSuchFileException e) {
            return new Outcome(false, null, "The workspace " + run.workspace() + " cannot be used: it does not exist.");
        } catch (IOException | RuntimeException e) {
            return new Outcome(false, null, "The workspace " + run.workspace() + " cannot be used: " + e.getMessage());
        }
        int count = steps.size();
        for (int step = 0; step < count; step++) {
            String label = "Step " + (step + 1) + " of " + count;
            String stopped = stopReason(run);
            if (stopped != null) {
                return new Outcome(false, null, label + " did not start: " + stopped);
            }
            ToolCall call = steps.get(step);
            if (call == null) {
                return new Outcome(false, null, label + " is empty.");
            }
            label = label + " (" + call.tool() + ")";
            ToolGate.Decision decision = run.check(step, call);
            if (decision == null || !decision.allowed()) {
                String reason = decision == null || decision.reason() == null ? "no reason given" : decision.reason();
                LOG.info("Task {}: step {} ({}) refused by the gate", run.taskId(), step, call.tool());
                return new Outcome(false, null, label + " was refused: " + reason);
            }
            // Asking the gate may take a while (a person is asked): look again before starting.
            stopped = stopReason(run);
            if (stopped != null) {
                return new Outcome(false, null, label + " did not start: " + stopped);
            }
            run.toolStarted(step, call);
            long startedAt = System.nanoTime();
            StepResult result = execute(run, workspace, current, step, call);
            LOG.info("Task {}: step {} ({}) ended with exit code {} after {} ms", run.taskId(), step, call.tool(),
                    result.exitCode(), (System.nanoTime() - startedAt) / 1_000_000);
            run.toolFinished(step, result.exitCode(), result.summary());
            if (!result.ok()) {
                return new Outcome(false, result.exitCode(), label + ": " + result.summary());
            }
        }
        return new Outcome(true, 0, count == 1 ? "1 step succeeded." : count + " steps succeeded.");
    }

    private StepResult execute(TaskRun run, Workspace workspace, Settings current, int step, ToolCall call) {
        try {
            String tool = call.tool();
            if (tool == null || tool.isBlank()) {
                throw ToolException.usage("The step names no tool; use bash, read, write or edit.");
            }
            return switch (tool) {
                case ToolCall.BASH -> new BashTool(run, workspace.root(), current, () -> closed).run(step, call);
                case ToolCall.READ -> new FileTools(run, workspace, current).read(step, call);
                case ToolCall.WRITE -> new FileTools(run, workspace, current).write(call);
                case ToolCall.EDIT -> new FileTools(run, workspace, current).edit(call);
                default -> throw ToolException.usage("Unknown tool '" + tool + "'; use bash, read, write or edit.");
            };
        } catch (ToolException e) {
            return new StepResult(e.exitCode(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("Task {}: step {} failed unexpectedly", run.taskId(), step, e);
            return new StepResult(1, "The step failed: " + e);
        }
    }

    /** Why the task must not go on, or {@code null}. */
    private String stopReason(TaskRun run) {
        if (closed) {
            return BashTool.INTERRUPTED;
        }
        if (Thread.currentThread().isInterrupted()) {
            return BashTool.CANCELLED + " (the task's thread was interrupted)";
        }
        Instant deadline = run.deadline();
        boolean pastDeadline = deadline != null && !Instant.now().isBefore(deadline);
        if (pastDeadline) {
            return BashTool.DEADLINE_PASSED;
        }
        if (run.stopRequested()) {
            return BashTool.CANCELLED;
        }
        return null;
    }
}
