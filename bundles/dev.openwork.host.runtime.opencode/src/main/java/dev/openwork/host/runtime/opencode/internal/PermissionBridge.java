package dev.openwork.host.runtime.opencode.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostException;
import dev.openwork.host.api.tasks.ToolCall;
import dev.openwork.host.api.tasks.ToolGate;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenCode's permission requests, answered by the host. For each {@code permission.asked}:
 * <ol>
 * <li>the request is bound to the host task that runs in its session (none: rejected at once);</li>
 * <li>the host's gate decides first ({@code TaskRun.check}: policies, scopes); a refusal is sent to
 * OpenCode as {@code reject};</li>
 * <li>when the gate allows and {@code askDevice} is on, the device that owns the task must answer
 * ({@link #answer}, from {@code POST /opencode/permission/{id}/reply}) within the timeout, else it is
 * rejected;</li>
 * <li>the outcome goes back through OpenCode's {@code POST /permission/{id}/reply}: {@code once} or
 * {@code reject}, never {@code always}, so OpenCode never learns a rule that would skip the host next
 * time.</li>
 * </ol>
 * A request is answered once: it is bound to its task, OpenCode's call id, the hash of its
 * arguments and an expiry; a second answer, an answer after the expiry or from another device is
 * refused. Every step is written to the task's events and to the host log ({@code [audit]}).
 */
final class PermissionBridge {

    private static final Logger LOG = LoggerFactory.getLogger(PermissionBridge.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Set<String> REPLIES = Set.of("once", "always", "reject");
    static final String STREAM = "stderr";

    /** Sends the final answer to OpenCode; returns whether OpenCode took it. */
    interface Replier {
        boolean reply(String directory, String requestId, String reply, String message);
    }

    /** What the device said. */
    record DeviceAnswer(String reply, String message, String deviceId) {
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
        final String callId;
        final String argumentsHash;
        final Instant expiresAt;
        final JsonNode request;
        final int step;
        final CompletableFuture<DeviceAnswer> device = new CompletableFuture<>();
        final CompletableFuture<Outcome> outcome = new CompletableFuture<>();

        Pending(String requestId, String directory, SessionTask task, ToolCall call, String callId, String argumentsHash,
                Instant expiresAt, JsonNode request, int step) {
            this.requestId = requestId;
            this.directory = directory;
            this.task = task;
            this.call = call;
            this.callId = callId;
            this.argumentsHash = argumentsHash;
            this.expiresAt = expiresAt;
            this.request = request;
            this.step = step;
        }
    }

    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Function<String, Optional<SessionTask>> tasksBySession;
    private final Replier replier;
    private final ExecutorService executor;
    private final Clock clock;
    private final Duration timeout;
    private final boolean askDevice;

    PermissionBridge(Function<String, Optional<SessionTask>> tasksBySession, Replier replier, ExecutorService executor,
            Clock clock, Duration timeout, boolean askDevice) {
        this.tasksBySession = tasksBySession;
        this.replier = replier;
        this.executor = executor;
        this.clock = clock;
        this.timeout = timeout;
        this.askDevice = askDevice;
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
            LOG.info("[audit] OpenCode permission {} ({}) in session {}: rejected, no host task runs there", requestId,
                    ToolCalls.describe(call), sessionId);
            executor.execute(() -> replier.reply(event.directory(), requestId, "reject",
                    "The host runs no task in this session, so nobody may allow this."));
            return;
        }
        SessionTask task = bound.get();
        String callId = request.path("tool").path("callID").asText("");
        Pending entry = new Pending(requestId, event.directory(), task, call, callId, hash(call),
                clock.instant().plus(timeout), request, task.stepOf(callId));
        pending.put(requestId, entry);
        executor.execute(() -> decide(entry));
    }

    /** A {@code permission.replied} event: whoever answered, the request is no longer pending. */
    void replied(OpenCodeEvent event) {
        Pending entry = pending.remove(event.properties().path("requestID").asText(""));
        if (entry != null) {
            entry.device.cancel(false);
        }
    }

    private void decide(Pending entry) {
        SessionTask task = entry.task;
        String what = ToolCalls.describe(entry.call);
        task.run.output(entry.step, STREAM, "permission " + entry.requestId + " asked by OpenCode: " + what);
        ToolGate.Decision decision;
        try {
            decision = task.run.check(entry.step, entry.call);
        } catch (RuntimeException e) {
            LOG.warn("The gate failed on permission {}", entry.requestId, e);
            decision = ToolGate.Decision.deny("the host's gate failed: " + e.getClass().getSimpleName());
        }
        String gateReason = decision == null || decision.reason() == null ? "no reason given" : decision.reason();
        LOG.info("[audit] task {} permission {} ({}, call {}, args {}): host gate {}: {}", task.run.taskId(), entry.requestId,
                what, entry.callId, entry.argumentsHash, decision != null && decision.allowed() ? "allowed" : "refused", gateReason);
        Outcome outcome;
        if (decision == null || !decision.allowed()) {
            task.run.output(entry.step, STREAM, "the host refused it: " + gateReason);
            outcome = new Outcome("reject", "refused by the host: " + gateReason);
        } else if (!askDevice) {
            task.run.output(entry.step, STREAM, "the host allowed it: " + gateReason);
            outcome = new Outcome("once", "allowed by the host: " + gateReason);
        } else {
            task.run.output(entry.step, STREAM, "the host's gate allowed it (" + gateReason + "); waiting up to "
                    + timeout.toSeconds() + " s for the device's answer: POST /opencode/permission/" + entry.requestId + "/reply");
            outcome = awaitDevice(entry);
        }
        pending.remove(entry.requestId);
        boolean delivered = replier.reply(entry.directory, entry.requestId, outcome.reply(),
                "reject".equals(outcome.reply()) ? outcome.reason() : null);
        LOG.info("[audit] task {} permission {}: answered {} ({}){}", task.run.taskId(), entry.requestId, outcome.reply(),
                outcome.reason(), delivered ? "" : "; OpenCode did not take the answer");
        task.run.output(entry.step, STREAM, "permission " + entry.requestId + " answered: " + outcome.reply()
                + (delivered ? "" : " (OpenCode no longer waited for it)"));
        entry.outcome.complete(outcome);
    }

    private Outcome awaitDevice(Pending entry) {
        long left = Duration.between(clock.instant(), entry.expiresAt).toMillis();
        try {
            DeviceAnswer answer = entry.device.get(Math.max(0, left), TimeUnit.MILLISECONDS);
            String by = answer.deviceId() == null ? "the local admin" : "device " + answer.deviceId();
            entry.task.run.output(entry.step, STREAM, by + " answered " + answer.reply()
                    + ("always".equals(answer.reply()) ? " (taken as once: the host keeps deciding every call)" : ""));
            if ("reject".equals(answer.reply())) {
                String message = answer.message() == null || answer.message().isBlank() ? "rejected by " + by : answer.message();
                return new Outcome("reject", message);
            }
            return new Outcome("once", "allowed by " + by);
        } catch (TimeoutException e) {
            entry.device.cancel(false);
            entry.task.run.output(entry.step, STREAM, "no answer within " + timeout.toSeconds() + " s");
            return new Outcome("reject", "no answer from the device within " + timeout.toSeconds() + " s");
        } catch (CancellationException e) {
            return new Outcome("reject", "the task ended before the device answered");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome("reject", "the host is stopping");
        } catch (ExecutionException e) {
            return new Outcome("reject", "the answer failed");
        }
    }

    /**
     * The device's (or local admin's) answer to a pending request: waits until the host has answered
     * OpenCode and returns that outcome.
     *
     * @throws HostException NOT_FOUND for a request the caller cannot see or that is over,
     *                       INVALID_REQUEST for an unknown reply, CONFLICT when it was answered already
     *                       or the host's policy refused it
     */
    Outcome answer(String callerDeviceId, boolean admin, String requestId, String reply, String message) {
        Pending entry = requestId == null ? null : pending.get(requestId);
        if (entry == null || !(admin || (callerDeviceId != null && callerDeviceId.equals(entry.task.ownerId)))) {
            throw new HostException(ErrorCode.NOT_FOUND, "No permission request " + requestId + " is waiting for this device.",
                    "List the pending ones with GET /opencode/permission; an answer counts once, within "
                            + timeout.toSeconds() + " s of the question.");
        }
        if (reply == null || !REPLIES.contains(reply)) {
            throw new HostException(ErrorCode.INVALID_REQUEST, "The reply must be once, always or reject.",
                    "Send {\"reply\":\"once\"} or {\"reply\":\"reject\"}.");
        }
        if (!clock.instant().isBefore(entry.expiresAt)) {
            throw new HostException(ErrorCode.NOT_FOUND, "The permission request " + requestId + " expired.",
                    "Run the task again; answer within " + timeout.toSeconds() + " s.");
        }
        if (!entry.device.complete(new DeviceAnswer(reply, message, callerDeviceId))) {
            throw new HostException(ErrorCode.CONFLICT, "The permission request " + requestId + " was answered already.",
                    "Nothing to do: an answer counts once.");
        }
        Outcome outcome;
        try {
            outcome = entry.outcome.get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw new HostException(ErrorCode.UNAVAILABLE, "OpenCode did not take the answer in time.",
                    "Look at the task's events and the runtime's health (GET /v1/health).");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostException(ErrorCode.UNAVAILABLE, "The host is stopping.", "Try again after it restarted.");
        }
        if (!"reject".equals(reply) && "reject".equals(outcome.reply()) && outcome.reason().startsWith("refused by the host")) {
            throw new HostException(ErrorCode.CONFLICT, "The host's policy " + outcome.reason().substring("refused by the ".length()) + ".",
                    "Ask the admin to change the permission policy if the call should run.");
        }
        return outcome;
    }

    /** The pending requests (OpenCode's own shape) of sessions the caller may see. */
    List<JsonNode> pendingFor(String callerDeviceId, boolean admin) {
        return pending.values().stream()
                .filter(p -> admin || (callerDeviceId != null && callerDeviceId.equals(p.task.ownerId)))
                .map(p -> p.request).toList();
    }

    /** Whether a request is one the host waits on for this caller. */
    boolean isPendingFor(String requestId, String callerDeviceId, boolean admin) {
        Pending entry = pending.get(requestId);
        return entry != null && (admin || (callerDeviceId != null && callerDeviceId.equals(entry.task.ownerId)));
    }

    /** The directories of the caller's pending requests. */
    Set<String> directoriesFor(String callerDeviceId, boolean admin) {
        Set<String> dirs = new java.util.HashSet<>();
        pending.values().stream().filter(p -> admin || (callerDeviceId != null && callerDeviceId.equals(p.task.ownerId)))
                .forEach(p -> {
                    if (p.directory != null) {
                        dirs.add(p.directory);
                    }
                });
        return dirs;
    }

    /** The task ended: its open questions end with it. */
    void taskEnded(SessionTask task) {
        pending.values().removeIf(p -> {
            if (p.task == task) {
                p.device.cancel(false);
                return true;
            }
            return false;
        });
    }

    static String hash(ToolCall call) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            ObjectNode node = JSON.valueToTree(call);
            return HexFormat.of().formatHex(digest.digest(JSON.writeValueAsString(node).getBytes(StandardCharsets.UTF_8)))
                    .substring(0, 16);
        } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
