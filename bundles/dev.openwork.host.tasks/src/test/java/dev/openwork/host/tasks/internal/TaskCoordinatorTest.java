package dev.openwork.host.tasks.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostException;
import dev.openwork.host.api.tasks.Task;
import dev.openwork.host.api.tasks.TaskEvent;
import dev.openwork.host.api.tasks.TaskQuery;
import dev.openwork.host.api.tasks.TaskRequest;
import dev.openwork.host.api.tasks.TaskRuntime;
import dev.openwork.host.api.tasks.TaskState;
import dev.openwork.host.api.tasks.ToolCall;
import dev.openwork.host.api.tasks.ToolGate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;

public class TaskCoordinatorTest {

    private static final Set<String> RUNNER = Set.of("tasks:run", "tasks:read", "runtime:*", "workspace:*");

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();
    @Rule
    public Timeout deadline = Timeout.seconds(30);

    private final Map<String, TaskRuntime> runtimes = new ConcurrentHashMap<>();
    private final List<Task> stateChanges = new ArrayList<>();
    private MemoryEventLog log;
    private TaskCoordinator coordinator;
    private Path workspace;
    private volatile ToolGate gate = new ScopeGate();

    @Before
    public void create() throws Exception {
        workspace = folder.newFolder("ws").toPath().toRealPath();
        log = new MemoryEventLog();
        runtimes.put("echo", run -> {
            for (int i = 0; i < 3; i++) {
                run.output(0, "stdout", "line " + i);
            }
            return new TaskRuntime.Outcome(true, 0, "printed 3 lines");
        });
        runtimes.put("gated", run -> {
            ToolGate.Decision decision = run.check(0, ToolCall.bash("curl example.org"));
            return new TaskRuntime.Outcome(decision.allowed(), decision.allowed() ? 0 : null, decision.reason());
        });
        runtimes.put("forever", run -> {
            run.output(0, "stdout", "started");
            while (!run.stopRequested()) {
                Thread.onSpinWait();
            }
            return new TaskRuntime.Outcome(false, 143, "stopped");
        });
        coordinator = newCoordinator(log);
    }

    private TaskCoordinator newCoordinator(MemoryEventLog eventLog) throws java.io.IOException {
        return new TaskCoordinator(eventLog, runtimes::get, () -> new ArrayList<>(runtimes.keySet()), () -> gate,
                task -> {
                    synchronized (stateChanges) {
                        stateChanges.add(task);
                        stateChanges.notifyAll();
                    }
                }, Clock.systemUTC(), new TaskCoordinator.Settings(4, 2, Duration.ofMinutes(10), Duration.ofHours(1), 50,
                        List.of(folder.getRoot().toPath().toRealPath())));
    }

    @After
    public void shutdown() {
        coordinator.shutdown();
    }

    private TaskRequest request(String runtime, Integer timeout) {
        return new TaskRequest(runtime, workspace.toString(), List.of(ToolCall.bash("true")), null, timeout);
    }

