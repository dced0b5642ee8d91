package dev.openwork.host.runtime.opencode.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostException;
import dev.openwork.host.api.permissions.AuditEntry;
import dev.openwork.host.api.permissions.AuditQuery;
import dev.openwork.host.api.permissions.PermissionOutcome;
import dev.openwork.host.api.permissions.PermissionPrompt;
import dev.openwork.host.api.permissions.PermissionReply;
import dev.openwork.host.api.permissions.PermissionRule;
import dev.openwork.host.api.permissions.PermissionService;
import dev.openwork.host.api.permissions.PolicyAnswer;
import dev.openwork.host.api.tasks.ToolCall;
import dev.openwork.host.api.tasks.ToolGate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.After;
import org.junit.Test;

public class PermissionBridgeTest {

    private final RecordingTaskRun run = new RecordingTaskRun();
    private final SessionTask task = new SessionTask(run, "ses_a", "/ws", "dev_a", 1, 0);
    private final Map<String, SessionTask> sessions = new ConcurrentHashMap<>(Map.of("ses_a", task));
    private final List<String> repliesToOpenCode = new CopyOnWriteArrayList<>();
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final AskingGate gate = new AskingGate();
    private volatile PermissionService service = gate;
    private final PermissionBridge bridge = new PermissionBridge(id -> Optional.ofNullable(sessions.get(id)),
            (directory, id, reply, message) -> {
                repliesToOpenCode.add(directory + "|" + id + "|" + reply + (message == null ? "" : "|" + message));
                return true;
            }, executor, () -> service);
    private final OpenCodeQuestionsPolicy policy = new OpenCodeQuestionsPolicy(bridge);

    @After
    public void stop() {
        executor.shutdownNow();
    }

    @Test
    public void theGateAsksTheDeviceOnceAndTheDevicesOnceThroughOpenCodesRouteLetsItRun() {
        run.gate = gate::check;
        bridge.asked(Events.permissionAsked("per_1", "ses_a", "rm -rf build", "call_1"));
        await(() -> gate.open.size() == 1);
        assertEquals(List.of(ToolCall.bash("rm -rf build")), run.checked);
        assertEquals(1, bridge.pendingFor("dev_a", false).size());
        assertEquals(0, bridge.pendingFor("dev_b", false).size());
        assertEquals(1, bridge.pendingFor(null, true).size());

        PermissionBridge.Outcome outcome = bridge.answer("dev_a", false, "per_1", "once", null);
        assertEquals("once", outcome.reply());
        assertEquals(List.of("/ws|per_1|once"), repliesToOpenCode);
        PermissionReply sent = gate.replies.get(0);
        PermissionPrompt asked = gate.asked.get(0);
        assertEquals("the host fills in the question's binding", List.of(asked.taskId(), asked.callId(), asked.argsHash(),
                asked.nonce()), List.of(sent.taskId(), sent.callId(), sent.argsHash(), sent.nonce()));
        assertEquals("dev_a", gate.answerers.get(0).deviceId());
        assertTrue(run.joined(), run.joined().contains("permission per_1 answered: once (allowed: allowed by dev_a)"));
        assertRefused(ErrorCode.NOT_FOUND, () -> bridge.answer("dev_a", false, "per_1", "once", null));
    }

    @Test
    public void aPolicyThatDecidesAnswersOpenCodeWithoutAskingAnybody() {
        run.gate = call -> ToolGate.Decision.deny("no deletions on Fridays");
        bridge.asked(Events.permissionAsked("per_2", "ses_a", "rm x", "call_2"));
        await(() -> !repliesToOpenCode.isEmpty());
        assertEquals(List.of("/ws|per_2|reject|The host refused: no deletions on Fridays"), repliesToOpenCode);
        assertTrue(gate.asked.isEmpty());

        run.gate = call -> ToolGate.Decision.allow("the command rule git status* allows it");
        bridge.asked(Events.permissionAsked("per_3", "ses_a", "git status", "call_3"));
        await(() -> repliesToOpenCode.size() == 2);
        assertEquals("/ws|per_3|once", repliesToOpenCode.get(1));
        assertRefused(ErrorCode.NOT_FOUND, () -> bridge.answer("dev_a", false, "per_3", "once", null));
    }

    @Test
    public void rejectAndAlwaysGoToTheGateAndOpenCodeNeverLearnsAlways() {
        run.gate = gate::check;
        bridge.asked(Events.permissionAsked("per_4", "ses_a", "echo a", "call_4"));
        await(() -> gate.open.size() == 1);
        assertEquals("reject", bridge.answer("dev_a", false, "per_4", "reject", "not now").reply());
        assertEquals("/ws|per_4|reject|The host refused: not now", repliesToOpenCode.get(0));

        bridge.asked(Events.permissionAsked("per_5", "ses_a", "echo b", "call_5"));
        await(() -> gate.open.size() == 1);
        assertEquals("once", bridge.answer("dev_a", false, "per_5", "always", null).reply());
        assertEquals("always", gate.replies.get(1).reply());
        assertEquals("/ws|per_5|once", repliesToOpenCode.get(1));
    }

