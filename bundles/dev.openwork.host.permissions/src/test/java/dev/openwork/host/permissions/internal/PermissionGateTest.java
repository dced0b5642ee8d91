package dev.openwork.host.permissions.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.openwork.host.api.devices.Scopes;
import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostException;
import dev.openwork.host.api.permissions.AuditEntry;
import dev.openwork.host.api.permissions.AuditQuery;
import dev.openwork.host.api.permissions.PermissionOutcome;
import dev.openwork.host.api.permissions.PermissionPrompt;
import dev.openwork.host.api.permissions.PermissionReply;
import dev.openwork.host.api.permissions.PermissionService.Answerer;
import dev.openwork.host.api.permissions.PolicyAnswer;
import dev.openwork.host.api.tasks.ToolCall;
import dev.openwork.host.api.tasks.ToolGate;
import dev.openwork.host.api.tasks.ToolGate.Decision;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;

public class PermissionGateTest {

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();
    @Rule
    public Timeout deadline = Timeout.seconds(30);

    private static final Answerer PHONE = new Answerer("dev_1", false);
    private static final Answerer OTHER = new Answerer("dev_2", false);

    private final ExecutorService tasks = Executors.newCachedThreadPool();
    private final FakeDevices devices = new FakeDevices();
    private final PolicyChain policies = new PolicyChain();
    private Path data;
    private Path ws1;
    private Path ws2;
    private AuditLog audit;
    private RuleStore rules;
    private PermissionGate gate;

    @Before
    public void create() throws Exception {
        data = folder.newFolder("data").toPath();
        ws1 = folder.newFolder("ws1").toPath().toRealPath();
        ws2 = folder.newFolder("ws2").toPath().toRealPath();
        devices.put("dev_1", Scopes.DEFAULT_DEVICE);
        devices.put("dev_2", Scopes.DEFAULT_DEVICE);
        // asks about commands starting with "ask", denies anything with "danger", allows "make"
        policies.add(new PolicyChain.Ranked(request -> {
            String command = request.call().command() == null ? "" : request.call().command();
            if (command.contains("danger")) {
                return PolicyAnswer.deny("dangerous");
            }
            if (command.startsWith("ask")) {
                return PolicyAnswer.ask("it starts with ask");
            }
            return command.equals("make") ? PolicyAnswer.allow("make is fine") : PolicyAnswer.abstain();
        }, "test-policy", 100, 1));
        audit = new AuditLog(data.resolve("audit"), new AuditLog.Limits(1 << 20, 2));
        rules = new RuleStore(data);
        gate = new PermissionGate(policies, () -> devices, rules, audit, () -> (topic, properties) -> posted.add(
                topic + " " + new java.util.TreeMap<>(properties)),
                Clock.systemUTC(), new PermissionGate.Settings(Duration.ofSeconds(10), PolicyAnswer.Kind.ALLOW));
    }

    @After
    public void shutdown() {
        gate.close();
        audit.close();
        tasks.shutdownNow();
    }

    private final List<String> posted = new java.util.concurrent.CopyOnWriteArrayList<>();

    private ToolGate.ToolRequest request(String device, Path workspace, ToolCall call) {
        return new ToolGate.ToolRequest("task_1", device, device == null ? Set.of(Scopes.ADMIN) : Scopes.DEFAULT_DEVICE,
                "shell", workspace.toString(), 0, call);
    }

    private Future<Decision> checkInBackground(String device, Path workspace, String command, RecordingChannel channel) {
        return tasks.submit(() -> gate.check(request(device, workspace, ToolCall.bash(command)), channel));
    }

    private static PermissionPrompt prompt(String json) throws Exception {
        return Json.MAPPER.readValue(json, PermissionPrompt.class);
    }

    private List<AuditEntry> auditLog() {
        return gate.audit(new AuditQuery(0L, null, 1000));
    }

