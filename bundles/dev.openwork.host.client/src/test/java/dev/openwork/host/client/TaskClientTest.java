package dev.openwork.host.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.openwork.host.api.tasks.Task;
import dev.openwork.host.api.tasks.TaskEvent;
import dev.openwork.host.api.tasks.TaskRequest;
import dev.openwork.host.api.tasks.TaskState;
import dev.openwork.host.api.tasks.ToolCall;
import dev.openwork.host.client.HostClientException.Kind;
import dev.openwork.host.client.internal.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

public class TaskClientTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private FakeTaskHost host;
    private TaskClient tasks;

    @Before
    public void start() throws Exception {
        host = new FakeTaskHost();
        tasks = HostClient.of(host.knownHost()).tasks();
    }

    @After
    public void stop() {
        host.close();
    }

    private Task submit(String... commands) {
        List<ToolCall> steps = new ArrayList<>();
        for (String c : commands) {
            steps.add(ToolCall.bash(c));
        }
        return tasks.submit(new TaskRequest("shell", "/work/ws", steps, null, null));
    }

    /** Records what a follower delivers. */
    private static final class Recorder implements TaskListener {
        final List<TaskEvent> events = new CopyOnWriteArrayList<>();
        final List<String> reconnects = new CopyOnWriteArrayList<>();
        final CountDownLatch running = new CountDownLatch(1);
        final List<TaskFollower.End> ends = new CopyOnWriteArrayList<>();

        @Override
        public void onEvent(TaskEvent event) {
            events.add(event);
            if (event.state() == TaskState.RUNNING) {
                running.countDown();
            }
        }

        @Override
        public void onReconnecting(Duration delay, String cause) {
            reconnects.add(cause);
        }

        @Override
        public void onEnd(TaskFollower.End end) {
            ends.add(end);
        }

        List<Long> ids() {
            return events.stream().map(TaskEvent::id).toList();
        }
    }

    @Test
    public void submitsWithoutNullsAndReadsLowerCaseStates() {
        Task task = tasks.submit(new TaskRequest("shell", "/work/ws", List.of(ToolCall.bash("echo hi"),
                new ToolCall("write", null, "a.txt", "x", null, null, null)), null, 30));
        assertTrue(task.id().startsWith("task_"));
        assertEquals(TaskState.QUEUED, task.state());
        assertEquals("/work/ws", task.workspace());
        assertEquals("{\"runtime\":\"shell\",\"workspace\":\"/work/ws\",\"steps\":[{\"tool\":\"bash\",\"command\":\"echo hi\"},"
                + "{\"tool\":\"write\",\"path\":\"a.txt\",\"content\":\"x\"}],\"timeoutSeconds\":30}", host.submissions.get(0));

        Task now = tasks.get(task.id());
        assertEquals(TaskState.SUCCEEDED, now.state());
        assertEquals(Integer.valueOf(0), now.exitCode());
        assertEquals("2 steps succeeded.", now.summary());
        assertEquals(host.task(task.id()).lastEventId(), now.lastEventId());
    }

    @Test
    public void listsFiltersAndCancels() {
        Task done = submit("echo done");
        Task held = submit("echo start; hold");
        assertEquals(List.of(held.id(), done.id()), tasks.list(Set.of(), 50).stream().map(Task::id).toList());

        List<Task> running = tasks.list(Set.of(TaskState.RUNNING, TaskState.QUEUED), 10);
        assertEquals(List.of(held.id()), running.stream().map(Task::id).toList());
        assertEquals(TaskState.RUNNING, running.get(0).state());
        assertTrue(host.requests.toString(), host.requests.contains("GET /v1/tasks?state=queued&state=running&offset=0&limit=10"));

        Task cancelled = tasks.cancel(held.id());
        assertEquals(TaskState.CANCELLED, cancelled.state());
        assertEquals("cancelled", cancelled.summary());
        assertEquals("a finished task comes back unchanged", TaskState.SUCCEEDED, tasks.cancel(done.id()).state());

        try {
            tasks.list(Set.of(), 501);
            fail();
        } catch (HostClientException e) {
            assertEquals(Kind.INVALID_INPUT, e.kind());
        }
    }

    @Test
    public void readsTheLogAcrossSeveralPages() {
        Task task = submit("lines 10");
        host.logPageCap = 4;
        List<TaskEvent> all = host.events(task.id());
        assertEquals("created, running, tool, 10 lines, tool, succeeded", 15, all.size());

        TaskLog first = tasks.log(task.id(), 0, 1000);
        assertEquals(4, first.events().size());
        assertTrue(first.more());
        assertEquals(all.get(3).id(), first.nextAfter());
        assertEquals(TaskEvent.CREATED, first.events().get(0).type());
        assertEquals(TaskState.QUEUED, first.events().get(0).state());
        assertEquals(TaskState.RUNNING, first.events().get(1).state());

        List<TaskEvent> read = new ArrayList<>();
        long last = tasks.readLog(task.id(), 0, 1000, read::add);
        assertEquals(all, read);
        assertEquals(all.get(14).id(), last);
        List<String> pages = host.requests.stream().filter(r -> r.contains("/log?")).skip(1)
                .map(r -> r.substring(r.indexOf('?') + 1)).toList();
        assertEquals(List.of("after=0&limit=1000", "after=" + all.get(3).id() + "&limit=1000",
                "after=" + all.get(7).id() + "&limit=1000", "after=" + all.get(11).id() + "&limit=1000"), pages);

        TaskLog rest = tasks.log(task.id(), all.get(12).id(), 1000);
        assertEquals(2, rest.events().size());
        assertFalse(rest.more());
    }

    @Test
    public void followReconnectsAfterADropAndResumesWithoutDuplicates() throws Exception {
        Task task = submit("echo a; warn b; lines 6");
        host.dropAfterEvents = 5; // the first stream ends after 5 events
        host.resendOnResume = 2; // and the resumed one repeats 2 of them: the client must drop those
        Recorder recorder = new Recorder();
        TaskFollower follower = tasks.followTask(task.id(), null, recorder);
        assertTrue(follower.awaitEnd(WAIT));

        List<TaskEvent> all = host.events(task.id());
        assertEquals("each event once, in order", all.stream().map(TaskEvent::id).toList(), recorder.ids());
        assertEquals(List.of("<none>", String.valueOf(all.get(4).id())), host.streamResumes);
        assertEquals(1, recorder.reconnects.size());
        assertEquals("output", recorder.events.get(4).type());
        assertEquals("stderr", recorder.events.get(4).stream());
        assertEquals("b", recorder.events.get(4).text());
        assertEquals("tool", recorder.events.get(2).type());
        assertEquals("bash: echo a; warn b; lines 6", recorder.events.get(2).text());

        TaskFollower.End end = follower.end();
        assertTrue(end.taskEnded());
        assertTrue(end.succeeded());
        assertEquals(Integer.valueOf(0), end.exitCode());
        assertEquals("1 step succeeded.", end.summary());
        assertEquals(all.get(all.size() - 1).id(), follower.lastEventId());
        assertEquals(List.of(end), recorder.ends);
    }

    @Test
    public void followDeliversLiveEventsAndStopsByItselfAtTheTerminalState() throws Exception {
        Task task = submit("echo first; hold");
        Recorder recorder = new Recorder();
        TaskFollower follower = tasks.followTask(task.id(), null, recorder);
        assertTrue(recorder.running.await(5, TimeUnit.SECONDS));
        assertNull(follower.end());
        host.output(task.id(), "stdout", "live line");
        host.finish(task.id(), TaskState.FAILED, 3, "step 1 (bash): exited with 3");
        assertTrue("the stream stays open on the host; the follower must leave by itself", follower.awaitEnd(WAIT));

        TaskFollower.End end = follower.end();
        assertEquals(TaskState.FAILED, end.state());
        assertFalse(end.succeeded());
        assertEquals(Integer.valueOf(3), end.exitCode());
        assertEquals("step 1 (bash): exited with 3", end.summary());
        List<String> texts = recorder.events.stream().filter(e -> "output".equals(e.type())).map(TaskEvent::text).toList();
        assertEquals(List.of("first", "live line"), texts);
        assertEquals(1, host.streamResumes.size());
    }

    @Test
    public void followResumesFromAGivenEventAndEndsAtOnceWhenNothingIsLeft() throws Exception {
        Task task = submit("echo x; echo y");
        List<TaskEvent> all = host.events(task.id());
        Recorder recorder = new Recorder();
        TaskFollower follower = tasks.followTask(task.id(), all.get(3).id(), recorder);
        assertTrue(follower.awaitEnd(WAIT));
        assertEquals(all.subList(4, all.size()).stream().map(TaskEvent::id).toList(), recorder.ids());
        assertEquals(List.of(String.valueOf(all.get(3).id())), host.streamResumes);

        Recorder after = new Recorder();
        TaskFollower done = tasks.followTask(task.id(), all.get(all.size() - 1).id(), after);
        assertNotNull("ended at once, without a stream", done.end());
        assertEquals(TaskState.SUCCEEDED, done.end().state());
        assertEquals(1, host.streamResumes.size());
        assertTrue(after.events.isEmpty());
    }

    @Test
    public void closingAFollowerStopsIt() throws Exception {
        Task task = submit("hold");
        Recorder recorder = new Recorder();
        TaskFollower follower = tasks.followTask(task.id(), null, recorder);
        assertTrue(recorder.running.await(5, TimeUnit.SECONDS));
        follower.close();
        assertTrue(follower.awaitEnd(WAIT));
        assertFalse(follower.end().taskEnded());
        assertEquals(HostEventListener.CloseReason.CLOSED, follower.end().reason());
    }

    @Test
    public void failuresCarryTheHostsMessageAndAction() {
        try {
            tasks.submit(new TaskRequest("nope", "/work/ws", List.of(ToolCall.bash("true")), null, null));
            fail();
        } catch (HostClientException e) {
            assertEquals(Kind.HOST_ERROR, e.kind());
            assertEquals(404, e.httpStatus());
            assertEquals("The host refused the task: No runtime named 'nope' is installed.", e.getMessage());
            assertEquals("Use one of: shell (or install the runtime's bundle).", e.action());
        }
        try {
            tasks.followTask("task_unknown", null, event -> { });
            fail();
        } catch (HostClientException e) {
            assertEquals("not_found", e.hostErrorCode());
            assertTrue(e.getMessage(), e.getMessage().contains("No task task_unknown is visible to this device."));
        }
        try {
            tasks.get("../x");
            fail();
        } catch (HostClientException e) {
            assertEquals(Kind.HOST_ERROR, e.kind());
        }
        KnownHost k = host.knownHost();
        TaskClient revoked = HostClient.of(new KnownHost(k.hostId(), k.hostName(), k.address(), k.port(), k.spkiSha256(),
                k.deviceId(), "wrong-credential", k.scopes(), k.pairedAt())).tasks();
        try {
            revoked.list(Set.of(), 5);
            fail();
        } catch (HostClientException e) {
            assertEquals(Kind.UNAUTHENTICATED, e.kind());
        }
    }

    @Test
    public void statesAreReadInAnyCase() throws Exception {
        for (String state : List.of("waiting_permission", "WAITING_PERMISSION", "Waiting_Permission")) {
            Task task = Json.read(("{\"id\":\"t\",\"state\":\"" + state + "\",\"lastEventId\":5}").getBytes(StandardCharsets.UTF_8),
                    Task.class);
            assertEquals(TaskState.WAITING_PERMISSION, task.state());
        }
        assertEquals(TaskState.INTERRUPTED, TaskClient.stateOf("Interrupted"));
        assertNull(TaskClient.stateOf("bogus"));
        assertEquals("waiting_permission", TaskClient.wireName(TaskState.WAITING_PERMISSION));
    }
}
