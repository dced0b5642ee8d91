package dev.openwork.host.runtime.shell.internal;

import dev.openwork.host.api.tasks.TaskRequest;
import dev.openwork.host.api.tasks.TaskRun;
import dev.openwork.host.api.tasks.ToolCall;
import dev.openwork.host.api.tasks.ToolGate;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * A {@link TaskRun} that records every call, answers the gate with a function the test chooses
 * (default: allow) and lets the test request a stop.
 */
final class FakeTaskRun implements TaskRun {

    /** One reported line. */
    record Line(int step, String stream, String text) {
    }

    /** One finished tool call. */
    record Finished(int step, int exitCode, String summary) {
    }

    private final String taskId;
    private final TaskRequest request;
    private final Path workspace;
    private volatile Instant deadline;
    private volatile boolean stop;
    private volatile BiFunction<Integer, ToolCall, ToolGate.Decision> gate =
            (step, call) -> ToolGate.Decision.allow("allowed by the test");

    private final List<String> calls = new ArrayList<>();
    private final List<Line> lines = new ArrayList<>();
    private final List<Finished> finished = new ArrayList<>();

    FakeTaskRun(Path workspace, ToolCall... steps) {
        this("task-" + System.nanoTime(), workspace, Instant.now().plusSeconds(60), steps);
    }

    FakeTaskRun(String taskId, Path workspace, Instant deadline, ToolCall... steps) {
        this.taskId = taskId;
        this.workspace = workspace;
        this.deadline = deadline;
        this.request = new TaskRequest("shell", workspace.toString(), Arrays.asList(steps), null, null);
    }

    FakeTaskRun gate(BiFunction<Integer, ToolCall, ToolGate.Decision> gate) {
        this.gate = gate;
        return this;
    }

    FakeTaskRun deadline(Instant deadline) {
        this.deadline = deadline;
        return this;
    }

    /** What the host does on cancel. */
    void requestStop() {
        stop = true;
    }

    @Override
    public String taskId() {
        return taskId;
    }

    @Override
    public TaskRequest request() {
        return request;
    }

    @Override
    public Path workspace() {
        return workspace;
    }

    @Override
    public ToolGate.Decision check(int step, ToolCall call) {
        record("check " + step + " " + call.tool());
        return gate.apply(step, call);
    }

    @Override
    public void toolStarted(int step, ToolCall call) {
        record("started " + step + " " + call.tool());
    }

    @Override
    public void toolFinished(int step, int exitCode, String summary) {
        record("finished " + step + " " + exitCode);
        synchronized (this) {
            finished.add(new Finished(step, exitCode, summary));
        }
    }

    @Override
    public synchronized void output(int step, String stream, String line) {
        lines.add(new Line(step, stream, line));
        notifyAll();
    }

    @Override
    public boolean stopRequested() {
        return stop;
    }

    @Override
    public Instant deadline() {
        return deadline;
    }

    private synchronized void record(String call) {
        calls.add(call);
    }

    /** Every call to check, toolStarted and toolFinished, in order. */
    synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    synchronized List<Finished> finished() {
        return List.copyOf(finished);
    }

    /** The lines of one stream of one step, in the order they were reported. */
    synchronized List<String> lines(int step, String stream) {
        return lines.stream().filter(l -> l.step() == step && l.stream().equals(stream)).map(Line::text).toList();
    }

    /** Waits (at most {@code timeout}) until a stream of a step has {@code count} lines; returns them all. */
    synchronized List<String> awaitLines(int step, String stream, int count, Duration timeout)
            throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (lines(step, stream).size() < count) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                break;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return lines(step, stream);
    }

    /** Waits (at most {@code timeout}) until a reported line matches; returns it, or {@code null}. */
    synchronized Line awaitLine(Predicate<Line> wanted, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        while (true) {
            for (; seen < lines.size(); seen++) {
                if (wanted.test(lines.get(seen))) {
                    return lines.get(seen);
                }
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }
}