    private Task awaitTerminal(String taskId) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        try (var subscription = coordinator.subscribe(event -> {
            if (event.taskId().equals(taskId) && event.state() != null && event.state().isTerminal()) {
                done.countDown();
            }
        })) {
            if (!coordinator.find(taskId).orElseThrow().state().isTerminal()) {
                assertTrue("the task ends", done.await(20, TimeUnit.SECONDS));
            }
        }
        return coordinator.find(taskId).orElseThrow();
    }

    @Test
    public void aTaskRunsAndEveryChangeIsAnEventInOrder() throws Exception {
        Task task = coordinator.submit("dev_a", RUNNER, request("echo", null));
        assertEquals(TaskState.QUEUED, task.state());
        Task done = awaitTerminal(task.id());
        assertEquals(TaskState.SUCCEEDED, done.state());
        assertEquals("printed 3 lines", done.summary());
        List<TaskEvent> events = coordinator.events(task.id(), 0, 100);
        assertEquals(List.of("created", "state", "output", "output", "output", "state"),
                events.stream().map(TaskEvent::type).toList());
        for (int i = 1; i < events.size(); i++) {
            assertTrue("ids increase", events.get(i).id() > events.get(i - 1).id());
        }
        assertEquals("paging resumes exactly", events.subList(3, 6), coordinator.events(task.id(), events.get(2).id(), 100));
        assertEquals(done.lastEventId(), events.get(events.size() - 1).id());
    }

    @Test
    public void aRuntimeWhoseEngineDiedInterruptsTheTaskKeepingItsOutput() throws Exception {
        runtimes.put("engine-dies", run -> {
            run.output(0, "stdout", "before");
            throw new dev.openwork.host.api.tasks.TaskInterruptedException("OpenCode stopped unexpectedly (exit code 137)");
        });
        Task task = coordinator.submit("dev_a", RUNNER, request("engine-dies", null));
        Task done = awaitTerminal(task.id());
        assertEquals(TaskState.INTERRUPTED, done.state());
        assertEquals("OpenCode stopped unexpectedly (exit code 137)", done.summary());
        assertEquals("before", coordinator.events(task.id(), 0, 100).get(2).text());
    }

    @Test
    public void aSessionMustBeAnOpaqueId() {
        assertRefused(ErrorCode.INVALID_REQUEST, new TaskRequest("echo", workspace.toString(), null, "hi", null, "../etc", null));
    }

    @Test
    public void cancelStopsARunningTaskAndAQueuedOne() throws Exception {
        coordinator.update(new TaskCoordinator.Settings(1, 1, Duration.ofMinutes(10), Duration.ofHours(1), 50,
                List.of(folder.getRoot().toPath().toRealPath())));
        Task running = coordinator.submit("dev_a", RUNNER, request("forever", null));
        Task queued = coordinator.submit("dev_b", RUNNER, request("echo", null));
        awaitState(running.id(), TaskState.RUNNING);
        assertEquals(TaskState.QUEUED, coordinator.find(queued.id()).orElseThrow().state());
        assertEquals(TaskState.CANCELLED, coordinator.cancel(queued.id()).state());
        coordinator.cancel(running.id());
        Task cancelled = awaitTerminal(running.id());
        assertEquals(TaskState.CANCELLED, cancelled.state());
        assertEquals("cancelled", cancelled.summary());
    }

    @Test
    public void aTaskWhoseRuntimeStopsUnderItIsInterruptedNotFailed() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch runtimeGone = new CountDownLatch(1);
        runtimes.put("leaving", run -> {
            running.countDown();
            runtimeGone.await(10, TimeUnit.SECONDS);
            return new TaskRuntime.Outcome(false, 143, "interrupted");
        });
        Task task = coordinator.submit("dev_a", RUNNER, request("leaving", null));
        assertTrue(running.await(10, TimeUnit.SECONDS));
        runtimes.remove("leaving"); // what the whiteboard does when the runtime's bundle stops
        runtimeGone.countDown();
        Task done = awaitTerminal(task.id());
        assertEquals(TaskState.INTERRUPTED, done.state());
        assertTrue(done.summary(), done.summary().startsWith("the runtime 'leaving' stopped while the task ran"));
    }

    @Test
    public void aQueuedTaskWaitsForItsRuntimeToComeBack() throws Exception {
        coordinator.update(new TaskCoordinator.Settings(1, 1, Duration.ofMinutes(10), Duration.ofHours(1), 50,
                List.of(folder.getRoot().toPath().toRealPath())));
        Task blocker = coordinator.submit("dev_a", RUNNER, request("forever", null));
        awaitState(blocker.id(), TaskState.RUNNING);
        Task waiting = coordinator.submit("dev_b", RUNNER, request("echo", null));
        TaskRuntime echo = runtimes.remove("echo"); // its bundle is being updated
        coordinator.cancel(blocker.id());
        awaitTerminal(blocker.id());
        assertEquals("it waits instead of failing", TaskState.QUEUED, coordinator.find(waiting.id()).orElseThrow().state());
        runtimes.put("echo", echo);
        coordinator.runtimesChanged();
        assertEquals(TaskState.SUCCEEDED, awaitTerminal(waiting.id()).state());
    }

    @Test
    public void aTaskOverItsTimeoutFails() throws Exception {
        Task task = coordinator.submit("dev_a", RUNNER, request("forever", 1));
        Task done = awaitTerminal(task.id());
        assertEquals(TaskState.FAILED, done.state());
        assertTrue(done.summary(), done.summary().startsWith("timed out"));
    }

    @Test
    public void badRequestsAreRefusedAndCreateNothing() throws Exception {
        assertRefused(ErrorCode.NOT_FOUND, new TaskRequest("nope", workspace.toString(), List.of(ToolCall.bash("x")), null, null));
        assertRefused(ErrorCode.INVALID_REQUEST, new TaskRequest("echo", "relative/dir", List.of(ToolCall.bash("x")), null, null));
        assertRefused(ErrorCode.INVALID_REQUEST, new TaskRequest("echo", workspace.resolve("missing").toString(),
                List.of(ToolCall.bash("x")), null, null));
        assertRefused(ErrorCode.FORBIDDEN, new TaskRequest("echo", "/", List.of(ToolCall.bash("x")), null, null));
        Path link = folder.getRoot().toPath().resolve("escape");
        Files.createSymbolicLink(link, Path.of("/"));
        assertRefused(ErrorCode.FORBIDDEN, new TaskRequest("echo", link.toString(), List.of(ToolCall.bash("x")), null, null));
        assertRefused(ErrorCode.INVALID_REQUEST, new TaskRequest("echo", workspace.toString(), List.of(), null, null));
        List<ToolCall> huge = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            huge.add(ToolCall.bash("echo " + i));
        }
        assertRefused(ErrorCode.INVALID_REQUEST, new TaskRequest("echo", workspace.toString(), huge, null, null));
        assertRefused(ErrorCode.INVALID_REQUEST, new TaskRequest("echo", workspace.toString(),
                List.of(new ToolCall("rm", null, null, null, null, null, null)), null, null));
        assertRefused(ErrorCode.INVALID_REQUEST, new TaskRequest("echo", workspace.toString(),
                List.of(ToolCall.bash("x".repeat(70_000))), null, null));
        assertRefused(ErrorCode.INVALID_REQUEST, request("echo", 0));
        assertRefused(ErrorCode.INVALID_REQUEST, new TaskRequest("echo", workspace.toString(),
                List.of(new ToolCall("read", null, "../outside.txt", null, null, null, null)), null, null));
        assertRefused(ErrorCode.INVALID_REQUEST, new TaskRequest("echo", workspace.toString(),
                List.of(new ToolCall("read", null, "/etc/passwd", null, null, null, null)), null, null));
        Files.createSymbolicLink(workspace.resolve("out"), Path.of("/etc"));
        assertRefused(ErrorCode.INVALID_REQUEST, new TaskRequest("echo", workspace.toString(),
                List.of(new ToolCall("write", null, "out/evil", "x", null, null, null)), null, null));
        try {
            coordinator.submit("dev_a", Set.of("tasks:read"), request("echo", null));
            fail("a device without tasks:run submitted a task");
        } catch (HostException e) {
            assertEquals(ErrorCode.FORBIDDEN, e.code());
        }
        assertEquals("no half-created task", 0, log.lastEventId());
        assertTrue(coordinator.list(new TaskQuery(Set.of(), null, null, 0, 100)).isEmpty());
    }

    @Test
    public void aDeviceRunsOnlyWithTheRuntimesAndWorkspacesItWasGranted() throws Exception {
        Set<String> shellOnly = Set.of("tasks:run", "runtime:shell", "workspace:*");
        assertForbidden(shellOnly, request("echo", null), "runtime 'echo'");
        Set<String> otherWorkspace = Set.of("tasks:run", "runtime:echo", "workspace:" + folder.newFolder("other").toPath().toRealPath());
        assertForbidden(otherWorkspace, request("echo", null), "may not run tasks in " + workspace);
        assertForbidden(Set.of("tasks:run", "runtime:echo"), request("echo", null), "may not run tasks in");
        assertEquals("no half-created task", 0, log.lastEventId());

        Set<String> exact = Set.of("tasks:run", "runtime:echo", "workspace:" + folder.getRoot().toPath().toRealPath());
        assertEquals(TaskState.SUCCEEDED, awaitTerminal(coordinator.submit("dev_a", exact, request("echo", null)).id()).state());
        assertEquals("the admin needs no grant", TaskState.SUCCEEDED,
                awaitTerminal(coordinator.submit(null, Set.of("admin"), request("echo", null)).id()).state());
    }

    @Test
    public void theFallbackGateChecksTheGrantsOfEveryToolCall() {
        ToolGate scopes = new ScopeGate();
        ToolCall call = ToolCall.bash("true");
        String ws = workspace.toString();
        assertTrue(scopes.check(new ToolGate.ToolRequest("t", "d", RUNNER, "shell", ws, 0, call)).allowed());
        assertFalse(scopes.check(new ToolGate.ToolRequest("t", "d", Set.of("tasks:read", "runtime:*", "workspace:*"), "shell",
                ws, 0, call)).allowed());
        assertFalse(scopes.check(new ToolGate.ToolRequest("t", "d", Set.of("tasks:run", "runtime:echo", "workspace:*"), "shell",
                ws, 0, call)).allowed());
        ToolGate.Decision elsewhere = scopes.check(new ToolGate.ToolRequest("t", "d",
                Set.of("tasks:run", "runtime:shell", "workspace:/nowhere"), "shell", ws, 0, call));
        assertFalse(elsewhere.allowed());
        assertTrue(elsewhere.reason(), elsewhere.reason().contains(ws));
    }

    @Test
    public void aQuestionToAPersonIsJournaledWithTheMovesToWaitingAndBack() throws Exception {
        CountDownLatch asked = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        gate = new ToolGate() {
            @Override
            public Decision check(ToolRequest request) {
                throw new AssertionError("the coordinator passes its prompt channel");
            }

            @Override
            public Decision check(ToolRequest request, PromptChannel prompts) {
                prompts.asked("{\"id\":\"perm_1\"}");
                asked.countDown();
                try {
                    assertTrue(answer.await(10, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                assertFalse(prompts.stopRequested());
                prompts.replied("{\"promptId\":\"perm_1\",\"decision\":\"once\"}");
                return Decision.allow("allowed once");
            }
        };
        Task task = coordinator.submit("dev_a", RUNNER, request("gated", null));
        assertTrue(asked.await(10, TimeUnit.SECONDS));
        assertEquals("the task waits while the person is asked", TaskState.WAITING_PERMISSION,
                coordinator.find(task.id()).orElseThrow().state());
        answer.countDown();
        assertEquals(TaskState.SUCCEEDED, awaitTerminal(task.id()).state());
        List<String> journal = coordinator.events(task.id(), 0, 100).stream()
                .map(e -> e.type() + (e.state() == null ? "" : ":" + e.state().name().toLowerCase())).toList();
        assertEquals(List.of("created:queued", "state:running", "permission.asked", "state:waiting_permission",
                "permission.replied", "state:running", "state:succeeded"), journal);
        assertEquals("{\"id\":\"perm_1\"}", coordinator.events(task.id(), 0, 100).get(2).text());
    }

    @Test
    public void cancellingATaskThatWaitsForAnAnswerReachesTheGate() throws Exception {
        CountDownLatch asked = new CountDownLatch(1);
        gate = new ToolGate() {
            @Override
            public Decision check(ToolRequest request) {
                throw new AssertionError("the coordinator passes its prompt channel");
            }

            @Override
            public Decision check(ToolRequest request, PromptChannel prompts) {
                prompts.asked("{}");
                asked.countDown();
                while (!prompts.stopRequested()) {
                    Thread.onSpinWait();
                }
                prompts.replied("{}");
                return Decision.deny("the task was cancelled while it waited");
            }
        };
        Task task = coordinator.submit("dev_a", RUNNER, request("gated", null));
        assertTrue(asked.await(10, TimeUnit.SECONDS));
        coordinator.cancel(task.id());
        assertEquals(TaskState.CANCELLED, awaitTerminal(task.id()).state());
    }

    private void assertForbidden(Set<String> scopes, TaskRequest request, String message) {
        try {
            coordinator.submit("dev_a", scopes, request);
            fail("accepted " + request + " with " + scopes);
        } catch (HostException e) {
            assertEquals(e.getMessage(), ErrorCode.FORBIDDEN, e.code());
            assertTrue(e.getMessage(), e.getMessage().contains(message));
            assertTrue(e.action(), e.action().contains("devices:scopes"));
        }
    }

    @Test
    public void afterARestartRunningTasksAreInterruptedWithTheirOutputKept() throws Exception {
        Task task = coordinator.submit("dev_a", RUNNER, request("forever", null));
        awaitState(task.id(), TaskState.RUNNING);
        CountDownLatch printed = new CountDownLatch(1);
        try (var s = coordinator.subscribe(e -> printed.countDown())) {
            if (coordinator.events(task.id(), 0, 10).stream().noneMatch(e -> "output".equals(e.type()))) {
                assertTrue(printed.await(10, TimeUnit.SECONDS));
            }
        }
        // a second coordinator over the same journal, as after kill -9 (the first never wrote an end)
        TaskCoordinator restarted = newCoordinator(log);
        try {
            Task recovered = restarted.find(task.id()).orElseThrow();
            assertEquals(TaskState.INTERRUPTED, recovered.state());
            assertTrue(restarted.events(task.id(), 0, 100).stream().anyMatch(e -> "started".equals(e.text())));
        } finally {
            restarted.shutdown();
        }
    }

    @Test
    public void listingFiltersAndPages() throws Exception {
        Task a = coordinator.submit("dev_a", RUNNER, request("echo", null));
        Task b = coordinator.submit("dev_b", RUNNER, request("echo", null));
        awaitTerminal(a.id());
        awaitTerminal(b.id());
        assertEquals(List.of(a.id()), coordinator.list(new TaskQuery(Set.of(), "dev_a", null, 0, 10)).stream().map(Task::id).toList());
        assertEquals(2, coordinator.list(new TaskQuery(Set.of(TaskState.SUCCEEDED), null, "echo", 0, 10)).size());
        assertEquals(1, coordinator.list(new TaskQuery(Set.of(), null, null, 1, 10)).size());
        assertTrue(coordinator.list(new TaskQuery(Set.of(TaskState.RUNNING), null, null, 0, 10)).isEmpty());
    }

    @Test
    public void theStateMachineAllowsOnlyItsEdges() {
        assertTrue(TaskState.QUEUED.canMoveTo(TaskState.RUNNING));
        assertTrue(TaskState.RUNNING.canMoveTo(TaskState.WAITING_PERMISSION));
        assertTrue(TaskState.WAITING_PERMISSION.canMoveTo(TaskState.RUNNING));
        assertFalse(TaskState.QUEUED.canMoveTo(TaskState.SUCCEEDED));
        for (TaskState end : TaskState.terminal()) {
            for (TaskState any : TaskState.values()) {
                assertFalse(end + " -> " + any, end.canMoveTo(any));
            }
        }
    }

    private void awaitState(String taskId, TaskState state) throws InterruptedException {
        CountDownLatch reached = new CountDownLatch(1);
        try (var s = coordinator.subscribe(e -> {
            if (e.taskId().equals(taskId) && e.state() == state) {
                reached.countDown();
            }
        })) {
            if (coordinator.find(taskId).orElseThrow().state() != state) {
                assertTrue(taskId + " reaches " + state, reached.await(10, TimeUnit.SECONDS));
            }
        }
    }

    /** A log whose append of a task's move to running waits for {@code release} (or fails when {@code refuse}). */
    private static final class SlowStartLog extends MemoryEventLog {
        final CountDownLatch appendingRunning = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final boolean refuse;

        SlowStartLog(boolean refuse) {
            this.refuse = refuse;
        }

        @Override
        public List<TaskEvent> append(List<TaskEvent> drafts) {
            if (drafts.stream().anyMatch(d -> d.state() == TaskState.RUNNING)) {
                appendingRunning.countDown();
                if (refuse) {
                    throw new java.io.UncheckedIOException(new java.io.IOException("disk full"));
                }
                try {
                    assertTrue("released", release.await(10, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            return super.append(drafts);
        }
    }

    @Test
    public void theRuntimeStartsWhileTheMoveToRunningIsSyncedButNobodySeesItBeforeItIsDurable() throws Exception {
        coordinator.shutdown();
        SlowStartLog slow = new SlowStartLog(false);
        coordinator = newCoordinator(slow);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch mayEnd = new CountDownLatch(1);
        runtimes.put("waits", run -> {
            started.countDown();
            run.output(0, "stdout", "hello");
            assertTrue(mayEnd.await(10, TimeUnit.SECONDS));
            return new TaskRuntime.Outcome(true, 0, "done");
        });
        List<TaskEvent> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (var subscription = coordinator.subscribe(seen::add)) {
            Task task = coordinator.submit("dev_a", RUNNER, request("waits", null));
            assertTrue("the runtime starts while the journal syncs the move to running", started.await(10, TimeUnit.SECONDS));
            assertTrue(slow.appendingRunning.await(10, TimeUnit.SECONDS));
            assertEquals("not running before it is durable", TaskState.QUEUED, coordinator.find(task.id()).orElseThrow().state());
            assertEquals("listeners saw only the creation", List.of("created"), seen.stream().map(TaskEvent::type).toList());
            synchronized (stateChanges) {
                assertEquals(List.of(TaskState.QUEUED), stateChanges.stream().map(Task::state).toList());
            }
            slow.release.countDown();
            awaitState(task.id(), TaskState.RUNNING);
            mayEnd.countDown();
            Task done = awaitTerminal(task.id());
            assertEquals(TaskState.SUCCEEDED, done.state());
            assertTrue("started at is kept", done.startedAt() != null);
            List<TaskEvent> events = coordinator.events(task.id(), 0, 100);
            assertEquals("the output is journaled after the move to running", List.of("created", "state", "output", "state"),
                    events.stream().map(TaskEvent::type).toList());
            assertEquals(TaskState.RUNNING, events.get(1).state());
            synchronized (stateChanges) {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (stateChanges.size() < 3 && System.nanoTime() < end) {
                    stateChanges.wait(100); // the last one is announced just after the event is delivered
                }
                assertEquals(List.of(TaskState.QUEUED, TaskState.RUNNING, TaskState.SUCCEEDED),
                        stateChanges.stream().map(Task::state).toList());
            }
        }
    }

    @Test
    public void aStartTheJournalRefusesStopsTheTaskWhichFails() throws Exception {
        coordinator.shutdown();
        coordinator = newCoordinator(new SlowStartLog(true));
        Task task = coordinator.submit("dev_a", RUNNER, request("forever", null));
        Task done = awaitTerminal(task.id());
        assertEquals(TaskState.FAILED, done.state());
        assertEquals(TaskCoordinator.START_NOT_JOURNALED, done.summary());
    }

    private void assertRefused(ErrorCode code, TaskRequest request) {
        try {
            coordinator.submit("dev_a", RUNNER, request);
            fail("accepted " + request);
        } catch (HostException e) {
            assertEquals(e.getMessage(), code, e.code());
            assertTrue(e.action() != null);
        }
    }
}
