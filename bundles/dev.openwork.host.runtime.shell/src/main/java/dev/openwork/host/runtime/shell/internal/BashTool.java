package dev.openwork.host.runtime.shell.internal;

import dev.openwork.host.api.tasks.TaskRun;
import dev.openwork.host.api.tasks.ToolCall;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code bash} step: {@code bash -c <command>} as a real process in the workspace, with a
 * scrubbed environment and stdin from {@code /dev/null}. Its stdout and stderr are read line by line
 * on two threads and reported as they come. While it runs, cancellation, the step's timeout and the
 * task's deadline are looked at every {@value #POLL_MILLIS} ms; any of them kills the whole process
 * tree. When the step ends, whatever it left running in the background is killed too.
 */
final class BashTool {

    static final String CANCELLED = "cancelled";
    static final String INTERRUPTED = "interrupted: the shell runtime stopped";
    static final String DEADLINE_PASSED = "timed out: the task's deadline passed";
    /** The exit code of a stopped step whose process got away with 0 (it ended as it was stopped). */
    static final int TERMINATED = 143;
    static final int NOT_STARTED = 127;
    static final int KILLED = 137;
    static final long POLL_MILLIS = 100;
    /** How long the output readers get, after the tree is gone, to report what is left in the pipes. */
    private static final long DRAIN_MILLIS = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(BashTool.class);
    private static final File DEV_NULL = new File("/dev/null");

    private final TaskRun run;
    private final Path workspace;
    private final ShellTaskRuntime.Settings settings;
    private final BooleanSupplier closed;

    BashTool(TaskRun run, Path workspace, ShellTaskRuntime.Settings settings, BooleanSupplier closed) {
        this.run = run;
        this.workspace = workspace;
        this.settings = settings;
        this.closed = closed;
    }

    StepResult run(int step, ToolCall call) throws ToolException {
        String command = call.command();
        if (command == null || command.isBlank()) {
            throw ToolException.usage("A bash step needs a command.");
        }
        long timeoutSeconds = call.timeoutSeconds() == null ? settings.defaultStepTimeoutSeconds() : call.timeoutSeconds();
        if (timeoutSeconds <= 0) {
            throw ToolException.usage("timeoutSeconds must be at least 1, not " + call.timeoutSeconds() + ".");
        }
        Instant started = Instant.now();
        Instant limit = started.plusSeconds(timeoutSeconds);
        Instant deadline = run.deadline();
        boolean cappedByDeadline = deadline != null && deadline.isBefore(limit);
        if (cappedByDeadline) {
            limit = deadline;
        }
        String bash = bashExecutable();
        if (bash == null) {
            return new StepResult(NOT_STARTED, "bash was not found (neither /bin/bash nor on PATH).");
        }

        ProcessBuilder builder = new ProcessBuilder(bash, "-c", command)
                .directory(workspace.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
        Map<String, String> environment = builder.environment();
        environment.clear();
        environment.putAll(TaskEnvironment.scrub(System.getenv(), run.taskId()));

        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return new StepResult(NOT_STARTED, "bash could not be started: " + e.getMessage());
        }
        LOG.debug("Task {}: step {} runs as process {}", run.taskId(), step, process.pid());
        String name = "openwork-shell-" + run.taskId() + "-" + step;
        StreamPump out = new StreamPump(process.getInputStream(), "stdout", settings.maxOutputLineBytes(),
                line -> run.output(step, "stdout", line), name + "-stdout");
        StreamPump err = new StreamPump(process.getErrorStream(), "stderr", settings.maxOutputLineBytes(),
                line -> run.output(step, "stderr", line), name + "-stderr");
        out.start();
        err.start();

        ProcessTree tree = new ProcessTree(process.toHandle(), TaskEnvironment.TASK_ID + "=" + run.taskId());
        String stopReason = null;
        try {
            stopReason = waitFor(process, tree, limit, cappedByDeadline, Duration.between(started, limit));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopReason = CANCELLED + " (the task's thread was interrupted)";
        } finally {
            // After a stop: the whole tree. After a normal end: what it left in the background.
            if (!tree.terminate(settings.killGraceMillis())) {
                LOG.warn("Task {}: step {} left processes that could not be killed", run.taskId(), step);
            }
        }
        boolean drained = out.awaitDrained(DRAIN_MILLIS) & err.awaitDrained(DRAIN_MILLIS);
        if (!drained) {
            out.detach();
            err.detach();
            LOG.warn("Task {}: step {} has output pipes held open by a process outside its tree", run.taskId(), step);
        }
        int exitCode = exitCode(process);
        if (stopReason != null) {
            return new StepResult(exitCode == 0 ? TERMINATED : exitCode, stopReason);
        }
        return new StepResult(exitCode, "exit code " + exitCode);
    }

    /** Waits for the process; returns why it must be stopped, or {@code null} when it ended by itself. */
    private String waitFor(Process process, ProcessTree tree, Instant limit, boolean cappedByDeadline, Duration allowed)
            throws InterruptedException {
        while (!process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
            tree.track();
            if (closed.getAsBoolean()) {
                return INTERRUPTED;
            }
            Instant now = Instant.now();
            if (run.stopRequested()) {
                Instant deadline = run.deadline();
                return deadline != null && !now.isBefore(deadline) ? DEADLINE_PASSED : CANCELLED;
            }
            if (!now.isBefore(limit)) {
                long seconds = Math.max(1, (allowed.toMillis() + 500) / 1000);
                return cappedByDeadline
                        ? "timed out after " + seconds + " s (the task's deadline)"
                        : "timed out after " + seconds + " s";
            }
        }
        return null;
    }

    /** The exit code; the tree was terminated before, so the process is gone (else: as if killed). */
    private static int exitCode(Process process) {
        if (!process.isAlive()) {
            return process.exitValue();
        }
        try {
            if (process.waitFor(DRAIN_MILLIS, TimeUnit.MILLISECONDS)) {
                return process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return KILLED;
    }

    /** {@code /bin/bash}, else the first {@code bash} on the host's PATH, else {@code null}. */
    static String bashExecutable() {
        Path fixed = Path.of("/bin/bash");
        if (Files.isExecutable(fixed)) {
            return fixed.toString();
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String directory : path.split(File.pathSeparator)) {
                if (directory.isEmpty()) {
                    continue;
                }
                Path candidate = Path.of(directory, "bash");
                if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                    return candidate.toString();
                }
            }
        }
        return null;
    }
}
