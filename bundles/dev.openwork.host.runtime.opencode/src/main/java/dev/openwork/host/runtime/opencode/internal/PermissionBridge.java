package dev.openwork.host.runtime.opencode.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostException;
import dev.openwork.host.api.permissions.PermissionOutcome;
import dev.openwork.host.api.permissions.PermissionPrompt;
import dev.openwork.host.api.permissions.PermissionReply;
import dev.openwork.host.api.permissions.PermissionService;
import dev.openwork.host.api.tasks.ToolCall;
import dev.openwork.host.api.tasks.ToolGate;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenCode's permission requests, decided by the host's permission gate. For each
 * {@code permission.asked}:
 * <ol>
 * <li>the request is bound to the host task that runs in its session (none: rejected at once);</li>
 * <li>the call goes through the task's gate ({@code TaskRun.check}) like any tool call of any
 * runtime: scopes, then the policies. A policy may allow or deny it outright; when one asks, or none
 * decides and {@link OpenCodeQuestionsPolicy} asks for OpenCode, the gate puts <em>one</em>
 * question to the task's device: the task waits in {@code waiting_permission}, the question is
 * journaled and in {@code GET /v1/permissions}, bound to task, call, arguments hash and nonce, and
 * every step is in the gate's audit log;</li>
 * <li>the device answers either on {@code POST /v1/permissions/{id}/reply} or, as OpenCode clients
 * do, on {@code POST /opencode/permission/{id}/reply} ({@link #answer}), which this bridge turns
 * into a reply to the gate's question with the binding filled in by the host;</li>
 * <li>the gate's decision goes back through OpenCode's {@code POST /permission/{id}/reply}:
 * {@code once} or {@code reject}, never {@code always}, so OpenCode never learns a rule that would
 * skip the host next time ({@code always} becomes a host rule instead).</li>
 * </ol>
 */
final class PermissionBridge {

    private static final Logger LOG = LoggerFactory.getLogger(PermissionBridge.class);
    static final Set<String> REPLIES = Set.of(PermissionReply.ONCE, PermissionReply.ALWAYS, PermissionReply.REJECT);
    static final String STREAM = "stderr";
    /** How long an answer waits for the gate's question to be put, and then for OpenCode to take the decision. */
    static final Duration ANSWER_WAIT = Duration.ofSeconds(10);

    /** Sends the final answer to OpenCode; returns whether OpenCode took it. */
    interface Replier {
        boolean reply(String directory, String requestId, String reply, String message);
    }

    /** The host's final answer to OpenCode and why. */
    record Outcome(String reply, String reason) {
    }

    /** A request waiting for the host's answer. */
    static final class Pending {
        final String requestId;
        final String directory;
        final SessionTask task;
        final ToolCall call;
        final JsonNode request;
        final int step;
        final CompletableFuture<Outcome> outcome = new CompletableFuture<>();

        Pending(String requestId, String directory, SessionTask task, ToolCall call, JsonNode request, int step) {
            this.requestId = requestId;
            this.directory = directory;
            this.task = task;
            this.call = call;
            this.request = request;
            this.step = step;
        }

        boolean visibleTo(String deviceId, boolean admin) {
            return admin || (deviceId != null && deviceId.equals(task.ownerId));
        }
    }

    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Function<String, Optional<SessionTask>> tasksBySession;
    private final Replier replier;
    private final ExecutorService executor;
    private final Supplier<PermissionService> permissions;

    PermissionBridge(Function<String, Optional<SessionTask>> tasksBySession, Replier replier, ExecutorService executor,
            Supplier<PermissionService> permissions) {
        this.tasksBySession = tasksBySession;
        this.replier = replier;
        this.executor = executor;
        this.permissions = permissions;
    }

    /** A {@code permission.asked} event. */
    void asked(OpenCodeEvent event) {
        JsonNode request = event.properties();
        String requestId = request.path("id").asText("");
        String sessionId = request.path("sessionID").asText("");
        if (requestId.isEmpty() || pending.containsKey(requestId)) {
            return;
        }
        ToolCall call = ToolCalls.ofPermission(request);
        Optional<SessionTask> bound = tasksBySession.apply(sessionId);
        if (bound.isEmpty()) {
            LOG.info("OpenCode permission {} ({}) in session {}: rejected, no host task runs there", requestId,
                    ToolCalls.describe(call), sessionId);
            executor.execute(() -> replier.reply(event.directory(), requestId, PermissionReply.REJECT,
                    "The host runs no task in this session, so nobody may allow this."));
            return;
        }
        SessionTask task = bound.get();
        int step = task.stepOf(request.path("tool").path("callID").asText(""));
        Pending entry = new Pending(requestId, event.directory(), task, call, request, step);
        pending.put(requestId, entry);
        executor.execute(() -> decide(entry));
    }

    /** A {@code permission.replied} event: whoever answered, OpenCode no longer waits for it. */
    void replied(OpenCodeEvent event) {
        pending.remove(event.properties().path("requestID").asText(""));
    }

    /** Whether the gate is deciding about an OpenCode request of this task at this step right now. */
    boolean isOpenCodeQuestion(String taskId, int step) {
        return pending.values().stream().anyMatch(p -> p.step == step && p.task.run.taskId().equals(taskId));
    }

    private void decide(Pending entry) {
        SessionTask task = entry.task;
        task.run.output(entry.step, STREAM, "permission " + entry.requestId + " asked by OpenCode: "
                + ToolCalls.describe(entry.call));
        ToolGate.Decision decision;
        try {
            decision = task.run.check(entry.step, entry.call);
        } catch (RuntimeException e) {
            LOG.warn("The gate failed on OpenCode permission {}", entry.requestId, e);
            decision = ToolGate.Decision.deny("the host's gate failed: " + e.getClass().getSimpleName());
        }
        String reason = decision == null || decision.reason() == null ? "no reason given" : decision.reason();
        Outcome outcome = decision != null && decision.allowed()
                ? new Outcome(PermissionReply.ONCE, "allowed: " + reason)
                : new Outcome(PermissionReply.REJECT, "refused: " + reason);
        boolean stillAsked = pending.remove(entry.requestId) != null;
        boolean delivered = stillAsked && replier.reply(entry.directory, entry.requestId, outcome.reply(),
                PermissionReply.REJECT.equals(outcome.reply()) ? "The host " + outcome.reason() : null);
        LOG.info("Task {}: OpenCode permission {} ({}) answered {} ({}){}", task.run.taskId(), entry.requestId,
                ToolCalls.describe(entry.call), outcome.reply(), outcome.reason(), delivered ? "" : "; OpenCode no longer waited");
        task.run.output(entry.step, STREAM, "permission " + entry.requestId + " answered: " + outcome.reply() + " ("
                + outcome.reason() + ")" + (delivered ? "" : "; OpenCode no longer waited for it"));
        entry.outcome.complete(outcome);
    }

    /**
     * An OpenCode client's answer ({@code POST /opencode/permission/{id}/reply}) to a request:
     * becomes the reply to the gate's question about it, bound by the host to that question's task,
     * call, arguments hash and nonce (the client named OpenCode's request, which stands for exactly
     * one question), and checked by the gate like any reply (who may answer, expiry, once only).
     * Returns when OpenCode has the decision.
     *
     * @throws HostException NOT_FOUND for a request the caller cannot see or that is over,
     *                       INVALID_REQUEST for an unknown reply, CONFLICT when the host's policy
     *                       decided it without asking or it was answered already, EXPIRED when
     *                       nobody answered in time, UNAVAILABLE when the gate is not running
     */
    Outcome answer(String callerDeviceId, boolean admin, String requestId, String reply, String message) {
        Pending entry = requestId == null ? null : pending.get(requestId);
        if (entry == null || !entry.visibleTo(callerDeviceId, admin)) {
            throw new HostException(ErrorCode.NOT_FOUND, "No permission request " + requestId + " is waiting for this device.",
                    "List the open ones with GET /opencode/permission (or GET /v1/permissions); an answer counts once.");
        }
        if (reply == null || !REPLIES.contains(reply)) {
            throw new HostException(ErrorCode.INVALID_REQUEST, "The reply must be once, always or reject.",
                    "Send {\"reply\":\"once\"}, {\"reply\":\"always\"} or {\"reply\":\"reject\"}.");
        }
        PermissionService service = permissions.get();
        if (service == null) {
            throw new HostException(ErrorCode.UNAVAILABLE, "The permission gate is not running, so nobody can answer.",
                    "The admin should start the permissions bundle (host:health shows it).");
        }
        PermissionPrompt question = questionFor(entry, service);
        PermissionService.Answerer who = callerDeviceId == null ? PermissionService.Answerer.LOCAL_ADMIN
                : new PermissionService.Answerer(callerDeviceId, admin);
        PermissionOutcome settled = service.reply(question.id(), who, PermissionReply.to(question, reply, message));
        LOG.info("Task {}: OpenCode permission {} answered {} by {} through /opencode (question {})",
                entry.task.run.taskId(), requestId, settled.decision(), who.label(), question.id());
        return awaitOutcome(entry);
    }

    /** The gate's open question about this request; the gate may still be putting it when the client answers. */
    private PermissionPrompt questionFor(Pending entry, PermissionService service) {
        long end = System.nanoTime() + ANSWER_WAIT.toNanos();
        while (true) {
            Optional<PermissionPrompt> question = service.pending(PermissionService.Answerer.LOCAL_ADMIN).stream()
                    .filter(p -> p.taskId().equals(entry.task.run.taskId()) && p.step() == entry.step).findFirst();
            if (question.isPresent()) {
                return question.get();
            }
            if (entry.outcome.isDone()) {
                Outcome decided = entry.outcome.getNow(null);
                throw new HostException(ErrorCode.CONFLICT, "The host decided this request without asking: "
                        + (decided == null ? "it is over" : decided.reply() + ", " + decided.reason()) + ".",
                        "Nothing to answer. To be asked about such calls, the admin changes the permission policy.");
            }
            if (System.nanoTime() > end) {
                throw new HostException(ErrorCode.UNAVAILABLE, "The host's gate has not put the question about "
                        + entry.requestId + " yet.", "Try again in a moment; GET /v1/permissions lists open questions.");
            }
            try {
                entry.outcome.get(50, TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException stillDeciding) {
                // look again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HostException(ErrorCode.UNAVAILABLE, "The host is stopping.", "Try again after it restarted.");
            }
        }
    }

    private Outcome awaitOutcome(Pending entry) {
        try {
            return entry.outcome.get(ANSWER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw new HostException(ErrorCode.UNAVAILABLE, "The answer was taken, but OpenCode did not get the decision in time.",
                    "Look at the task's events and the runtime's health (GET /v1/health).");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostException(ErrorCode.UNAVAILABLE, "The host is stopping.", "Try again after it restarted.");
        }
    }

    /** The pending requests (OpenCode's own shape) of sessions the caller may see. */
    List<JsonNode> pendingFor(String callerDeviceId, boolean admin) {
        return pending.values().stream().filter(p -> p.visibleTo(callerDeviceId, admin)).map(p -> p.request).toList();
    }

    /** Whether a request is one the host decides about for this caller. */
    boolean isPendingFor(String requestId, String callerDeviceId, boolean admin) {
        Pending entry = pending.get(requestId);
        return entry != null && entry.visibleTo(callerDeviceId, admin);
    }

    /** The directories of the caller's pending requests. */
    Set<String> directoriesFor(String callerDeviceId, boolean admin) {
        Set<String> dirs = new HashSet<>();
        pending.values().stream().filter(p -> p.visibleTo(callerDeviceId, admin) && p.directory != null)
                .forEach(p -> dirs.add(p.directory));
        return dirs;
    }

    /** The task ended: its requests end with it (the gate closed its questions when the task stopped). */
    void taskEnded(SessionTask task) {
        pending.values().removeIf(p -> p.task == task);
    }
}
