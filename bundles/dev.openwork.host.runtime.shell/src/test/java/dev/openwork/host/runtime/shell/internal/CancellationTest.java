package dev.openwork.host.runtime.shell.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.openwork.host.api.tasks.TaskRuntime;
import dev.openwork.host.api.tasks.ToolCall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;

/** Stopping a running step: cancellation, step timeouts, the task's deadline, leftovers. */
public class CancellationTest {

    private static final long GRACE_MILLIS = 300;
    /** What the contract allows between the stop and the end of {@code run}: grace + 1 s. */
    private static final Duration STOP_BOUND = Duration.ofMillis(GRACE_MILLIS + 1000);

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    @Rule
    public final Timeout timeout = Timeout.seconds(10);

    private Path workspace;
    private final ShellTaskRuntime runtime =
            new ShellTaskRuntime(new ShellTaskRuntime.Settings(600, GRACE_MILLIS, 65536));

    @Before
    public void setUp() throws Exception {
        workspace = temp.newFolder("workspace").toPath();
    }

    /** Waits for the first {@code count} stdout lines of step 0, each a pid the command printed. */
    private static List<Long> awaitPids(FakeTaskRun run, int count) throws InterruptedException {
        List<String> lines = run.awaitLines(0, "stdout", count, Duration.ofSeconds(5));
        assertTrue("expected " + count + " pids, got " + lines, lines.size() >= count);
        List<Long> pids = new ArrayList<>();
        for (String line : lines.subList(0, count)) {
            pids.add(Long.parseLong(line.trim()));
        }
        return pids;
    }

    private static void assertAllGone(List<Long> pids) {
        for (long pid : pids) {
            Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            assertFalse("process " + pid + " still runs", handle.isPresent() && ProcessTree.isRunning(handle.get()));
        }
    }

    @Test
    public void cancelKillsTheWholeProcessTree() throws Exception {
        FakeTaskRun run = new FakeTaskRun(workspace,
                ToolCall.bash("echo $$; sleep 300 & echo $!; sleep 300 & echo $!; wait"),
                ToolCall.bash("touch should-not-exist"));
        RunInBackground task = new RunInBackground(runtime, run);
        List<Long> pids = awaitPids(run, 3);
        for (long pid : pids) {
            assertTrue("process " + pid + " should run before the stop",
                    ProcessHandle.of(pid).map(ProcessTree::isRunning).orElse(false));
        }
        long stoppedAt = System.nanoTime();
        run.requestStop();
        TaskRuntime.Outcome outcome = task.await(STOP_BOUND);
        assertTrue("run must return within grace + 1 s",
                System.nanoTime() - stoppedAt <= STOP_BOUND.toNanos());
        assertAllGone(pids);
        assertFalse(outcome.succeeded());
        assertEquals(Integer.valueOf(143), outcome.exitCode());
        assertTrue(outcome.summary(), outcome.summary().contains("cancelled"));
        assertEquals(List.of("check 0 bash", "started 0 bash", "finished 0 143"), run.calls());
        assertFalse(Files.exists(workspace.resolve("should-not-exist")));
    }

    @Test
    public void processesThatIgnoreSigtermGetSigkillAfterTheGracePeriod() throws Exception {
        FakeTaskRun run = new FakeTaskRun(workspace,
                ToolCall.bash("trap '' TERM; echo $$; sleep 300 & echo $!; sleep 300 & echo $!; wait"));
        RunInBackground task = new RunInBackground(runtime, run);
        List<Long> pids = awaitPids(run, 3);
        long stoppedAt = System.nanoTime();
        run.requestStop();
        TaskRuntime.Outcome outcome = task.await(STOP_BOUND);
        long tookMillis = (System.nanoTime() - stoppedAt) / 1_000_000;
        assertTrue("SIGKILL comes only after the grace period, took " + tookMillis + " ms", tookMillis >= GRACE_MILLIS);
        assertAllGone(pids);
        assertEquals(Integer.valueOf(137), outcome.exitCode());
        assertTrue(outcome.summary(), outcome.summary().contains("cancelled"));
    }

    @Test
    public void aStepTimesOut() throws Exception {
        FakeTaskRun run = new FakeTaskRun(workspace, new ToolCall("bash", "echo $$; exec sleep 300", null, null, null,
                null, 1));
        long startedAt = System.nanoTime();
        TaskRuntime.Outcome outcome = runtime.run(run);
        long tookMillis = (System.nanoTime() - startedAt) / 1_000_000;
        assertTrue("took " + tookMillis + " ms", tookMillis >= 1000 && tookMillis < 1000 + STOP_BOUND.toMillis());
        assertFalse(outcome.succeeded());
        assertEquals(Integer.valueOf(143), outcome.exitCode());
        assertTrue(outcome.summary(), outcome.summary().endsWith("timed out after 1 s"));
        assertAllGone(List.of(Long.parseLong(run.lines(0, "stdout").get(0))));
    }

    @Test
    public void theTaskDeadlineCapsTheStepTimeout() throws Exception {
        FakeTaskRun run = new FakeTaskRun("task-deadline", workspace, Instant.now().plusMillis(1000),
                ToolCall.bash("sleep 300"), ToolCall.bash("true"));
        TaskRuntime.Outcome outcome = runtime.run(run);
        assertFalse(outcome.succeeded());
        assertTrue(outcome.summary(), outcome.summary().contains("timed out"));
        assertTrue(outcome.summary(), outcome.summary().contains("deadline"));
        assertEquals(List.of("check 0 bash", "started 0 bash", "finished 0 143"), run.calls());
    }

    @Test
    public void aTaskStoppedBeforeAStepStartsRunsNothing() throws Exception {
        FakeTaskRun run = new FakeTaskRun(workspace, ToolCall.bash("touch should-not-exist"));
        run.requestStop();
        TaskRuntime.Outcome outcome = runtime.run(run);
        assertFalse(outcome.succeeded());
        assertTrue(outcome.summary(), outcome.summary().contains("cancelled"));
        assertEquals(List.of(), run.calls());
        assertFalse(Files.exists(workspace.resolve("should-not-exist")));
    }

    @Test
    public void backgroundProcessesDoNotOutliveTheirStep() throws Exception {
        // The shell ends at once; its background child holds the output pipe and would run for 300 s.
        FakeTaskRun run = new FakeTaskRun(workspace, ToolCall.bash("sleep 300 & echo $!"));
        TaskRuntime.Outcome outcome = runtime.run(run);
        assertTrue(outcome.summary(), outcome.succeeded());
        assertAllGone(List.of(Long.parseLong(run.lines(0, "stdout").get(0))));
    }

    @Test
    public void deactivationInterruptsARunningTask() throws Exception {
        FakeTaskRun run = new FakeTaskRun(workspace, ToolCall.bash("echo $$; exec sleep 300"));
        RunInBackground task = new RunInBackground(runtime, run);
        List<Long> pids = awaitPids(run, 1);
        runtime.deactivate();
        TaskRuntime.Outcome outcome = task.await(STOP_BOUND);
        assertFalse(outcome.succeeded());
        assertTrue(outcome.summary(), outcome.summary().contains("interrupted"));
        assertAllGone(pids);
    }
}
