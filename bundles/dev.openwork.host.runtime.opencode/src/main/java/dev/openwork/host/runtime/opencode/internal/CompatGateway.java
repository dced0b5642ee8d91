package dev.openwork.host.runtime.opencode.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostException;
import dev.openwork.host.api.opencode.OpenCodeGateway;
import dev.openwork.host.api.tasks.Task;
import dev.openwork.host.api.tasks.TaskEvent;
import dev.openwork.host.api.tasks.TaskRequest;
import dev.openwork.host.api.tasks.TaskService;
import dev.openwork.host.api.tasks.TaskState;
import dev.openwork.host.api.tasks.ToolCall;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenCode compatibility layer behind the REST transport: OpenCode's answers passed on, sessions
 * filtered to their owners, prompts and shell commands run as host tasks, permission replies
 * answered by the host's bridge, events filtered per subscriber.
 */
final class CompatGateway implements OpenCodeGateway {

    private static final Logger LOG = LoggerFactory.getLogger(CompatGateway.class);
    /** How long a synchronous answer waits for its task to record its end (normally milliseconds). */
    static final Duration TASK_END_WAIT = Duration.ofSeconds(5);
    static final long HEARTBEAT_SECONDS = 10;
    static final Set<String> SESSION_LIST_QUERY = Set.of("roots", "start", "search", "limit");
    static final String JSON_TYPE = "application/json";
    static final Set<String> SESSION_FIELDS = Set.of("parentID", "title", "agent", "model", "metadata");

    private final OpenCodeEngine engine;
    private final Supplier<TaskService> tasks;
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();

    private final class Subscriber implements Subscription {
        final Caller caller;
        final String directory;
        final EventSink sink;

        Subscriber(Caller caller, String directory, EventSink sink) {
            this.caller = caller;
            this.directory = directory;
            this.sink = sink;
        }

        synchronized void send(String json) {
            sink.event(json);
        }

        @Override
        public void close() {
            subscribers.remove(this);
        }
    }

