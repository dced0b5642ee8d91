package dev.openwork.host.runtime.shell.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.openwork.host.api.tasks.TaskRuntime;
import dev.openwork.host.api.tasks.ToolCall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;

public class BashStepTest {

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    @Rule
    public final Timeout timeout = Timeout.seconds(10);

    private Path workspace;
    private final ShellTaskRuntime runtime = new ShellTaskRuntime(new ShellTaskRuntime.Settings(600, 300, 65536));

    @Before
    public void setUp() throws Exception {
        workspace = temp.newFolder("workspace").toPath();
    }

    @Test
    public void outputIsCapturedInOrderPerStream() throws Exception {
        FakeTaskRun run = new FakeTaskRun(workspace,
                ToolCall.bash("for i in $(seq 1 300); do echo out$i; echo err$i >&2; done"));
        TaskRuntime.Outcome outcome = runtime.run(run);
        assertTrue(outcome.summary(), outcome.succeeded());
        assertEquals(Integer.valueOf(0), outcome.exitCode());
        List<String> out = new ArrayList<>();
        List<String> err = new ArrayList<>();
        for (int i = 1; i <= 300; i++) {
            out.add("out" + i);
            err.add("err" + i);
        }
        assertEquals(out, run.lines(0, "stdout"));
        assertEquals(err, run.lines(0, "stderr"));
        assertEquals(List.of("check 0 bash", "started 0 bash", "finished 0 0"), run.calls());
    }

    @Test
    public void outputArrivesWhileTheCommandStillRuns() throws Exception {
        FakeTaskRun run = new FakeTaskRun(workspace, ToolCall.bash("echo first; sleep 30; echo second"));
        CountDownLatch firstLine = new CountDownLatch(1);
        RunInBackground task = new RunInBackground(runtime, run);
        Thread watcher = new Thread(() -> {
            try {
                if (run.awaitLine(l -> l.text().equals("first"), Duration.ofSeconds(5)) != null) {
                    firstLine.countDown();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        watcher.start();
        assertTrue("the first line must arrive before the command ends", firstLine.await(5, TimeUnit.SECONDS));
        assertFalse("the command is still sleeping", task.isDone());
        assertEquals(List.of("first"), run.lines(0, "stdout"));
        run.requestStop();
        TaskRuntime.Outcome outcome = task.await(Duration.ofSeconds(3));
        assertFalse(outcome.succeeded());
        assertEquals(List.of("first"), run.lines(0, "stdout"));
    }

    @Test
    public void aFailingStepEndsTheTaskWithItsExitCode() throws Exception {
        FakeTaskRun run = new FakeTaskRun(workspace, ToolCall.bash("echo before; exit 3"),
                ToolCall.bash("touch should-not-exist"));
        TaskRuntime.Outcome outcome = runtime.run(run);
        assertFalse(outcome.succeeded());
        assertEquals(Integer.valueOf(3), outcome.exitCode());
        assertTrue(outcome.summary(), outcome.summary().contains("Step 1 of 2 (bash)"));
        assertTrue(outcome.summary(), outcome.summary().contains("exit code 3"));
        assertEquals(List.of("check 0 bash", "started 0 bash", "finished 0 3"), run.calls());
        assertFalse(Files.exists(workspace.resolve("should-not-exist")));
    }

    @Test
    public void allStepsSucceedInOrderInTheWorkspace() throws Exception {
        FakeTaskRun run = new FakeTaskRun(workspace, ToolCall.bash("pwd; echo one > a.txt"),
                ToolCall.bash("cat a.txt; cat < /dev/stdin | wc -c"));
        TaskRuntime.Outcome outcome = runtime.run(run);
        assertTrue(outcome.summary(), outcome.succeeded());
        assertEquals(Integer.valueOf(0), outcome.exitCode());
        assertEquals("2 steps succeeded.", outcome.summary());
        assertEquals(List.of(workspace.toRealPath().toString()), run.lines(0, "stdout"));
        // stdin is /dev/null: reading it ends at once with nothing
        assertEquals(List.of("one", "0"), run.lines(1, "stdout"));
        assertEquals("exit code 0", run.finished().get(1).summary());
    }

    @Test
    public void longLinesAreSplitAndInvalidUtf8IsReplaced() throws Exception {
        FakeTaskRun run = new FakeTaskRun(workspace,
                ToolCall.bash("head -c 200000 /dev/zero | tr '\\0' a; echo; printf 'ok\\xff\\xfe!\\r\\nlast'"));
        TaskRuntime.Outcome outcome = runtime.run(run);
        assertTrue(outcome.summary(), outcome.succeeded());
        List<String> lines = run.lines(0, "stdout");
        assertEquals(6, lines.size());
        assertEquals(65536, lines.get(0).length());
        assertEquals(65536, lines.get(1).length());
        assertEquals(65536, lines.get(2).length());
        assertEquals(200000 - 3 * 65536, lines.get(3).length());
        assertEquals("ok\uFFFD\uFFFD!", lines.get(4));
        assertEquals("last", lines.get(5));
    }

    @Test
    public void theEnvironmentHoldsOnlyTheAllowlistAndTheTaskId() throws Exception {
        FakeTaskRun run = new FakeTaskRun("task-env-1", workspace, java.time.Instant.now().plusSeconds(60),
                ToolCall.bash("env -0 | tr '\\0\\n' '\\n '"));
        TaskRuntime.Outcome outcome = runtime.run(run);
        assertTrue(outcome.summary(), outcome.succeeded());
        Set<String> allowed = new HashSet<>(TaskEnvironment.ALLOWED);
        allowed.add(TaskEnvironment.TASK_ID);
        // set by bash itself for every command it runs, not inherited from the host
        allowed.addAll(List.of("PWD", "SHLVL", "_", "OLDPWD"));
        List<String> names = new ArrayList<>();
        for (String line : run.lines(0, "stdout")) {
            int equals = line.indexOf('=');
            assertTrue(line, equals > 0);
            names.add(line.substring(0, equals));
        }
        for (String name : names) {
            assertTrue("the task saw " + name, allowed.contains(name));
        }
        assertTrue(run.lines(0, "stdout").contains("OPENWORK_TASK_ID=task-env-1"));
        if (System.getenv("PATH") != null) {
            assertTrue(run.lines(0, "stdout").contains("PATH=" + System.getenv("PATH")));
        }
    }

    @Test
    public void aBashStepWithoutACommandFailsClearly() throws Exception {
        FakeTaskRun run = new FakeTaskRun(workspace, new ToolCall("bash", " ", null, null, null, null, null));
        TaskRuntime.Outcome outcome = runtime.run(run);
        assertFalse(outcome.succeeded());
        assertEquals(Integer.valueOf(ToolException.USAGE), outcome.exitCode());
        assertTrue(outcome.summary(), outcome.summary().contains("needs a command"));
    }

    @Test
    public void aNonPositiveTimeoutIsRefused() throws Exception {
        FakeTaskRun run = new FakeTaskRun(workspace, new ToolCall("bash", "true", null, null, null, null, 0));
        TaskRuntime.Outcome outcome = runtime.run(run);
        assertFalse(outcome.succeeded());
        assertTrue(outcome.summary(), outcome.summary().contains("timeoutSeconds"));
        assertEquals(Integer.valueOf(ToolException.USAGE), outcome.exitCode());
        assertEquals(ToolException.USAGE, run.finished().get(0).exitCode());
    }
}