    private AuditEntry lastAudit() {
        List<AuditEntry> entries = auditLog();
        return entries.get(entries.size() - 1);
    }

    private static void assertRefused(ErrorCode code, Supplier<?> action) {
        try {
            action.get();
            fail("expected " + code);
        } catch (HostException e) {
            assertEquals(e.getMessage(), code, e.code());
            assertNotNull(e.action());
        }
    }

    @Test
    public void callsNoPolicyObjectsToRunAndEveryDecisionIsAudited() {
        Decision ls = gate.check(request("dev_1", ws1, ToolCall.bash("ls")));
        assertTrue(ls.allowed());
        assertEquals("default", lastAudit().decidedBy());
        assertTrue(gate.check(request("dev_1", ws1, ToolCall.bash("make"))).allowed());
        AuditEntry make = lastAudit();
        assertEquals("policy:test-policy", make.decidedBy());
        assertEquals(AuditEntry.ALLOW, make.decision());
        assertEquals("make", make.subject());
        assertEquals(ToolCalls.argsHash(ToolCall.bash("make")), make.argsHash());
        Decision danger = gate.check(request("dev_1", ws1, ToolCall.bash("rm danger")));
        assertFalse(danger.allowed());
        assertEquals("dangerous", danger.reason());
        assertEquals(List.of(1L, 2L, 3L), auditLog().stream().map(AuditEntry::seq).toList());
        gate.update(new PermissionGate.Settings(Duration.ofSeconds(10), PolicyAnswer.Kind.DENY));
        assertFalse("what no policy decides is denied when so configured", gate.check(request("dev_1", ws1,
                ToolCall.bash("ls"))).allowed());
    }

    @Test
    public void theDevicesScopesAreReadAgainForEveryCall() {
        assertTrue(gate.check(request("dev_1", ws1, ToolCall.bash("ls"))).allowed());
        devices.setScopes("dev_1", Set.of(Scopes.TASKS_RUN, "runtime:other", Scopes.WORKSPACE_ANY));
        Decision runtime = gate.check(request("dev_1", ws1, ToolCall.bash("ls")));
        assertFalse(runtime.allowed());
        assertTrue(runtime.reason(), runtime.reason().contains("runtime shell"));
        devices.setScopes("dev_1", Set.of(Scopes.TASKS_RUN, "runtime:shell", Scopes.workspace(ws1)));
        assertTrue(gate.check(request("dev_1", ws1, ToolCall.bash("ls"))).allowed());
        Decision workspace = gate.check(request("dev_1", ws2, ToolCall.bash("ls")));
        assertFalse(workspace.allowed());
        assertTrue(workspace.reason(), workspace.reason().contains(ws2.toString()));
        devices.setScopes("dev_1", Set.of(Scopes.TASKS_READ, Scopes.RUNTIME_ANY, Scopes.WORKSPACE_ANY));
        assertFalse(gate.check(request("dev_1", ws1, ToolCall.bash("ls"))).allowed());
        devices.revoke("dev_1");
        Decision revoked = gate.check(request("dev_1", ws1, ToolCall.bash("make")));
        assertFalse(revoked.allowed());
        assertTrue(revoked.reason(), revoked.reason().contains("revoked"));
        assertEquals("scope", lastAudit().decidedBy());
        assertTrue("the local admin needs no device", gate.check(request(null, ws2, ToolCall.bash("ls"))).allowed());
    }

