package dev.openwork.host.runtime.opencode.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostException;
import dev.openwork.host.api.tasks.ToolCall;
import dev.openwork.host.api.tasks.ToolGate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.junit.After;
import org.junit.Test;

public class PermissionBridgeTest {

    private final RecordingTaskRun run = new RecordingTaskRun();
    private final SessionTask task = new SessionTask(run, "ses_a", "/ws", "dev_a", 1, 0);
    private final Map<String, SessionTask> sessions = new ConcurrentHashMap<>(Map.of("ses_a", task));
    private final List<String> repliesToOpenCode = new CopyOnWriteArrayList<>();
    private final ExecutorService executor = Executors.newCachedThreadPool();

    private PermissionBridge bridge(Duration timeout, boolean askDevice) {
        return new PermissionBridge(id -> Optional.ofNullable(sessions.get(id)), (directory, id, reply, message) -> {
            repliesToOpenCode.add(directory + "|" + id + "|" + reply + (message == null ? "" : "|" + message));
            return true;
        }, executor, Clock.systemUTC(), timeout, askDevice);
    }

    @After
    public void stop() {
        executor.shutdownNow();
    }

    @Test
    public void theGateDecidesFirstThenTheOwningDevicesOnceLetsItRun() {
        PermissionBridge bridge = bridge(Duration.ofSeconds(30), true);
        bridge.asked(Events.permissionAsked("per_1", "ses_a", "rm -rf build", "call_1"));
        await(() -> run.joined().contains("waiting up to 30 s"));
        assertEquals(List.of(ToolCall.bash("rm -rf build")), run.checked);
        assertEquals(1, bridge.pendingFor("dev_a", false).size());
        assertEquals(0, bridge.pendingFor("dev_b", false).size());
        assertEquals(1, bridge.pendingFor(null, true).size());

        PermissionBridge.Outcome outcome = bridge.answer("dev_a", false, "per_1", "once", null);
        assertEquals("once", outcome.reply());
        assertEquals(List.of("/ws|per_1|once"), repliesToOpenCode);
        String log = run.joined();
        assertTrue(log, log.indexOf("the host's gate allowed it") < log.indexOf("device dev_a answered once"));
        assertTrue(log, log.contains("permission per_1 answered: once"));
        assertRefused(ErrorCode.NOT_FOUND, () -> bridge.answer("dev_a", false, "per_1", "once", null));
    }

    @Test
    public void aRefusalOfTheGateRejectsWithoutAskingTheDevice() {
        run.gate = call -> ToolGate.Decision.deny("no deletions on Fridays");
        PermissionBridge bridge = bridge(Duration.ofSeconds(30), true);
        bridge.asked(Events.permissionAsked("per_2", "ses_a", "rm x", "call_2"));
        await(() -> !repliesToOpenCode.isEmpty());
        assertEquals(List.of("/ws|per_2|reject|refused by the host: no deletions on Fridays"), repliesToOpenCode);
        assertTrue(run.joined(), run.joined().contains("the host refused it: no deletions on Fridays"));
    }

    @Test
    public void theDevicesRejectAlwaysAsOnceAndTheTimeoutRejects() {
        PermissionBridge bridge = bridge(Duration.ofSeconds(30), true);
        bridge.asked(Events.permissionAsked("per_3", "ses_a", "echo a", "call_3"));
        await(() -> run.joined().contains("waiting up to"));
        assertEquals("reject", bridge.answer("dev_a", false, "per_3", "reject", "not now").reply());
        assertEquals("/ws|per_3|reject|not now", repliesToOpenCode.get(0));

        bridge.asked(Events.permissionAsked("per_4", "ses_a", "echo b", "call_4"));
        await(() -> bridge.isPendingFor("per_4", "dev_a", false) && run.joined().contains("per_4"));
        assertEquals("once", bridge.answer("dev_a", false, "per_4", "always", null).reply());
        assertEquals("/ws|per_4|once", repliesToOpenCode.get(1));
        assertTrue(run.joined().contains("taken as once"));

        PermissionBridge quick = bridge(Duration.ofMillis(300), true);
        quick.asked(Events.permissionAsked("per_5", "ses_a", "echo c", "call_5"));
        await(() -> repliesToOpenCode.size() == 3);
        assertTrue(repliesToOpenCode.get(2), repliesToOpenCode.get(2).startsWith("/ws|per_5|reject|no answer from the device"));
    }

    @Test
    public void anotherDeviceUnknownRequestsAndBadRepliesAreRefused() {
        PermissionBridge bridge = bridge(Duration.ofSeconds(30), true);
        bridge.asked(Events.permissionAsked("per_6", "ses_a", "echo d", "call_6"));
        await(() -> run.joined().contains("waiting up to"));
        assertRefused(ErrorCode.NOT_FOUND, () -> bridge.answer("dev_b", false, "per_6", "once", null));
        assertRefused(ErrorCode.NOT_FOUND, () -> bridge.answer("dev_a", false, "per_unknown", "once", null));
        assertRefused(ErrorCode.INVALID_REQUEST, () -> bridge.answer("dev_a", false, "per_6", "yes please", null));
        assertTrue(repliesToOpenCode.isEmpty());
        assertEquals("once", bridge.answer(null, true, "per_6", "once", null).reply());
        assertTrue(run.joined().contains("the local admin answered once"));
    }

    @Test
    public void withoutDeviceConfirmationTheGateAloneDecides() {
        PermissionBridge bridge = bridge(Duration.ofSeconds(30), false);
        bridge.asked(Events.permissionAsked("per_7", "ses_a", "echo e", "call_7"));
        await(() -> !repliesToOpenCode.isEmpty());
        assertEquals(List.of("/ws|per_7|once"), repliesToOpenCode);
    }

    @Test
    public void aRequestInASessionWithoutAHostTaskIsRejectedAtOnce() {
        PermissionBridge bridge = bridge(Duration.ofSeconds(30), true);
        bridge.asked(Events.permissionAsked("per_8", "ses_other", "curl evil", "call_8"));
        await(() -> !repliesToOpenCode.isEmpty());
        assertTrue(repliesToOpenCode.get(0), repliesToOpenCode.get(0).startsWith("/ws|per_8|reject|The host runs no task"));
        assertTrue(run.checked.isEmpty());
    }

    @Test
    public void theEndOfTheTaskEndsItsQuestions() {
        PermissionBridge bridge = bridge(Duration.ofSeconds(30), true);
        bridge.asked(Events.permissionAsked("per_9", "ses_a", "echo f", "call_9"));
        await(() -> run.joined().contains("waiting up to"));
        bridge.taskEnded(task);
        await(() -> !repliesToOpenCode.isEmpty());
        assertTrue(repliesToOpenCode.get(0), repliesToOpenCode.get(0).startsWith("/ws|per_9|reject|the task ended"));
        assertFalse(bridge.isPendingFor("per_9", "dev_a", false));
    }

    @Test
    public void argumentsHashBindsTheExactCall() {
        assertEquals(PermissionBridge.hash(ToolCall.bash("ls")), PermissionBridge.hash(ToolCall.bash("ls")));
        assertFalse(PermissionBridge.hash(ToolCall.bash("ls")).equals(PermissionBridge.hash(ToolCall.bash("ls -a"))));
    }

    private static void assertRefused(ErrorCode code, Runnable action) {
        try {
            action.run();
            fail("accepted");
        } catch (HostException e) {
            assertEquals(e.getMessage(), code, e.code());
        }
    }

    static void await(BooleanSupplier condition) {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within 10 s");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
    }
}