    CompatGateway(OpenCodeEngine engine, Supplier<TaskService> tasks, ScheduledExecutorService heartbeat) {
        this.engine = engine;
        this.tasks = tasks;
        engine.addEventListener(this::publish);
        heartbeat.scheduleWithFixedDelay(() -> subscribers.forEach(s -> s.send(event("server.heartbeat"))),
                HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
    }

    // ---- health and sessions ------------------------------------------------------------------

    @Override
    public Reply health() {
        return forward(engine.connectionForClient(), "GET", "/global/health", null, null);
    }

    @Override
    public Reply listSessions(Call call) {
        Connection connection = engine.connectionForClient();
        Map<String, String> query = new LinkedHashMap<>();
        call.query().forEach((name, value) -> {
            if (SESSION_LIST_QUERY.contains(name)) {
                query.put(name, value);
            }
        });
        if (call.directory() != null) {
            query.put("directory", call.directory());
        }
        Reply reply = forward(connection, "GET", "/session", query, null);
        if (reply.status() != 200) {
            return reply;
        }
        JsonNode sessions = readJson(reply.body());
        ArrayNode visible = OpenCodeEngine.JSON.createArrayNode();
        if (sessions.isArray()) {
            for (JsonNode session : sessions) {
                if (engine.owners.visible(session.path("id").asText(), call.caller().deviceId(), call.caller().isAdmin())) {
                    visible.add(session);
                }
            }
        }
        return json(200, visible);
    }

    @Override
    public Reply createSession(Call call) {
        Connection connection = engine.connectionForClient();
        String directory = requireDirectory(call);
        JsonNode body = call.body() == null || call.body().length == 0 ? OpenCodeEngine.JSON.createObjectNode() : readJson(call.body());
        if (!body.isObject()) {
            throw new HostException(ErrorCode.INVALID_JSON, "The body must be a JSON object.", "Send {\"title\": \"...\"} or {}.");
        }
        // a session's own permission rules would let OpenCode run things without asking the host
        ((ObjectNode) body).retain(SESSION_FIELDS);
        String parent = body.path("parentID").asText(null);
        if (parent != null) {
            owned(call, parent);
        }
        Reply reply = forward(connection, "POST", "/session", Map.of("directory", directory), bytes(body));
        if (reply.status() == 200) {
            JsonNode created = readJson(reply.body());
            String id = created.path("id").asText();
            engine.owners.put(id, new SessionOwners.Owner(SessionOwners.ownerId(call.caller().deviceId()),
                    created.path("directory").asText(directory)));
            LOG.info("OpenCode session {} created for {}", id, who(call.caller()));
        }
        return reply;
    }

    @Override
    public Reply session(Call call, String sessionId) {
        SessionOwners.Owner owner = owned(call, sessionId);
        return forward(engine.connectionForClient(), "GET", "/session/" + sessionId, directoryOf(owner), null);
    }

    @Override
    public Reply deleteSession(Call call, String sessionId) {
        SessionOwners.Owner owner = owned(call, sessionId);
        cancelTaskIn(sessionId);
        Reply reply = forward(engine.connectionForClient(), "DELETE", "/session/" + sessionId, directoryOf(owner), null);
        if (reply.status() == 200) {
            engine.owners.remove(sessionId);
        }
        return reply;
    }

    @Override
    public Reply abortSession(Call call, String sessionId) {
        SessionOwners.Owner owner = owned(call, sessionId);
        cancelTaskIn(sessionId);
        return forward(engine.connectionForClient(), "POST", "/session/" + sessionId + "/abort", directoryOf(owner), null);
    }

    @Override
    public Reply messages(Call call, String sessionId) {
        SessionOwners.Owner owner = owned(call, sessionId);
        Map<String, String> query = new LinkedHashMap<>(directoryOf(owner));
        if (call.query().containsKey("limit")) {
            query.put("limit", call.query().get("limit"));
        }
        return forward(engine.connectionForClient(), "GET", "/session/" + sessionId + "/message", query, null);
    }

    // ---- prompts and shell commands, as host tasks ---------------------------------------------

    @Override
    public Reply prompt(Call call, String sessionId) {
        Task task = submitPrompt(call, sessionId);
        return awaitReply(task);
    }

    @Override
    public Reply promptAsync(Call call, String sessionId) {
        submitPrompt(call, sessionId);
        return new Reply(204, null, null);
    }

    @Override
    public Reply shell(Call call, String sessionId) {
        SessionOwners.Owner owner = owned(call, sessionId);
        JsonNode body = objectBody(call);
        String command = body.path("command").asText("");
        if (command.isBlank()) {
            throw new HostException(ErrorCode.INVALID_REQUEST, "The field 'command' is missing.", "Send {\"agent\":\"build\",\"command\":\"...\"}.");
        }
        Map<String, Object> options = new LinkedHashMap<>();
        if (body.hasNonNull("agent")) {
            options.put("agent", body.path("agent").asText());
        }
        if (body.hasNonNull("model")) {
            options.put("model", OpenCodeEngine.JSON.convertValue(body.path("model"), Object.class));
        }
        Task task = submit(call, new TaskRequest("opencode", owner.directory(), List.of(ToolCall.bash(command)), null, null,
                sessionId, options));
        return awaitReply(task);
    }

    private Task submitPrompt(Call call, String sessionId) {
        SessionOwners.Owner owner = owned(call, sessionId);
        JsonNode body = objectBody(call);
        StringBuilder text = new StringBuilder();
        body.path("parts").forEach(part -> {
            if ("text".equals(part.path("type").asText())) {
                text.append(text.length() > 0 ? "\n" : "").append(part.path("text").asText());
            }
        });
        if (!body.path("parts").isArray() || body.path("parts").isEmpty()) {
            throw new HostException(ErrorCode.INVALID_REQUEST, "The prompt has no parts.",
                    "Send {\"parts\":[{\"type\":\"text\",\"text\":\"...\"}]}.");
        }
        String prompt = text.length() > 0 ? text.toString() : "(" + body.path("parts").size() + " attachment(s))";
        @SuppressWarnings("unchecked")
        Map<String, Object> options = OpenCodeEngine.JSON.convertValue(body, Map.class);
        return submit(call, new TaskRequest("opencode", owner.directory(), null, prompt, null, sessionId, options));
    }

    private Task submit(Call call, TaskRequest request) {
        TaskService service = tasks.get();
        if (service == null) {
            throw new HostException(ErrorCode.UNAVAILABLE, "Tasks are not available: the tasks bundle is not running.",
                    "The admin should check host:health and start the tasks bundle.");
        }
        Task task = service.submit(call.caller().deviceId(), call.caller().scopes(), request);
        LOG.info("OpenCode session {}: task {} for {}", request.session(), task.id(), who(call.caller()));
        return task;
    }

    private Reply awaitReply(Task task) {
        CompletableFuture<Reply> reply = engine.replies.of(task.id());
        TaskService service = tasks.get();
        try {
            while (true) {
                try {
                    Reply answer = reply.get(250, TimeUnit.MILLISECONDS);
                    awaitEnd(service, task.id());
                    return answer;
                } catch (TimeoutException notYet) {
                    Optional<Task> now = service == null ? Optional.empty() : service.find(task.id());
                    if (now.isPresent() && now.get().state().isTerminal()) {
                        try {
                            return reply.get(500, TimeUnit.MILLISECONDS);
                        } catch (TimeoutException never) {
                            throw ended(now.get());
                        }
                    }
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof HostException hostException) {
                throw hostException;
            }
            throw new HostException(ErrorCode.UNAVAILABLE, "The task " + task.id() + " failed in the OpenCode runtime.",
                    "Look at its events: GET /v1/tasks/" + task.id() + "/log.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostException(ErrorCode.UNAVAILABLE, "The host is stopping.", "Try again after it restarted.");
        } finally {
            engine.replies.forget(task.id());
        }
    }

    /**
     * OpenCode answers a moment before the host task records its end; a client that got its answer
     * must find the task finished when it looks at {@code /v1/tasks} right after.
     */
    private static void awaitEnd(TaskService service, String taskId) throws InterruptedException {
        if (service == null) {
            return;
        }
        CountDownLatch ended = new CountDownLatch(1);
        try (TaskService.Subscription subscription = service.subscribe(event -> {
            if (event.taskId().equals(taskId) && TaskEvent.STATE.equals(event.type())
                    && event.state() != null && event.state().isTerminal()) {
                ended.countDown();
            }
        })) {
            if (service.find(taskId).map(t -> t.state().isTerminal()).orElse(true)) {
                return;
            }
            ended.await(TASK_END_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private static HostException ended(Task task) {
        String summary = task.summary() == null ? "" : ": " + task.summary();
        String action = "Look at its events: GET /v1/tasks/" + task.id() + "/log.";
        return task.state() == TaskState.INTERRUPTED
                ? new HostException(ErrorCode.UNAVAILABLE, "The task " + task.id() + " was interrupted" + summary, action)
                : new HostException(ErrorCode.CONFLICT, "The task " + task.id() + " ended " + task.state().name().toLowerCase() + summary, action);
    }

    private void cancelTaskIn(String sessionId) {
        TaskService service = tasks.get();
        engine.taskIn(sessionId).ifPresent(task -> {
            if (service != null) {
                service.cancel(task.run.taskId());
            }
        });
    }

    // ---- permissions --------------------------------------------------------------------------

    @Override
    public Reply permissions(Call call) {
        Caller caller = call.caller();
        Set<String> directories = engine.bridge.directoriesFor(caller.deviceId(), caller.isAdmin());
        ArrayNode visible = OpenCodeEngine.JSON.createArrayNode();
        if (directories.isEmpty()) {
            return json(200, visible);
        }
        Connection connection = engine.connectionForClient();
        for (String directory : directories) {
            Reply reply = forward(connection, "GET", "/permission", Map.of("directory", directory), null);
            if (reply.status() != 200) {
                return reply;
            }
            for (JsonNode request : readJson(reply.body())) {
                if (engine.bridge.isPendingFor(request.path("id").asText(), caller.deviceId(), caller.isAdmin())) {
                    visible.add(request);
                }
            }
        }
        return json(200, visible);
    }

    @Override
    public Reply replyPermission(Call call, String requestId) {
        JsonNode body = objectBody(call);
        String reply = body.path("reply").asText(null);
        String message = body.path("message").asText(null);
        engine.bridge.answer(call.caller().deviceId(), call.caller().isAdmin(), requestId, reply, message);
        return new Reply(200, JSON_TYPE, "true".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    // ---- events -------------------------------------------------------------------------------

    @Override
    public Subscription subscribe(Call call, EventSink sink) {
        Subscriber subscriber = new Subscriber(call.caller(), call.directory(), sink);
        subscriber.send(event("server.connected"));
        subscribers.add(subscriber);
        return subscriber;
    }

    private void publish(OpenCodeEvent event) {
        String sessionId = event.sessionId();
        for (Subscriber subscriber : subscribers) {
            if (subscriber.directory != null && event.directory() != null && !subscriber.directory.equals(event.directory())) {
                continue;
            }
            boolean visible = sessionId == null ? subscriber.caller.isAdmin()
                    : engine.owners.visible(sessionId, subscriber.caller.deviceId(), subscriber.caller.isAdmin());
            if (visible) {
                try {
                    subscriber.send(event.json());
                } catch (RuntimeException e) {
                    subscriber.close();
                }
            }
        }
    }

    /** The runtime stops: every subscriber is told. */
    void close() {
        subscribers.forEach(s -> {
            s.close();
            s.sink.closed();
        });
    }

    // ---- helpers ------------------------------------------------------------------------------

    private SessionOwners.Owner owned(Call call, String sessionId) {
        Caller caller = call.caller();
        Optional<SessionOwners.Owner> owner = engine.owners.get(sessionId);
        if (owner.isPresent() && owner.get().visibleTo(caller.deviceId(), caller.isAdmin())) {
            return owner.get();
        }
        if (owner.isEmpty() && caller.isAdmin() && sessionId != null && sessionId.matches("[A-Za-z0-9_-]{1,128}")) {
            return new SessionOwners.Owner(SessionOwners.ADMIN, call.directory());
        }
        throw new HostException(ErrorCode.NOT_FOUND, "No OpenCode session " + sessionId + " belongs to this device.",
                "List your sessions with GET /opencode/session, or create one with POST /opencode/session.");
    }

    private static Map<String, String> directoryOf(SessionOwners.Owner owner) {
        return owner.directory() == null ? Map.of() : Map.of("directory", owner.directory());
    }

    private static String requireDirectory(Call call) {
        String directory = call.directory();
        if (directory == null || directory.isBlank()) {
            throw new HostException(ErrorCode.INVALID_REQUEST, "The project directory is missing.",
                    "Name it: createOpencodeClient({directory: \"/abs/path\"}) sends it as x-opencode-directory.");
        }
        try {
            Path path = Path.of(directory);
            if (!path.isAbsolute() || !Files.isDirectory(path)) {
                throw new HostException(ErrorCode.INVALID_REQUEST, "The project directory " + directory
                        + " is not an absolute path of a directory on the host.", "Give an existing directory on the host.");
            }
            return path.toRealPath().toString();
        } catch (InvalidPathException | IOException e) {
            throw new HostException(ErrorCode.INVALID_REQUEST, "The project directory " + directory + " cannot be used.",
                    "Give an existing directory on the host.");
        }
    }

    private Reply forward(Connection connection, String method, String path, Map<String, String> query, byte[] body) {
        try {
            OpenCodeHttp.Answer answer = engine.http.send(connection, method, path, query, body, OpenCodeEngine.REQUEST_TIMEOUT);
            if (answer.status() >= 500) {
                LOG.warn("OpenCode answered {} to {} {}", answer.status(), method, path);
                throw new HostException(ErrorCode.UNAVAILABLE, "OpenCode failed to handle " + method + " " + path + " ("
                        + answer.status() + ").", "Try again; the host's data/opencode/log/opencode.log has OpenCode's side.");
            }
            return new Reply(answer.status(), answer.contentType(), answer.body());
        } catch (IOException e) {
            throw new HostException(ErrorCode.UNAVAILABLE, "OpenCode did not answer " + method + " " + path + ".",
                    "Try again in a few seconds; GET /v1/health shows the runtime's state.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostException(ErrorCode.UNAVAILABLE, "The host is stopping.", "Try again after it restarted.");
        }
    }

    private static JsonNode objectBody(Call call) {
        JsonNode body = call.body() == null || call.body().length == 0 ? null : readJson(call.body());
        if (body == null || !body.isObject()) {
            throw new HostException(ErrorCode.INVALID_JSON, "The body must be a JSON object.",
                    "Send the body the OpenCode API documents for this route.");
        }
        return body;
    }

    private static JsonNode readJson(byte[] body) {
        try {
            return OpenCodeEngine.JSON.readTree(body);
        } catch (IOException e) {
            throw new HostException(ErrorCode.INVALID_JSON, "The body is not valid JSON.", "Send a JSON body.");
        }
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return OpenCodeEngine.JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Reply json(int status, JsonNode node) {
        return new Reply(status, JSON_TYPE, bytes(node));
    }

    private static String event(String type) {
        ObjectNode event = OpenCodeEngine.JSON.createObjectNode();
        event.put("type", type);
        event.putObject("properties");
        return event.toString();
    }

    private static String who(Caller caller) {
        return caller.deviceId() == null ? "the local admin" : "device " + caller.deviceId();
    }
}