    @Test
    public void aQuestionAnsweredOnceRunsTheCallAndIsJournaled() throws Exception {
        RecordingChannel channel = new RecordingChannel();
        Future<Decision> decision = checkInBackground("dev_1", ws1, "ask-me now", channel);
        PermissionPrompt prompt = prompt(channel.nextQuestion());
        assertEquals("task_1", prompt.taskId());
        assertEquals("ask-me now", prompt.command());
        assertEquals("test-policy", prompt.policy());
        assertEquals("it starts with ask", prompt.reason());
        assertEquals(List.of("ask-me *"), prompt.alwaysAllows());
        assertEquals(ToolCalls.argsHash(ToolCall.bash("ask-me now")), prompt.argsHash());
        assertTrue(prompt.expiresAt().isAfter(prompt.askedAt()));
        assertEquals(List.of(prompt.id()), gate.pending(PHONE).stream().map(PermissionPrompt::id).toList());
        assertTrue("another device does not see it", gate.pending(OTHER).isEmpty());
        assertEquals(1, gate.pending(Answerer.LOCAL_ADMIN).size());

        PermissionOutcome outcome = gate.reply(prompt.id(), PHONE, PermissionReply.to(prompt, PermissionReply.ONCE, null));
        assertTrue(outcome.allowed());
        assertEquals(PermissionOutcome.ONCE, outcome.decision());
        assertEquals("dev_1", outcome.answeredBy());
        Decision result = decision.get(10, TimeUnit.SECONDS);
        assertTrue(result.allowed());
        assertEquals(1, channel.replied.size());
        assertEquals(outcome, Json.MAPPER.readValue(channel.replied.get(0), PermissionOutcome.class));
        assertTrue(gate.pending(PHONE).isEmpty());
        List<AuditEntry> entries = auditLog();
        assertEquals(List.of(AuditEntry.ASK, AuditEntry.ALLOW), entries.stream().map(AuditEntry::decision).toList());
        assertEquals(List.of("policy:test-policy", "device:dev_1"), entries.stream().map(AuditEntry::decidedBy).toList());
        assertEquals(prompt.id(), entries.get(1).promptId());
        assertTrue("telemetry hears the question and the answer: " + posted, posted.stream().anyMatch(e ->
                e.startsWith(dev.openwork.host.api.events.HostTopics.PERMISSION_ANSWERED) && e.contains("outcome=once")));
        assertTrue(posted.toString(), posted.stream().anyMatch(e -> e.startsWith(dev.openwork.host.api.events.HostTopics.PERMISSION_ASKED)));
    }

    @Test
    public void aRejectionReachesTheTaskWithItsMessage() throws Exception {
        RecordingChannel channel = new RecordingChannel();
        Future<Decision> decision = checkInBackground("dev_1", ws1, "ask to deploy", channel);
        PermissionPrompt prompt = prompt(channel.nextQuestion());
        gate.reply(prompt.id(), PHONE, PermissionReply.to(prompt, PermissionReply.REJECT, "not on a Friday"));
        Decision result = decision.get(10, TimeUnit.SECONDS);
        assertFalse(result.allowed());
        assertEquals("rejected by dev_1: not on a Friday", result.reason());
        assertEquals(AuditEntry.DENY, lastAudit().decision());
    }

