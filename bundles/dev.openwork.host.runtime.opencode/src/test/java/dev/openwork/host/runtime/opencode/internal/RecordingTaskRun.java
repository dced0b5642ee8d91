package dev.openwork.host.runtime.opencode.internal;

import dev.openwork.host.api.tasks.TaskRequest;
import dev.openwork.host.api.tasks.TaskRun;
import dev.openwork.host.api.tasks.ToolCall;
import dev.openwork.host.api.tasks.ToolGate;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A TaskRun that records what the runtime reports, with a scripted gate. */
final class RecordingTaskRun implements TaskRun {

    final List<String> events = new CopyOnWriteArrayList<>();
    final List<ToolCall> checked = new CopyOnWriteArrayList<>();
    volatile Function<ToolCall, ToolGate.Decision> gate = call -> ToolGate.Decision.allow("test policy");
    volatile boolean stop;
    volatile int stepOfLastCheck;

    @Override
    public String taskId() {
        return "task_test";
    }

    @Override
    public TaskRequest request() {
        return new TaskRequest("opencode", "/tmp", null, "hi", null);
    }

    @Override
    public Path workspace() {
        return Path.of("/tmp");
    }

    @Override
    public ToolGate.Decision check(int step, ToolCall call) {
        checked.add(call);
        stepOfLastCheck = step;
        events.add("check|" + step + "|" + ToolCalls.describe(call));
        return gate.apply(call);
    }

    @Override
    public void toolStarted(int step, ToolCall call) {
        events.add("started|" + step + "|" + ToolCalls.describe(call));
    }

    @Override
    public void toolFinished(int step, int exitCode, String summary) {
        events.add("finished|" + step + "|" + exitCode + "|" + summary);
    }

    @Override
    public void output(int step, String stream, String line) {
        events.add(stream + "|" + step + "|" + line);
    }

    @Override
    public boolean stopRequested() {
        return stop;
    }

    @Override
    public Instant deadline() {
        return Instant.now().plusSeconds(3600);
    }

    String joined() {
        return String.join("\n", events);
    }
}
