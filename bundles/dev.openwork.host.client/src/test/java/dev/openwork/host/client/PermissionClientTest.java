package dev.openwork.host.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.openwork.host.api.permissions.PermissionOutcome;
import dev.openwork.host.api.permissions.PermissionPrompt;
import dev.openwork.host.api.tasks.Task;
import dev.openwork.host.api.tasks.TaskEvent;
import dev.openwork.host.api.tasks.TaskRequest;
import dev.openwork.host.api.tasks.TaskState;
import dev.openwork.host.api.tasks.ToolCall;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

public class PermissionClientTest {

    private FakeTaskHost host;
    private HostClient client;

    @Before
    public void start() throws Exception {
        host = new FakeTaskHost();
        client = HostClient.of(host.knownHost());
    }

    @After
    public void stop() {
        host.close();
    }

    private Task submit(String... commands) {
        return client.tasks().submit(new TaskRequest("shell", "/w", java.util.Arrays.stream(commands).map(ToolCall::bash)
                .toList(), null, null));
    }

    @Test
    public void aFollowedTaskDeliversTheQuestionAndTheAnswerAndGoesOn() throws Exception {
        Task task = submit("ask; echo fetched");
        List<TaskEvent> events = new CopyOnWriteArrayList<>();
        TaskFollower follower = client.tasks().followTask(task.id(), null, events::add);
        Conditions.await(() -> events.stream().filter(e -> TaskEvent.PERMISSION_ASKED.equals(e.type())).findFirst()
                .orElse(null));
        PermissionPrompt question = PermissionClient.promptOf(prompt(events));
        assertEquals(task.id(), question.taskId());
        assertEquals("sensitive-tools", question.policy());
        assertEquals(List.of(question), client.permissions().pending());

        PermissionOutcome outcome = client.permissions().reply(question, "once", null);
        assertTrue(outcome.allowed());
        assertTrue(follower.awaitEnd(Duration.ofSeconds(10)));
        assertEquals(TaskState.SUCCEEDED, follower.end().state());
        TaskEvent replied = events.stream().filter(e -> TaskEvent.PERMISSION_REPLIED.equals(e.type())).findFirst().orElseThrow();
        assertEquals(outcome, PermissionClient.outcomeOf(replied));
        assertTrue(events.stream().anyMatch(e -> "fetched".equals(e.text())));
        String sent = host.replies.get(0);
        for (String bound : List.of(question.taskId(), question.callId(), question.argsHash(), question.nonce())) {
            assertTrue("the answer repeats " + bound + ": " + sent, sent.contains("\"" + bound + "\""));
        }
    }

    private static TaskEvent prompt(List<TaskEvent> events) {
        return events.stream().filter(e -> TaskEvent.PERMISSION_ASKED.equals(e.type())).findFirst().orElseThrow();
    }

    @Test
    public void aRejectionWithAMessageFailsTheTask() throws Exception {
        Task task = submit("ask; echo never");
        PermissionPrompt question = Conditions.await(() -> client.permissions().pending().stream().findFirst().orElse(null));
        PermissionOutcome outcome = client.permissions().answer(question.id(), "reject", "not today");
        assertFalse(outcome.allowed());
        TaskFollower follower = client.tasks().followTask(task.id(), null, e -> { });
        assertTrue(follower.awaitEnd(Duration.ofSeconds(10)));
        assertEquals(TaskState.FAILED, follower.end().state());
        assertTrue(follower.end().summary(), follower.end().summary().contains("rejected by dev_7: not today"));
    }

    @Test
    public void answeringAQuestionThatIsNotOpenSaysSo() throws Exception {
        try {
            client.permissions().answer("perm_gone", "once", null);
            fail("answered a question that is not open");
        } catch (HostClientException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("No open question has the id perm_gone"));
            assertEquals("owctl permissions lists the open questions.", e.action());
        }
        Task task = submit("ask");
        PermissionPrompt question = Conditions.await(() -> client.permissions().pending().stream().findFirst().orElse(null));
        try {
            client.permissions().reply(question, "maybe", null);
            fail("sent an answer that is none");
        } catch (HostClientException e) {
            assertEquals(HostClientException.Kind.INVALID_INPUT, e.kind());
        }
        client.permissions().reply(question, "always", null);
        try {
            client.permissions().reply(question, "once", null);
            fail("answered twice");
        } catch (HostClientException e) {
            assertEquals(404, e.httpStatus());
        }
        assertEquals(task.id(), question.taskId());
    }

    /** Waits for a condition the fake host reaches by itself. */
    static final class Conditions {
        static <T> T await(java.util.function.Supplier<T> probe) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                T value = probe.get();
                if (value != null) {
                    return value;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            throw new AssertionError("timed out");
        }
    }
}
