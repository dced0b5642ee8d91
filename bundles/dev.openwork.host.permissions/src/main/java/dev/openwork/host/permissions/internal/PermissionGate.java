package dev.openwork.host.permissions.internal;

import dev.openwork.host.api.devices.Device;
import dev.openwork.host.api.devices.DeviceRegistry;
import dev.openwork.host.api.devices.Scopes;
import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostException;
import dev.openwork.host.api.events.HostEventProperties;
import dev.openwork.host.api.events.HostTopics;
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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The permission gate: every tool call passes, in this order,
 * <ol>
 * <li>the device's scopes as they are now ({@code tasks:run}, the runtime, the workspace), read
 *     from the device registry on every call, so a revoked device or a removed grant stops the
 *     next call of a running task;</li>
 * <li>the {@link PolicyChain}: a deny wins, otherwise the highest-ranked policy with an opinion;
 *     if none has one, the configured default;</li>
 * <li>for a question, the device's "always" rules for this workspace; then the question itself:
 *     journaled in the task (which waits), answered once, bound to task, call, arguments hash and
 *     nonce, rejected when nobody answers in time.</li>
 * </ol>
 * Every decision is appended to the {@link AuditLog} before it takes effect; when the log cannot
 * be written the call is denied. Thread-safe.
 */
final class PermissionGate implements ToolGate, PermissionService {

    private static final Logger LOG = LoggerFactory.getLogger(PermissionGate.class);
    static final int MAX_MESSAGE = 500;
    private static final Duration POLL = Duration.ofMillis(100);