    @Test
    public void repliesMustBeBoundToTheQuestionFromItsDeviceAndUsedOnce() throws Exception {
        RecordingChannel channel = new RecordingChannel();
        Future<Decision> decision = checkInBackground("dev_1", ws1, "ask again", channel);
        PermissionPrompt p = prompt(channel.nextQuestion());
        String id = p.id();
        assertRefused(ErrorCode.CONFLICT, () -> gate.reply(id, PHONE, new PermissionReply("task_other", p.callId(),
                p.argsHash(), p.nonce(), "once", null)));
        assertRefused(ErrorCode.CONFLICT, () -> gate.reply(id, PHONE, new PermissionReply(p.taskId(), "call_x",
                p.argsHash(), p.nonce(), "once", null)));
        assertRefused(ErrorCode.CONFLICT, () -> gate.reply(id, PHONE, new PermissionReply(p.taskId(), p.callId(),
                ToolCalls.argsHash(ToolCall.bash("rm -rf /")), p.nonce(), "once", null)));
        assertRefused(ErrorCode.CONFLICT, () -> gate.reply(id, PHONE, new PermissionReply(p.taskId(), p.callId(),
                p.argsHash(), "forged", "once", null)));
        assertRefused(ErrorCode.NOT_FOUND, () -> gate.reply(id, OTHER, PermissionReply.to(p, "once", null)));
        assertRefused(ErrorCode.NOT_FOUND, () -> gate.reply("perm_nope", PHONE, PermissionReply.to(p, "once", null)));
        assertRefused(ErrorCode.INVALID_REQUEST, () -> gate.reply(id, PHONE, PermissionReply.to(p, "sure", null)));
        assertRefused(ErrorCode.INVALID_REQUEST, () -> gate.reply(id, PHONE, new PermissionReply(null, null, null, null,
                "once", null)));
        assertRefused(ErrorCode.INVALID_REQUEST, () -> gate.reply(id, PHONE, PermissionReply.to(p, "once", "x".repeat(501))));
        assertFalse("refused answers leave the question open", decision.isDone());

        PermissionOutcome admin = gate.reply(id, Answerer.LOCAL_ADMIN, PermissionReply.to(p, "once", null));
        assertEquals("admin", admin.answeredBy());
        assertTrue(decision.get(10, TimeUnit.SECONDS).allowed());
        assertEquals("admin", lastAudit().decidedBy());
        assertRefused(ErrorCode.CONFLICT, () -> gate.reply(id, PHONE, PermissionReply.to(p, "once", null)));
        assertRefused(ErrorCode.CONFLICT, () -> gate.reply(id, PHONE, PermissionReply.to(p, "reject", null)));
        assertRefused("a settled question is still not another device's business", () -> gate.reply(id, OTHER,
                PermissionReply.to(p, "once", null)));
    }

    private static void assertRefused(String why, Supplier<?> action) {
        try {
            action.get();
            fail(why);
        } catch (HostException e) {
            assertEquals(why, ErrorCode.NOT_FOUND, e.code());
        }
    }

    @Test
    public void noAnswerInTimeRejectsAndALateAnswerIsExpired() throws Exception {
        gate.update(new PermissionGate.Settings(Duration.ofMillis(300), PolicyAnswer.Kind.ALLOW));
        RecordingChannel channel = new RecordingChannel();
        Future<Decision> decision = checkInBackground("dev_1", ws1, "ask nobody", channel);
        PermissionPrompt p = prompt(channel.nextQuestion());
        Decision result = decision.get(10, TimeUnit.SECONDS);
        assertFalse(result.allowed());
        assertTrue(result.reason(), result.reason().contains("nobody answered"));
        assertEquals("timeout", lastAudit().decidedBy());
        assertEquals(PermissionOutcome.TIMEOUT,
                Json.MAPPER.readValue(channel.replied.get(0), PermissionOutcome.class).decision());
        assertRefused(ErrorCode.EXPIRED, () -> gate.reply(p.id(), PHONE, PermissionReply.to(p, "once", null)));
    }

