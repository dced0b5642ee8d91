package dev.openwork.host.runtime.opencode.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostException;
import dev.openwork.host.api.health.HealthCheckResult;
import dev.openwork.host.api.health.HealthStatus;
import dev.openwork.host.api.opencode.OpenCodeGateway;
import dev.openwork.host.api.permissions.PermissionService;
import dev.openwork.host.api.tasks.Task;
import dev.openwork.host.api.tasks.TaskInterruptedException;
import dev.openwork.host.api.tasks.TaskRequest;
import dev.openwork.host.api.tasks.TaskRun;
import dev.openwork.host.api.tasks.TaskRuntime;
import dev.openwork.host.api.tasks.ToolCall;
import dev.openwork.host.api.tasks.ToolGate;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenCode runtime's core: the supervised server, its event stream, the tasks bound to sessions,
 * the permission bridge and session ownership. A host task maps to one OpenCode session: a new one
 * in the task's workspace, or the one the request names (which must belong to the task's device).
 * A prompt is sent as OpenCode's {@code POST /session/{id}/message}; {@code bash} steps run one by
 * one as {@code POST /session/{id}/shell}, each through the gate first. Cancelling or timing out
 * aborts the session; OpenCode dying interrupts the task.
 */
final class OpenCodeEngine implements OpenCodeServer.Listener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpenCodeEngine.class);
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    static final long EVENTS_SETTLE_MILLIS = 3_000;

    final OpenCodeSettings settings;
    final OpenCodeServer server;
    final OpenCodeHttp http;
    final SessionOwners owners;
    final PermissionBridge bridge;
    final TaskReplies replies = new TaskReplies();
    private final Map<String, SessionTask> bySession = new ConcurrentHashMap<>();
    private final List<Consumer<OpenCodeEvent>> eventListeners = new CopyOnWriteArrayList<>();
    private final Function<String, Optional<Task>> tasks;
    private final Consumer<String> crashReporter;
    private final ExecutorService permissions = Executors.newCachedThreadPool(daemon("openwork-opencode-permission"));
    private final ScheduledExecutorService scheduler;
    private volatile EventPump pump;

    OpenCodeEngine(OpenCodeSettings settings, OpenCodeEnvironment.Directories dirs, Function<String, Optional<Task>> tasks,
            Consumer<String> crashReporter, Map<String, String> hostEnvironment, Clock clock,
            Supplier<PermissionService> permissionService) {
        this.settings = settings;
        this.tasks = tasks;
        this.crashReporter = crashReporter;
        this.http = new OpenCodeHttp(OpenCodeHttp.newClient());
        this.scheduler = Executors.newScheduledThreadPool(2, daemon("openwork-opencode-supervisor"));
        this.owners = new SessionOwners(dirs.root().resolve("sessions.json"));
        this.bridge = new PermissionBridge(id -> Optional.ofNullable(bySession.get(id)), this::replyToOpenCode, permissions,
                permissionService);
        this.server = new OpenCodeServer(settings, dirs, this, scheduler, http, () -> hostEnvironment, clock);
    }

    void start() {
        server.start();
    }

    void addEventListener(Consumer<OpenCodeEvent> listener) {
        eventListeners.add(listener);
    }

    // ---- supervision --------------------------------------------------------------------------

    @Override
    public void started(Connection connection) {
        EventPump previous = pump;
        if (previous != null) {
            previous.close();
        }
        pump = new EventPump(connection, http, this::onEvent).start();
    }

    @Override
    public void stopped(Connection connection, String cause, boolean crashed) {
        EventPump current = pump;
        if (current != null && (connection == null || current.connection().generation() == connection.generation())) {
            current.close();
        }
        for (SessionTask task : bySession.values()) {
            if (connection == null || task.generation == connection.generation()) {
                task.run.output(task.lastStep(), "stderr", crashed ? cause + " The host restarts it; the session "
                        + task.sessionId + " can be continued." : "OpenCode was stopped: " + cause);
                task.lost(cause);
            }
        }
        if (crashed) {
            crashReporter.accept(cause);
        }
    }

    private void onEvent(OpenCodeEvent event) {
        switch (event.type()) {
            case "permission.asked" -> bridge.asked(event);
            case "permission.replied" -> bridge.replied(event);
            case "session.deleted" -> owners.remove(event.sessionId());
            default -> {
                // routed below
            }
        }
        String sessionId = event.sessionId();
        SessionTask task = sessionId == null ? null : bySession.get(sessionId);
        if (task != null) {
            task.onEvent(event);
        }
        for (Consumer<OpenCodeEvent> listener : eventListeners) {
            listener.accept(event);
        }
    }

    private boolean replyToOpenCode(String directory, String requestId, String reply, String message) {
        Optional<Connection> connection = server.current();
        if (connection.isEmpty()) {
            return false;
        }
        ObjectNode body = JSON.createObjectNode().put("reply", reply);
        if (message != null) {
            body.put("message", message);
        }
        try {
            OpenCodeHttp.Answer answer = http.send(connection.get(), "POST", "/permission/" + requestId + "/reply",
                    directory == null ? null : Map.of("directory", directory), JSON.writeValueAsBytes(body), REQUEST_TIMEOUT);
            return answer.ok();
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The running OpenCode for a client request, or UNAVAILABLE with the supervisor's cause and action. */
    Connection connectionForClient() {
        return server.current().orElseThrow(() -> {
            OpenCodeServer.Status status = server.status();
            return new HostException(ErrorCode.UNAVAILABLE, status.cause(),
                    status.action() != null ? status.action() : "Try again in a few seconds; GET /v1/health shows the runtime's state.");
        });
    }

    /** The task bound to a session now, if any. */
    Optional<SessionTask> taskIn(String sessionId) {
        return Optional.ofNullable(bySession.get(sessionId));
    }

    // ---- tasks --------------------------------------------------------------------------------

    TaskRuntime.Outcome run(TaskRun run) throws Exception {
        CompletableFuture<OpenCodeGateway.Reply> reply = replies.of(run.taskId());
        try {
            return runBound(run, reply);
        } catch (HostException e) {
            reply.completeExceptionally(e);
            return new TaskRuntime.Outcome(false, null, e.getMessage() + (e.action() == null ? "" : " " + e.action()));
        } catch (TaskInterruptedException e) {
            reply.completeExceptionally(new HostException(ErrorCode.UNAVAILABLE, e.getMessage(),
                    "Send the prompt again once GET /opencode/global/health answers."));
            throw e;
        } catch (RuntimeException e) {
            reply.completeExceptionally(e);
            throw e;
        } finally {
            // a compatibility request that never collects its reply leaves it to expire
            reply.completeExceptionally(new HostException(ErrorCode.CONFLICT, "The task ended without an answer from OpenCode.",
                    "Look at the task's events (GET /v1/tasks/" + run.taskId() + "/log)."));
        }
    }

    private TaskRuntime.Outcome runBound(TaskRun run, CompletableFuture<OpenCodeGateway.Reply> reply) throws Exception {
        TaskRequest request = run.request();
        Duration wait = settings.startTimeout().plus(settings.maxRestartDelay());
        Instant deadline = run.deadline();
        if (deadline != null && Duration.between(Instant.now(), deadline).compareTo(wait) < 0) {
            wait = Duration.between(Instant.now(), deadline).isNegative() ? Duration.ZERO : Duration.between(Instant.now(), deadline);
        }
        Optional<Connection> running = server.awaitRunning(wait);
        if (running.isEmpty()) {
            OpenCodeServer.Status status = server.status();
            if (status.phase() == OpenCodeServer.Phase.MISSING || status.phase() == OpenCodeServer.Phase.DISABLED) {
                throw new HostException(ErrorCode.UNAVAILABLE, status.cause(), status.action());
            }
            throw new TaskInterruptedException("OpenCode is not running: " + status.cause());
        }
        Connection connection = running.get();
        EventPump events = pump;
        if (events == null || events.connection().generation() != connection.generation()
                || !events.awaitConnected(10_000)) {
            throw new TaskInterruptedException("OpenCode's event stream did not connect; the task was not started.");
        }
        String ownerId = SessionOwners.ownerId(tasks.apply(run.taskId()).map(Task::deviceId).orElse(null));
        String directory = run.workspace().toString();
        String sessionId = request.session();
        if (sessionId != null) {
            String requested = sessionId;
            SessionOwners.Owner owner = owners.get(sessionId)
                    .filter(o -> o.deviceId().equals(ownerId) || SessionOwners.ADMIN.equals(ownerId))
                    .orElseThrow(() -> new HostException(ErrorCode.NOT_FOUND, "No OpenCode session " + requested
                            + " belongs to this device.", "Leave 'session' out to start a new one."));
            if (owner.directory() != null && !owner.directory().equals(directory)) {
                throw new HostException(ErrorCode.INVALID_REQUEST, "The session " + sessionId + " works in " + owner.directory()
                        + ", not in " + directory + ".", "Give that directory as the task's workspace.");
            }
        } else {
            sessionId = createSession(connection, directory, "Host task " + run.taskId());
            owners.put(sessionId, new SessionOwners.Owner(ownerId, directory));
        }
        run.output(0, "stdout", "OpenCode session " + sessionId);
        SessionTask bound = new SessionTask(run, sessionId, directory, ownerId, connection.generation(), 0);
        SessionTask busy = bySession.putIfAbsent(sessionId, bound);
        if (busy != null) {
            throw new HostException(ErrorCode.CONFLICT, "The session " + sessionId + " is busy with task " + busy.run.taskId() + ".",
                    "Wait for it to end, or abort it.");
        }
        try {
            OpenCodeHttp.Answer answer = null;
            List<ToolCall> steps = request.steps() == null ? List.of() : request.steps();
            Map<String, Object> options = request.options() == null ? Map.of() : request.options();
            if (!steps.isEmpty()) {
                for (ToolCall call : steps) {
                    if (!ToolCall.BASH.equals(call.tool())) {
                        throw new HostException(ErrorCode.INVALID_REQUEST, "The opencode runtime runs bash steps only, not "
                                + call.tool() + ".", "Use the shell runtime for file steps, or ask the agent in a prompt.");
                    }
                    // the shell command becomes OpenCode's next tool call, which takes the next step index
                    int step = bound.nextStep();
                    ToolGate.Decision decision = run.check(step, call);
                    if (decision == null || !decision.allowed()) {
                        String reason = decision == null || decision.reason() == null ? "no reason given" : decision.reason();
                        throw new HostException(ErrorCode.FORBIDDEN, "The host refused the command: " + reason + ".", null);
                    }
                    ObjectNode body = JSON.createObjectNode();
                    body.put("agent", String.valueOf(options.getOrDefault("agent", settings.defaultAgent())));
                    body.put("command", call.command());
                    if (options.get("model") != null) {
                        body.set("model", JSON.valueToTree(options.get("model")));
                    }
                    answer = post(bound, connection, "/session/" + sessionId + "/shell", body);
                    if (!answer.ok() || run.stopRequested()) {
                        break;
                    }
                }
            } else {
                answer = post(bound, connection, "/session/" + sessionId + "/message", promptBody(request, options));
            }
            bound.awaitIdle(EVENTS_SETTLE_MILLIS, false);
            bound.flushText();
            if (bound.lostCause() != null) {
                throw new TaskInterruptedException(bound.lostCause());
            }
            reply.complete(new OpenCodeGateway.Reply(answer.status(), answer.contentType(), answer.body()));
            return outcome(bound, answer);
        } finally {
            bySession.remove(sessionId, bound);
            bridge.taskEnded(bound);
        }
    }

    private TaskRuntime.Outcome outcome(SessionTask bound, OpenCodeHttp.Answer answer) {
        if (bound.run.stopRequested()) {
            return new TaskRuntime.Outcome(false, null, "stopped; the OpenCode session " + bound.sessionId + " was aborted");
        }
        if (!answer.ok()) {
            String text = answer.text();
            return new TaskRuntime.Outcome(false, null, "OpenCode answered " + answer.status() + ": "
                    + (text.length() > 300 ? text.substring(0, 300) + "..." : text));
        }
        String error = bound.error();
        try {
            JsonNode info = JSON.readTree(answer.body()).path("info");
            if (info.path("error").isObject()) {
                error = SessionTask.describeError(info.path("error"));
            }
        } catch (IOException notJson) {
            // the status decides
        }
        if (error != null) {
            return new TaskRuntime.Outcome(false, 1, "OpenCode: " + error);
        }
        return new TaskRuntime.Outcome(true, 0, "OpenCode finished in session " + bound.sessionId + ".");
    }

    /** What a prompt may carry to OpenCode; anything else (a field that would change permissions) stays out. */
    static final java.util.Set<String> PROMPT_FIELDS = java.util.Set.of("messageID", "model", "agent", "noReply", "tools",
            "format", "system", "variant", "parts");

    static ObjectNode promptBody(TaskRequest request, Map<String, Object> options) {
        ObjectNode body = JSON.valueToTree(options);
        body.retain(PROMPT_FIELDS);
        if (!body.has("parts")) {
            ArrayNode parts = body.putArray("parts");
            parts.addObject().put("type", "text").put("text", request.prompt() == null ? "" : request.prompt());
        }
        return body;
    }

    String createSession(Connection connection, String directory, String title) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("title", title);
        OpenCodeHttp.Answer answer = http.send(connection, "POST", "/session", Map.of("directory", directory),
                JSON.writeValueAsBytes(body), REQUEST_TIMEOUT);
        if (!answer.ok()) {
            throw new HostException(ErrorCode.UNAVAILABLE, "OpenCode refused to create a session (" + answer.status() + ").",
                    "Read data/opencode/log/opencode.log on the host.");
        }
        return JSON.readTree(answer.body()).path("id").asText();
    }

    /** Posts and waits, aborting the session once the task must stop and giving up when OpenCode is lost. */
    private OpenCodeHttp.Answer post(SessionTask bound, Connection connection, String path, JsonNode body) throws Exception {
        CompletableFuture<OpenCodeHttp.Answer> pending = http.sendAsync(connection, "POST", path,
                Map.of("directory", bound.directory), JSON.writeValueAsBytes(body));
        boolean aborted = false;
        while (true) {
            try {
                return pending.get(200, TimeUnit.MILLISECONDS);
            } catch (TimeoutException stillRunning) {
                // look at the task below
            } catch (ExecutionException failed) {
                // OpenCode went away: the supervisor reports why in a moment
                for (int i = 0; i < 20 && bound.lostCause() == null; i++) {
                    Thread.sleep(100);
                }
                throw new TaskInterruptedException(bound.lostCause() != null ? bound.lostCause()
                        : "OpenCode stopped answering: " + failed.getCause().getMessage());
            }
            if (bound.lostCause() != null) {
                pending.cancel(true);
                throw new TaskInterruptedException(bound.lostCause());
            }
            if (!aborted && bound.run.stopRequested()) {
                aborted = true;
                LOG.info("Task {}: aborting OpenCode session {}", bound.run.taskId(), bound.sessionId);
                try {
                    http.send(connection, "POST", "/session/" + bound.sessionId + "/abort", Map.of("directory", bound.directory),
                            null, REQUEST_TIMEOUT);
                } catch (IOException e) {
                    LOG.debug("Abort failed", e);
                }
            }
        }
    }

    // ---- health -------------------------------------------------------------------------------

    HealthCheckResult health() {
        OpenCodeServer.Status status = server.status();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("phase", status.phase().name().toLowerCase());
        details.put("binary", settings.binary());
        details.put("restarts", status.restarts());
        if (status.lastExitCode() != null) {
            details.put("lastExitCode", status.lastExitCode());
        }
        if (status.lastCrashAt() != null) {
            details.put("lastCrashAt", status.lastCrashAt().toString());
        }
        if (status.connection() != null) {
            details.put("pid", status.connection().pid());
            details.put("version", status.connection().version());
        }
        if (status.runningSince() != null) {
            details.put("runningSince", status.runningSince().toString());
        }
        details.put("tasksRunning", bySession.size());
        HealthStatus level = switch (status.phase()) {
            case RUNNING, DISABLED -> status.restarts() > 0 && status.lastCrashAt() != null
                    && Duration.between(status.lastCrashAt(), Instant.now()).toMinutes() < 10 ? HealthStatus.WARNING : HealthStatus.OK;
            default -> HealthStatus.WARNING;
        };
        String cause = status.cause();
        String action = status.action();
        if (status.phase() == OpenCodeServer.Phase.RUNNING && level == HealthStatus.WARNING) {
            cause = cause + " It was restarted " + status.restarts() + " time(s); the last crash was at " + status.lastCrashAt()
                    + " (exit code " + status.lastExitCode() + ").";
            action = "Nothing to do if it stays up; read data/opencode/log/opencode.log if it keeps crashing.";
        }
        return new HealthCheckResult(OpenCodeComponent.NAME, level, cause, action, details);
    }

    @Override
    public void close() {
        server.close();
        EventPump current = pump;
        if (current != null) {
            current.close();
        }
        permissions.shutdownNow();
        scheduler.shutdownNow();
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