    /** Live settings. */
    record Settings(Duration timeout, PolicyAnswer.Kind whenNoPolicyDecides) {
        Settings {
            if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofSeconds(60)) > 0) {
                throw new IllegalArgumentException("the permission timeout must be more than 0 and at most 60 s");
            }
            if (whenNoPolicyDecides == PolicyAnswer.Kind.ABSTAIN) {
                throw new IllegalArgumentException("the default decision must be allow, ask or deny");
            }
        }
    }

    /** Where permission events go (EventAdmin in the framework). */
    interface Events {
        Events NONE = (topic, properties) -> { };

        void post(String topic, Map<String, Object> properties);
    }

    private final PolicyChain policies;
    private final Supplier<DeviceRegistry> devices;
    private final RuleStore rules;
    private final AuditLog audit;
    private final Supplier<Events> events;
    private final Clock clock;
    private final PendingPrompts pending = new PendingPrompts();
    private final SecureRandom random = new SecureRandom();
    private volatile Settings settings;
    private volatile boolean closed;

    PermissionGate(PolicyChain policies, Supplier<DeviceRegistry> devices, RuleStore rules, AuditLog audit,
            Supplier<Events> events, Clock clock, Settings settings) {
        this.policies = policies;
        this.devices = devices;
        this.rules = rules;
        this.audit = audit;
        this.events = events;
        this.clock = clock;
        this.settings = settings;
    }

    void update(Settings newSettings) {
        this.settings = newSettings;
    }

    /** Stops: every open question is settled as cancelled and its task goes on (refused). */
    void close() {
        closed = true;
        for (PendingPrompts.Open open : pending.all()) {
            open.settle(outcome(open.prompt, PermissionOutcome.CANCELLED, false, null,
                    "the permission gate stopped while the question was open", null));
        }
    }

    // ---- the gate -----------------------------------------------------------------------------

    @Override
    public Decision check(ToolRequest request) {
        return check(request, PromptChannel.NONE);
    }

    @Override
    public Decision check(ToolRequest request, PromptChannel prompts) {
        if (request == null || request.call() == null || request.workspace() == null) {
            return Decision.deny("the gate got an incomplete request");
        }
        if (closed) {
            return Decision.deny("the permission gate is stopping");
        }
        Call call = new Call(request, Path.of(request.workspace()));
        String refusal = scopeRefusal(call);
        if (refusal != null) {
            return decide(call, false, AuditEntry.DENY, "scope", refusal, null);
        }
        ToolRequest live = new ToolRequest(request.taskId(), request.deviceId(), call.scopes, request.runtime(),
                request.workspace(), request.step(), request.call());
        PolicyChain.Verdict verdict = policies.evaluate(live);
        if (verdict == null) {
            Settings s = settings;
            verdict = new PolicyChain.Verdict(s.whenNoPolicyDecides(), "default", switch (s.whenNoPolicyDecides()) {
                case ALLOW -> "no policy objects";
                case DENY -> "no policy allows it, and the gate denies what no policy decides";
                default -> "no policy decides about it, and the gate asks about such calls";
            });
        }
        String by = "default".equals(verdict.policy()) ? "default" : "policy:" + verdict.policy();
        switch (verdict.kind()) {
            case DENY:
                return decide(call, false, AuditEntry.DENY, by, verdict.reason(), null);
            case ALLOW:
                return decide(call, true, AuditEntry.ALLOW, by, verdict.reason(), null);
            default:
                return ask(call, verdict, prompts);
        }
    }

    /** The call with what is worked out once: the device's key, its live scopes, the workspace. */
    private final class Call {
        final ToolRequest request;
        final Path workspace;
        final String deviceKey;
        Set<String> scopes;

        Call(ToolRequest request, Path workspace) {
            this.request = request;
            this.workspace = workspace;
            this.deviceKey = request.deviceId() == null ? "admin" : request.deviceId();
            this.scopes = request.deviceScopes() == null ? Set.of() : request.deviceScopes();
        }
    }

    /**
     * Why the device may not make this call now, or {@code null} when its scopes allow it; reads the
     * device's current scopes into the call (the local admin's are those of its request).
     */
    private String scopeRefusal(Call call) {
        ToolRequest request = call.request;
        Set<String> scopes = call.scopes;
        if (request.deviceId() != null) {
            DeviceRegistry registry = devices.get();
            if (registry == null) {
                return "the device registry is not running, so the device's scopes cannot be checked";
            }
            Optional<Device> device = registry.find(request.deviceId());
            if (device.isEmpty()) {
                return "the device " + request.deviceId() + " was revoked";
            }
            scopes = device.get().scopes();
            call.scopes = scopes;
        }
        if (!Scopes.covers(scopes, Scopes.TASKS_RUN)) {
            return "the device may no longer run tasks (it lacks the scope tasks:run)";
        }
        if (!Scopes.coversRuntime(scopes, request.runtime())) {
            return "the device may not use the runtime " + request.runtime() + " (it lacks the scope "
                    + Scopes.runtime(request.runtime()) + ")";
        }
        if (!Scopes.coversWorkspace(scopes, Path.of(request.workspace()))) {
            return "the device may not run tasks in " + request.workspace() + " (no workspace grant covers it)";
        }
        return null;
    }

    private Decision decide(Call call, boolean allowed, String decision, String by, String reason, String promptId) {
        try {
            audit.append(entry(call, decision, by, reason, promptId));
        } catch (IOException | RuntimeException e) {
            LOG.error("The audit log cannot be written; task {} step {} is denied", call.request.taskId(),
                    call.request.step(), e);
            return Decision.deny("the host cannot write its audit log, so it runs nothing (the admin should check "
                    + "host:health)");
        }
        return allowed ? Decision.allow(reason) : Decision.deny(reason);
    }

    private Decision ask(Call call, PolicyChain.Verdict verdict, PromptChannel prompts) {
        ToolRequest request = call.request;
        PermissionRule rule = rules.covering(call.deviceKey, request.workspace(), request.call(), call.workspace);
        if (rule != null) {
            return decide(call, true, AuditEntry.ALLOW, "rule:" + rule.id(), "allowed always by " + rule.createdBy()
                    + " in this workspace (" + rule.tool() + " " + rule.pattern() + "); asked because " + verdict.reason(),
                    null);
        }
        PermissionPrompt prompt = prompt(call, verdict);
        PendingPrompts.Open open = pending.open(prompt);
        try {
            try {
                String askedBy = "default".equals(verdict.policy()) ? "default" : "policy:" + verdict.policy();
                audit.append(entry(call, AuditEntry.ASK, askedBy, verdict.reason(), prompt.id()));
            } catch (IOException e) {
                open.settle(outcome(prompt, PermissionOutcome.CANCELLED, false, null, "the audit log cannot be written", null));
                LOG.error("The audit log cannot be written; task {} step {} is denied", request.taskId(), request.step(), e);
                return Decision.deny("the host cannot write its audit log, so it runs nothing (the admin should check "
                        + "host:health)");
            }
            prompts.asked(Json.write(prompt));
            post(HostTopics.PERMISSION_ASKED, prompt, null);
            LOG.info("Task {} asks {} about {} ({}: {}); answer with permissions:reply {} once|always|reject",
                    request.taskId(), call.deviceKey, ToolCalls.cut(prompt.summary(), 200), verdict.policy(), verdict.reason(),
                    prompt.id());
            PermissionOutcome outcome = await(open, prompts);
            prompts.replied(Json.write(outcome));
            post(HostTopics.PERMISSION_ANSWERED, prompt, outcome.decision());
            String by = switch (outcome.decision()) {
                case PermissionOutcome.TIMEOUT -> "timeout";
                case PermissionOutcome.CANCELLED -> "cancelled";
                default -> outcome.answeredBy() == null || "admin".equals(outcome.answeredBy()) ? "admin"
                        : "device:" + outcome.answeredBy();
            };
            return decide(call, outcome.allowed(), outcome.allowed() ? AuditEntry.ALLOW : AuditEntry.DENY, by,
                    outcome.message(), prompt.id());
        } catch (RuntimeException e) {
            open.settle(outcome(prompt, PermissionOutcome.CANCELLED, false, null, "the question failed", null));
            LOG.error("Asking about task {} step {} failed; the call is denied", request.taskId(), request.step(), e);
            return decide(call, false, AuditEntry.DENY, "gate", "the question could not be put ("
                    + e.getClass().getSimpleName() + ")", prompt.id());
        } finally {
            pending.close(open);
        }
    }

    /** Waits until the question is settled: answered, expired, its task stopped, or the gate stopped. */
    private PermissionOutcome await(PendingPrompts.Open open, PromptChannel prompts) {
        PermissionPrompt prompt = open.prompt;
        while (true) {
            try {
                return open.outcome.get(POLL.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException stillOpen) {
                // look at the clock and the task, then wait again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return open.settle(outcome(prompt, PermissionOutcome.CANCELLED, false, null,
                        "the task's thread was interrupted while it waited", null));
            } catch (ExecutionException e) {
                throw new IllegalStateException("a question ended abnormally", e);
            }
            if (closed) {
                return open.settle(outcome(prompt, PermissionOutcome.CANCELLED, false, null,
                        "the permission gate stopped while the question was open", null));
            }
            if (prompts.stopRequested()) {
                return open.settle(outcome(prompt, PermissionOutcome.CANCELLED, false, null,
                        "the task was stopped while it waited for an answer", null));
            }
            if (!clock.instant().isBefore(prompt.expiresAt())) {
                return open.settle(timeout(prompt));
            }
        }
    }

    private PermissionOutcome timeout(PermissionPrompt prompt) {
        long seconds = Duration.between(prompt.askedAt(), prompt.expiresAt()).toSeconds();
        return outcome(prompt, PermissionOutcome.TIMEOUT, false, null, "nobody answered within " + seconds
                + " s, so it was rejected", null);
    }

    private PermissionPrompt prompt(Call call, PolicyChain.Verdict verdict) {
        ToolRequest request = call.request;
        ToolCall tool = request.call();
        Instant now = clock.instant();
        boolean bash = ToolCall.BASH.equals(tool.tool());
        return new PermissionPrompt("perm_" + hex(8), request.taskId(), "call_" + hex(8), request.deviceId(),
                request.runtime(), request.workspace(), request.step(), tool.tool(), bash ? tool.command() : null,
                bash ? null : tool.path(), ToolCalls.summary(tool, call.workspace), ToolCalls.preview(tool),
                ToolCalls.argsHash(tool), Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(16)),
                verdict.policy(), verdict.reason(), ToolCalls.alwaysPatterns(tool, call.workspace), now,
                now.plus(settings.timeout()));
    }

    // ---- answers ------------------------------------------------------------------------------

    @Override
    public List<PermissionPrompt> pending(Answerer who) {
        return pending.all().stream().map(o -> o.prompt).filter(p -> visible(p, who)).toList();
    }

    @Override
    public PermissionOutcome reply(String promptId, Answerer who, PermissionReply reply) {
        String decision = validate(reply);
        PendingPrompts.Open open = pending.find(promptId);
        if (open == null || !visible(open.prompt, who)) {
            throw settledOrUnknown(promptId, who);
        }
        PermissionPrompt prompt = open.prompt;
        if (!boundTo(prompt, reply)) {
            LOG.warn("A reply to {} from {} was refused: it is bound to another task, call, arguments or nonce", promptId,
                    who.label());
            throw new HostException(ErrorCode.CONFLICT, "This answer does not belong to question " + promptId
                    + ": its task, call, arguments hash or nonce differ from the question's.",
                    "Answer the question as GET /v1/permissions lists it now (owctl approve " + promptId + ").");
        }
        synchronized (open) {
            if (open.isSettled()) {
                throw settled(promptId, open.outcome.join());
            }
            if (!clock.instant().isBefore(prompt.expiresAt())) {
                open.settle(timeout(prompt));
                throw settled(promptId, open.outcome.join());
            }
            String ruleId = null;
            if (PermissionReply.ALWAYS.equals(decision)) {
                ruleId = storeRules(prompt, who);
            }
            String message = reply.message() == null || reply.message().isBlank() ? null : reply.message().strip();
            boolean allowed = !PermissionReply.REJECT.equals(decision);
            String words = switch (decision) {
                case PermissionReply.ONCE -> "allowed once by " + who.label();
                case PermissionReply.ALWAYS -> "allowed always in this workspace by " + who.label() + " (rule " + ruleId + ")";
                default -> "rejected by " + who.label();
            };
            PermissionOutcome outcome = outcome(prompt, decision, allowed, who.label(),
                    message == null ? words : words + ": " + message, ruleId);
            return open.settle(outcome);
        }
    }

    private String storeRules(PermissionPrompt prompt, Answerer who) {
        String key = prompt.deviceId() == null ? "admin" : prompt.deviceId();
        List<PermissionRule> added = new ArrayList<>();
        Instant now = clock.instant();
        for (String pattern : prompt.alwaysAllows()) {
            added.add(RuleStore.rule(RuleStore.newId(random), key, prompt.workspace(), prompt.tool(), pattern, now,
                    who.label(), prompt.id()));
        }
        if (added.isEmpty()) {
            throw new HostException(ErrorCode.INVALID_REQUEST, "This question cannot be answered 'always': nothing about "
                    + "the call can be remembered.", "Answer once or reject.");
        }
        try {
            rules.addAll(added);
        } catch (IOException e) {
            LOG.error("The permission rules could not be saved", e);
            throw new HostException(ErrorCode.UNAVAILABLE, "The host could not save the 'always' rule, so the question "
                    + "is still open.", "Answer once instead, and ask the admin to check the host's disk.");
        }
        return added.get(0).id();
    }

    private static String validate(PermissionReply reply) {
        if (reply == null) {
            throw invalid("The reply is missing.");
        }
        if (reply.reply() == null || !List.of(PermissionReply.ONCE, PermissionReply.ALWAYS, PermissionReply.REJECT)
                .contains(reply.reply())) {
            throw invalid("'reply' must be once, always or reject.");
        }
        if (reply.taskId() == null || reply.callId() == null || reply.argsHash() == null || reply.nonce() == null) {
            throw invalid("A reply must repeat the question's taskId, callId, argsHash and nonce.");
        }
        if (reply.message() != null && (reply.message().length() > MAX_MESSAGE
                || reply.message().codePoints().anyMatch(cp -> Character.isISOControl(cp) && cp != '\n'))) {
            throw invalid("'message' must be at most " + MAX_MESSAGE + " characters without control characters.");
        }
        return reply.reply();
    }

    private static boolean boundTo(PermissionPrompt prompt, PermissionReply reply) {
        boolean same = prompt.taskId().equals(reply.taskId()) & prompt.callId().equals(reply.callId())
                & prompt.argsHash().equals(reply.argsHash());
        return MessageDigest.isEqual(prompt.nonce().getBytes(StandardCharsets.UTF_8),
                reply.nonce().getBytes(StandardCharsets.UTF_8)) && same;
    }

    private static boolean visible(PermissionPrompt prompt, Answerer who) {
        return who.admin() || (who.deviceId() != null && who.deviceId().equals(prompt.deviceId()));
    }

    private HostException settledOrUnknown(String promptId, Answerer who) {
        PendingPrompts.Settled past = pending.settled(promptId);
        if (past == null || !visible(past.prompt(), who)) {
            return new HostException(ErrorCode.NOT_FOUND, "No open question has the id " + promptId + " for this device.",
                    "List the open questions with GET /v1/permissions (owctl permissions).");
        }
        return settled(promptId, past.outcome());
    }

    private static HostException settled(String promptId, PermissionOutcome outcome) {
        if (PermissionOutcome.TIMEOUT.equals(outcome.decision())) {
            return new HostException(ErrorCode.EXPIRED, "Question " + promptId + " expired at " + outcome.at()
                    + ": nobody answered in time, so the call was rejected.",
                    "Run the task again and answer within the time shown with the question.");
        }
        return new HostException(ErrorCode.CONFLICT, "Question " + promptId + " was already settled ("
                + outcome.decision() + (outcome.answeredBy() == null ? "" : " by " + outcome.answeredBy()) + " at "
                + outcome.at() + "); an answer counts only once.", "Nothing to do; owctl logs shows what the task did.");
    }

    @Override
    public List<PermissionRule> rules(String deviceId) {
        return rules.list(deviceId);
    }

    @Override
    public boolean forget(String ruleId) {
        try {
            boolean removed = rules.remove(ruleId);
            if (removed) {
                LOG.info("Permission rule {} was removed", ruleId);
            }
            return removed;
        } catch (IOException e) {
            LOG.error("The permission rules could not be saved", e);
            throw new HostException(ErrorCode.UNAVAILABLE, "The host could not save the rules, so the rule is kept.",
                    "Check the host's disk and try again.");
        }
    }

    /** Forgets a revoked device's rules. */
    void deviceRevoked(String deviceId) {
        try {
            int removed = rules.removeDevice(deviceId);
            if (removed > 0) {
                LOG.info("Removed {} permission rule(s) of the revoked device {}", removed, deviceId);
            }
        } catch (IOException e) {
            LOG.error("The rules of the revoked device {} could not be removed", deviceId, e);
        }
    }

    @Override
    public List<AuditEntry> audit(AuditQuery query) {
        if (query == null || query.limit() < 1 || query.limit() > AuditQuery.MAX_LIMIT
                || (query.afterSeq() != null && query.afterSeq() < 0)) {
            throw new HostException(ErrorCode.INVALID_REQUEST, "Read 1 to " + AuditQuery.MAX_LIMIT
                    + " audit entries, after a position of at least 0.", "Use ?limit=100, and ?after=<seq> to page on.");
        }
        try {
            return audit.read(query);
        } catch (IOException e) {
            LOG.error("The audit log cannot be read", e);
            throw new HostException(ErrorCode.UNAVAILABLE, "The audit log cannot be read now.",
                    "See the host's log (data/log/host.log).");
        }
    }

    /** How many questions are open. */
    int openQuestions() {
        return pending.all().size();
    }

    // ---- helpers ------------------------------------------------------------------------------

    private AuditEntry entry(Call call, String decision, String by, String reason, String promptId) {
        ToolRequest request = call.request;
        return new AuditEntry(0, clock.instant(), request.taskId(), call.deviceKey, request.runtime(), request.workspace(),
                request.step(), request.call().tool(), ToolCalls.cut(ToolCalls.subject(request.call(), call.workspace),
                        ToolCalls.MAX_SUBJECT), ToolCalls.argsHash(request.call()), decision, by, reason, promptId);
    }

    private PermissionOutcome outcome(PermissionPrompt prompt, String decision, boolean allowed, String by, String message,
            String ruleId) {
        return new PermissionOutcome(prompt.id(), prompt.taskId(), prompt.callId(), decision, allowed, by, message, ruleId,
                clock.instant());
    }

    private void post(String topic, PermissionPrompt prompt, String decision) {
        Events sink = events.get();
        if (sink == null) {
            return;
        }
        Map<String, Object> properties = new java.util.HashMap<>(Map.of(HostEventProperties.PERMISSION_ID, prompt.id(),
                HostEventProperties.TASK_ID, prompt.taskId(),
                HostEventProperties.DEVICE_ID, prompt.deviceId() == null ? "" : prompt.deviceId(),
                HostEventProperties.TOOL, prompt.tool()));
        if (decision != null) {
            properties.put(HostEventProperties.DECISION, decision);
            properties.put(HostEventProperties.OUTCOME, decision); // what telemetry counts answers by
        }
        try {
            sink.post(topic, properties);
        } catch (RuntimeException e) {
            LOG.warn("Could not post {}", topic, e);
        }
    }

    private static HostException invalid(String message) {
        return new HostException(ErrorCode.INVALID_REQUEST, message,
                "Send {\"taskId\", \"callId\", \"argsHash\", \"nonce\"} as the question gives them, \"reply\": "
                        + "\"once\" | \"always\" | \"reject\", and an optional \"message\".");
    }

    private byte[] bytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    private String hex(int n) {
        return HexFormat.of().formatHex(bytes(n));
    }
}