    @Test
    public void alwaysLetsMatchingCallsRunWithoutAskingForThatDeviceInThatWorkspaceOnly() throws Exception {
        RecordingChannel channel = new RecordingChannel();
        Future<Decision> first = checkInBackground("dev_1", ws1, "ask-deploy prod", channel);
        PermissionPrompt p = prompt(channel.nextQuestion());
        PermissionOutcome outcome = gate.reply(p.id(), PHONE, PermissionReply.to(p, PermissionReply.ALWAYS, null));
        assertNotNull(outcome.ruleId());
        assertTrue(first.get(10, TimeUnit.SECONDS).allowed());
        assertEquals(List.of("ask-deploy *"), gate.rules("dev_1").stream().map(r -> r.pattern()).toList());
        assertEquals(ws1.toString(), gate.rules("dev_1").get(0).workspace());

        Decision again = gate.check(request("dev_1", ws1, ToolCall.bash("ask-deploy staging")), channel);
        assertTrue(again.allowed());
        assertEquals("no new question", 1, channel.asked.size());
        assertEquals("rule:" + outcome.ruleId(), lastAudit().decidedBy());
        assertFalse("a denial still wins over a rule",
                gate.check(request("dev_1", ws1, ToolCall.bash("ask-deploy danger")), channel).allowed());
        assertNull("a longer line with another command is not covered",
                rules.covering("dev_1", ws1.toString(), ToolCall.bash("ask-deploy x && ask-other y"), ws1));

        Future<Decision> otherWorkspace = checkInBackground("dev_1", ws2, "ask-deploy prod", channel);
        PermissionPrompt asked = prompt(channel.nextQuestion());
        assertEquals(ws2.toString(), asked.workspace());
        gate.reply(asked.id(), PHONE, PermissionReply.to(asked, "reject", null));
        assertFalse(otherWorkspace.get(10, TimeUnit.SECONDS).allowed());
        Future<Decision> otherDevice = checkInBackground("dev_2", ws1, "ask-deploy prod", channel);
        PermissionPrompt asked2 = prompt(channel.nextQuestion());
        gate.reply(asked2.id(), OTHER, PermissionReply.to(asked2, "reject", null));
        assertFalse(otherDevice.get(10, TimeUnit.SECONDS).allowed());

        assertEquals("rules survive a restart", gate.rules(null), new RuleStore(data).list(null));
        assertTrue(gate.forget(outcome.ruleId()));
        assertFalse(gate.forget(outcome.ruleId()));
        Future<Decision> forgotten = checkInBackground("dev_1", ws1, "ask-deploy prod", channel);
        PermissionPrompt asked3 = prompt(channel.nextQuestion());
        gate.reply(asked3.id(), PHONE, PermissionReply.to(asked3, "once", null));
        assertTrue(forgotten.get(10, TimeUnit.SECONDS).allowed());
    }

    @Test
    public void aRevokedDevicesRulesAreForgotten() throws Exception {
        rules.addAll(List.of(RuleStore.rule("rule_1", "dev_1", ws1.toString(), "bash", "x *", java.time.Instant.EPOCH,
                "dev_1", "perm_1"), RuleStore.rule("rule_2", "dev_2", ws1.toString(), "bash", "x *", java.time.Instant.EPOCH,
                "dev_2", "perm_2")));
        gate.deviceRevoked("dev_1");
        assertEquals(List.of("rule_2"), gate.rules(null).stream().map(r -> r.id()).toList());
    }

    @Test
    public void aStoppedTaskOrAStoppingGateSettlesTheQuestion() throws Exception {
        RecordingChannel channel = new RecordingChannel();
        Future<Decision> decision = checkInBackground("dev_1", ws1, "ask and cancel", channel);
        PermissionPrompt p = prompt(channel.nextQuestion());
        channel.stop = true;
        Decision result = decision.get(10, TimeUnit.SECONDS);
        assertFalse(result.allowed());
        assertEquals("cancelled", lastAudit().decidedBy());
        assertRefused(ErrorCode.CONFLICT, () -> gate.reply(p.id(), PHONE, PermissionReply.to(p, "once", null)));

        RecordingChannel second = new RecordingChannel();
        Future<Decision> open = checkInBackground("dev_1", ws1, "ask and stop the gate", second);
        second.nextQuestion();
        gate.close();
        assertFalse(open.get(10, TimeUnit.SECONDS).allowed());
        assertFalse(gate.check(request("dev_1", ws1, ToolCall.bash("ls"))).allowed());
    }

    @Test
    public void whenTheAuditLogCannotBeWrittenNothingRuns() {
        audit.close();
        Decision decision = gate.check(request("dev_1", ws1, ToolCall.bash("make")));
        assertFalse(decision.allowed());
        assertTrue(decision.reason(), decision.reason().contains("audit log"));
        assertFalse(gate.check(request("dev_1", ws1, ToolCall.bash("ask x")), new RecordingChannel()).allowed());
    }
}
