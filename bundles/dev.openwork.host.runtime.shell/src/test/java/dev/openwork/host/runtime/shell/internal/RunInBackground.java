package dev.openwork.host.runtime.shell.internal;

import dev.openwork.host.api.tasks.TaskRuntime;
import java.time.Duration;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/** Runs a task on its own thread, as the host's task queue does, so the test can watch and stop it. */
final class RunInBackground {

    private final FutureTask<TaskRuntime.Outcome> future;

    RunInBackground(TaskRuntime runtime, FakeTaskRun run) {
        this.future = new FutureTask<>(() -> runtime.run(run));
        Thread thread = new Thread(future, "test-task-" + run.taskId());
        thread.setDaemon(true);
        thread.start();
    }

    boolean isDone() {
        return future.isDone();
    }

    /** The outcome, waiting at most {@code timeout} for it. */
    TaskRuntime.Outcome await(Duration timeout) throws Exception {
        return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