    @Test
    public void anotherDeviceUnknownRequestsBadRepliesAndAMissingGateAreRefused() {
        run.gate = gate::check;
        bridge.asked(Events.permissionAsked("per_6", "ses_a", "echo d", "call_6"));
        await(() -> gate.open.size() == 1);
        assertRefused(ErrorCode.NOT_FOUND, () -> bridge.answer("dev_b", false, "per_6", "once", null));
        assertRefused(ErrorCode.NOT_FOUND, () -> bridge.answer("dev_a", false, "per_unknown", "once", null));
        assertRefused(ErrorCode.INVALID_REQUEST, () -> bridge.answer("dev_a", false, "per_6", "yes please", null));
        service = null;
        assertRefused(ErrorCode.UNAVAILABLE, () -> bridge.answer("dev_a", false, "per_6", "once", null));
        service = gate;
        assertTrue(repliesToOpenCode.isEmpty());
        assertEquals("once", bridge.answer(null, true, "per_6", "once", null).reply());
        assertEquals("admin", gate.answerers.get(0).label());
    }

    @Test
    public void theQuestionsPolicyAsksOnlyAboutOpenCodesOwnPendingRequests() {
        CompletableFuture<PolicyAnswer> during = new CompletableFuture<>();
        run.gate = call -> {
            during.complete(policy.evaluate(request("opencode", 0)));
            return ToolGate.Decision.allow("test");
        };
        bridge.asked(Events.permissionAsked("per_7", "ses_a", "echo e", "call_7"));
        await(() -> !repliesToOpenCode.isEmpty());
        assertEquals(PolicyAnswer.Kind.ASK, during.join().kind());
        assertEquals("over once answered", PolicyAnswer.Kind.ABSTAIN, policy.evaluate(request("opencode", 0)).kind());
        assertEquals(PolicyAnswer.Kind.ABSTAIN, policy.evaluate(request("shell", 0)).kind());
    }

    @Test
    public void aRequestInASessionWithoutAHostTaskIsRejectedAtOnce() {
        bridge.asked(Events.permissionAsked("per_8", "ses_other", "curl evil", "call_8"));
        await(() -> !repliesToOpenCode.isEmpty());
        assertTrue(repliesToOpenCode.get(0), repliesToOpenCode.get(0).startsWith("/ws|per_8|reject|The host runs no task"));
        assertTrue(run.checked.isEmpty());
    }

    @Test
    public void theEndOfTheTaskEndsItsRequests() {
        run.gate = gate::check;
        bridge.asked(Events.permissionAsked("per_9", "ses_a", "echo f", "call_9"));
        await(() -> gate.open.size() == 1);
        bridge.taskEnded(task);
        assertFalse(bridge.isPendingFor("per_9", "dev_a", false));
        assertRefused(ErrorCode.NOT_FOUND, () -> bridge.answer("dev_a", false, "per_9", "once", null));
    }

    private ToolGate.ToolRequest request(String runtime, int step) {
        return new ToolGate.ToolRequest(run.taskId(), "dev_a", java.util.Set.of(), runtime, "/ws", step, ToolCall.bash("echo e"));
    }

    /** Stands in for the permissions bundle: a check puts a question and waits for its reply. */
    private final class AskingGate implements PermissionService {
        final Map<String, PermissionPrompt> open = new ConcurrentHashMap<>();
        final Map<String, CompletableFuture<PermissionOutcome>> outcomes = new ConcurrentHashMap<>();
        final List<PermissionPrompt> asked = new CopyOnWriteArrayList<>();
        final List<PermissionReply> replies = new CopyOnWriteArrayList<>();
        final List<Answerer> answerers = new CopyOnWriteArrayList<>();

        ToolGate.Decision check(ToolCall call) {
            int step = run.stepOfLastCheck;
            String id = "perm_" + asked.size();
            PermissionPrompt prompt = new PermissionPrompt(id, run.taskId(), "call_host_" + step, "dev_a", "opencode", "/ws",
                    step, call.tool(), call.command(), null, call.command(), null, "hash" + step, "nonce" + step,
                    OpenCodeQuestionsPolicy.NAME, "asked", List.of(), Instant.now(), Instant.now().plusSeconds(30));
            CompletableFuture<PermissionOutcome> outcome = new CompletableFuture<>();
            outcomes.put(id, outcome);
            asked.add(prompt);
            open.put(id, prompt);
            try {
                PermissionOutcome settled = outcome.get(30, TimeUnit.SECONDS);
                return settled.allowed() ? ToolGate.Decision.allow("allowed by " + settled.answeredBy())
                        : ToolGate.Decision.deny(settled.message());
            } catch (Exception e) {
                return ToolGate.Decision.deny("no answer");
            } finally {
                open.remove(id);
            }
        }

        @Override
        public List<PermissionPrompt> pending(Answerer who) {
            return List.copyOf(open.values());
        }

        @Override
        public PermissionOutcome reply(String promptId, Answerer who, PermissionReply reply) {
            PermissionPrompt prompt = open.get(promptId);
            if (prompt == null || !prompt.nonce().equals(reply.nonce()) || !prompt.argsHash().equals(reply.argsHash())) {
                throw new HostException(ErrorCode.CONFLICT, "not bound", null);
            }
            replies.add(reply);
            answerers.add(who);
            boolean allowed = !PermissionReply.REJECT.equals(reply.reply());
            PermissionOutcome outcome = new PermissionOutcome(promptId, prompt.taskId(), prompt.callId(), reply.reply(), allowed,
                    who.label(), reply.message(), null, Instant.now());
            outcomes.get(promptId).complete(outcome);
            return outcome;
        }

        @Override
        public List<PermissionRule> rules(String deviceId) {
            return List.of();
        }

        @Override
        public boolean forget(String ruleId) {
            return false;
        }

        @Override
        public List<AuditEntry> audit(AuditQuery query) {
            return List.of();
        }
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
