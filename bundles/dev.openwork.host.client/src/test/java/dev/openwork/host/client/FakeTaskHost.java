package dev.openwork.host.client;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsServer;
import dev.openwork.host.api.error.HostError;
import dev.openwork.host.api.permissions.PermissionOutcome;
import dev.openwork.host.api.permissions.PermissionPrompt;
import dev.openwork.host.api.permissions.PermissionReply;
import dev.openwork.host.api.tasks.Task;
import dev.openwork.host.api.tasks.TaskEvent;
import dev.openwork.host.api.tasks.TaskState;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The host's task routes over TLS 1.3, written from the API description for the client's tests:
 * states in lower case, paged logs, and SSE streams that replay after {@code Last-Event-ID}, then
 * go live and stay open with heartbeats (also for a finished task, as the real host does).
 *
 * <p>Submitted bash commands are interpreted, {@code ;}-separated: {@code echo TEXT} (stdout),
 * {@code warn TEXT} (stderr), {@code lines N} (N stdout lines), {@code exit N} (ends the step with
 * N; the task fails unless 0) and {@code hold} (the task stays running until a test ends it). A
 * step that starts with {@code ask} first puts a permission question (as {@code /v1/permissions}
 * and the {@code permission.*} stream events describe it) and waits for its answer.
 */
public final class FakeTaskHost implements AutoCloseable {

    public static final String CREDENTIAL = "task-credential-0123456789abcdef";

    private static final ObjectMapper JSON = mapper();

    /** One task: its snapshot and its events. */
    static final class FakeTask {
        volatile Task task;
        final List<TaskEvent> events = new ArrayList<>();
        final AtomicInteger connections = new AtomicInteger();
    }

    public final TestCerts.Identity identity;
    private final HttpsServer server;
    private final Object lock = new Object();
    private final Map<String, FakeTask> tasks = new LinkedHashMap<>();
    private long lastEventId = 100; // ids are global to the host; start above 0 so "after=0" differs from "the first id"
    private int counter;
    private volatile boolean closed;

    /** Most events per log page, whatever the client asks for. */
    public volatile int logPageCap = 1000;
    /** On a task's first stream connection, end the stream after this many events (-1: never). */
    public volatile int dropAfterEvents = -1;
    /** On a resumed stream, send this many already-sent events again (a client must drop them). */
    public volatile int resendOnResume;
    /** Every request: "METHOD path?query". */
    public final List<String> requests = new CopyOnWriteArrayList<>();
    /** Bodies of task submissions. */
    public final List<String> submissions = new CopyOnWriteArrayList<>();
    /** Last-Event-ID of every stream connection ("<none>" when absent). */
    public final List<String> streamResumes = new CopyOnWriteArrayList<>();
    /** Stream connections that ended because the client went away. */
    public final AtomicInteger streamsLeftByClient = new AtomicInteger();

    public FakeTaskHost() throws Exception {
        identity = TestCerts.generate("tasks.local");
        server = identity.httpsServer();
        server.createContext("/v1/tasks", this::handle);
        server.createContext("/v1/permissions", this::permissions);
        server.start();
    }

    public HostAddress address() {
        return new HostAddress("127.0.0.1", server.getAddress().getPort());
    }

    /** A stored host for this fake, as pairing would have saved it. */
    public KnownHost knownHost() {
        return new KnownHost("feedfacefeedface", "Task Host", "127.0.0.1", address().port(), identity.spkiSha256(), "dev_7",
                CREDENTIAL, List.of("status:read", "tasks:run", "tasks:read"), Instant.now());
    }

    @Override
    public void close() {
        closed = true;
        synchronized (lock) {
            lock.notifyAll();
        }
        server.stop(0);
    }

    // ---- what tests do to tasks -----------------------------------------------------------------

    public Task task(String id) {
        synchronized (lock) {
            return tasks.get(id).task;
        }
    }

    public List<TaskEvent> events(String id) {
        synchronized (lock) {
            return List.copyOf(tasks.get(id).events);
        }
    }

    public void output(String id, String stream, String text) {
        append(id, TaskEvent.OUTPUT, null, stream, text, 0, null);
    }

    public void finish(String id, TaskState state, Integer exitCode, String summary) {
        append(id, TaskEvent.STATE, state, null, summary, null, exitCode);
    }

    /** Adds a task directly (for lists), run like a submitted one. */
    public Task add(String runtime, String command) {
        return create("{\"runtime\":\"" + runtime + "\",\"workspace\":\"/w\"}", runtime, "/w", List.of(command));
    }

    private TaskEvent append(String id, String type, TaskState state, String stream, String text, Integer step, Integer exit) {
        synchronized (lock) {
            FakeTask t = tasks.get(id);
            TaskEvent event = new TaskEvent(++lastEventId, id, Instant.now(), type, state, stream, text, step, exit);
            t.events.add(event);
            Task s = t.task;
            if (state != null) {
                Instant started = state == TaskState.RUNNING && s.startedAt() == null ? event.at() : s.startedAt();
                Instant finished = state.isTerminal() ? event.at() : null;
                s = new Task(s.id(), s.deviceId(), s.runtime(), s.workspace(), state, s.createdAt(), started, finished,
                        state.isTerminal() ? exit : s.exitCode(), state.isTerminal() ? text : s.summary(), event.id());
            } else {
                s = new Task(s.id(), s.deviceId(), s.runtime(), s.workspace(), s.state(), s.createdAt(), s.startedAt(),
                        s.finishedAt(), s.exitCode(), s.summary(), event.id());
            }
            t.task = s;
            lock.notifyAll();
            return event;
        }
    }

    private Task create(String body, String runtime, String workspace, List<String> commands) {
        String id;
        Task queued;
        synchronized (lock) {
            id = String.format("task_%016x", 0xabc000L + (++counter));
            FakeTask t = new FakeTask();
            Instant now = Instant.now();
            t.task = new Task(id, "dev_7", runtime, workspace, TaskState.QUEUED, now, null, null, null, null, 0);
            tasks.put(id, t);
            append(id, TaskEvent.CREATED, TaskState.QUEUED, null, body, null, null);
            queued = t.task;
        }
        runScript(id, commands);
        return queued;
    }

    /** An open permission question and where its task goes on when it is answered. */
    private record Question(PermissionPrompt prompt, List<String> commands, int step) {
    }

    private final Map<String, Question> questions = new LinkedHashMap<>();
    /** Bodies of permission replies received. */
    public final List<String> replies = new CopyOnWriteArrayList<>();

    private void runScript(String id, List<String> commands) {
        append(id, TaskEvent.STATE, TaskState.RUNNING, null, null, null, null);
        runSteps(id, commands, 0, false);
    }

    private void runSteps(String id, List<String> commands, int from, boolean answered) {
        for (int step = from; step < commands.size(); step++) {
            String command = commands.get(step);
            if (command.startsWith("ask")) {
                if (!(answered && step == from)) {
                    ask(id, commands, step, command);
                    return;
                }
                command = command.substring(3).replaceFirst("^\\s*;", "");
            }
            append(id, TaskEvent.TOOL, null, null, "bash: " + command, step, null);
            int exit = 0;
            for (String part : command.split(";")) {
                String p = part.strip();
                if (p.equals("hold")) {
                    return;
                } else if (p.startsWith("echo ")) {
                    append(id, TaskEvent.OUTPUT, null, "stdout", p.substring(5), step, null);
                } else if (p.startsWith("warn ")) {
                    append(id, TaskEvent.OUTPUT, null, "stderr", p.substring(5), step, null);
                } else if (p.startsWith("lines ")) {
                    for (int i = 1; i <= Integer.parseInt(p.substring(6).strip()); i++) {
                        append(id, TaskEvent.OUTPUT, null, "stdout", "line " + i, step, null);
                    }
                } else if (p.startsWith("exit ")) {
                    exit = Integer.parseInt(p.substring(5).strip());
                    break;
                }
            }
            append(id, TaskEvent.TOOL, null, null, "exited with " + exit, step, exit);
            if (exit != 0) {
                finish(id, TaskState.FAILED, exit, "step " + (step + 1) + " (bash): exited with " + exit);
                return;
            }
        }
        finish(id, TaskState.SUCCEEDED, 0, commands.size() == 1 ? "1 step succeeded." : commands.size() + " steps succeeded.");
    }

    private void ask(String id, List<String> commands, int step, String command) {
        Instant now = Instant.now();
        String promptId;
        synchronized (lock) {
            promptId = String.format("perm_%016x", 0xfeed000L + (++counter));
        }
        PermissionPrompt prompt = new PermissionPrompt(promptId, id, "call_" + promptId.substring(5), "dev_7", "shell", "/w",
                step, "bash", command, null, command, null, "ab".repeat(32), "nonce-" + promptId, "sensitive-tools",
                "it reaches the network: " + command, List.of("ask *"), now, now.plusSeconds(60));
        synchronized (lock) {
            questions.put(promptId, new Question(prompt, commands, step));
        }
        append(id, TaskEvent.PERMISSION_ASKED, null, null, write(prompt), null, null);
        append(id, TaskEvent.STATE, TaskState.WAITING_PERMISSION, null, "waiting for permission", null, null);
    }

    private void permissions(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        requests.add(method + " " + path);
        if (!("Bearer " + CREDENTIAL).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            send(exchange, 401, new HostError("unauthenticated", "Unknown credential.", null));
            return;
        }
        if (path.equals("/v1/permissions") && method.equals("GET")) {
            synchronized (lock) {
                send(exchange, 200, questions.values().stream().map(Question::prompt).toList());
            }
            return;
        }
        String[] parts = path.substring("/v1/permissions/".length()).split("/");
        if (parts.length != 2 || !parts[1].equals("reply") || !method.equals("POST")) {
            send(exchange, 404, new HostError("not_found", "No such route.", null));
            return;
        }
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        replies.add(body);
        PermissionReply reply = JSON.readValue(body, PermissionReply.class);
        Question question;
        synchronized (lock) {
            question = questions.get(parts[0]);
            if (question == null) {
                send(exchange, 404, new HostError("not_found", "No open question has the id " + parts[0] + " for this device.",
                        "List the open questions with GET /v1/permissions (owctl permissions)."));
                return;
            }
            if (!PermissionReply.to(question.prompt(), reply.reply(), reply.message()).equals(reply)) {
                send(exchange, 409, new HostError("conflict", "This answer does not belong to question " + parts[0] + ".",
                        "Answer the question as GET /v1/permissions lists it now."));
                return;
            }
            questions.remove(parts[0]);
        }
        boolean allowed = !PermissionReply.REJECT.equals(reply.reply());
        String words = (allowed ? "allowed " + reply.reply() + " by dev_7" : "rejected by dev_7")
                + (reply.message() == null ? "" : ": " + reply.message());
        PermissionOutcome outcome = new PermissionOutcome(parts[0], question.prompt().taskId(), question.prompt().callId(),
                reply.reply(), allowed, "dev_7", words, reply.reply().equals("always") ? "rule_1" : null, Instant.now());
        send(exchange, 200, outcome);
        String id = question.prompt().taskId();
        append(id, TaskEvent.PERMISSION_REPLIED, null, null, write(outcome), null, null);
        append(id, TaskEvent.STATE, TaskState.RUNNING, null, null, null, null);
        if (allowed) {
            runSteps(id, question.commands(), question.step(), true);
        } else {
            finish(id, TaskState.FAILED, null, "Step " + (question.step() + 1) + " of " + question.commands().size()
                    + " (bash) was refused: " + words);
        }
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- routes ---------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            String query = exchange.getRequestURI().getRawQuery();
            requests.add(method + " " + path + (query == null ? "" : "?" + query));
            if (!("Bearer " + CREDENTIAL).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                send(exchange, 401, new HostError("unauthenticated", "Unknown credential.", null));
                return;
            }
            Map<String, List<String>> params = params(query);
            if (path.equals("/v1/tasks") && method.equals("POST")) {
                submit(exchange);
            } else if (path.equals("/v1/tasks") && method.equals("GET")) {
                list(exchange, params);
            } else {
                String[] parts = path.substring("/v1/tasks/".length()).split("/");
                FakeTask task;
                synchronized (lock) {
                    task = tasks.get(parts[0]);
                }
                if (task == null) {
                    send(exchange, 404, new HostError("not_found", "No task " + parts[0] + " is visible to this device.",
                            "List your tasks with GET /v1/tasks."));
                    return;
                }
                String rest = parts.length > 1 ? parts[1] : "";
                if (rest.isEmpty() && method.equals("GET")) {
                    send(exchange, 200, task.task);
                } else if (rest.equals("cancel") && method.equals("POST")) {
                    if (!task.task.state().isTerminal()) {
                        finish(parts[0], TaskState.CANCELLED, null, "cancelled");
                    }
                    send(exchange, 200, task.task);
                } else if (rest.equals("log") && method.equals("GET")) {
                    log(exchange, task, params);
                } else if (rest.equals("events") && method.equals("GET")) {
                    stream(exchange, task);
                } else {
                    send(exchange, 404, new HostError("not_found", "No such route.", null));
                }
            }
        } catch (RuntimeException e) {
            send(exchange, 500, new HostError("internal", "test host failed: " + e, null));
        }
    }

    private void submit(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        submissions.add(body);
        JsonNode request = JSON.readTree(body);
        String runtime = request.path("runtime").asText();
        if (!runtime.equals("shell")) {
            send(exchange, 404, new HostError("not_found", "No runtime named '" + runtime + "' is installed.",
                    "Use one of: shell (or install the runtime's bundle)."));
            return;
        }
        String workspace = request.path("workspace").asText();
        if (!workspace.startsWith("/")) {
            send(exchange, 400, new HostError("invalid_request", "The workspace must be an absolute path, not '" + workspace
                    + "'.", "Give an absolute directory path."));
            return;
        }
        List<String> commands = new ArrayList<>();
        for (JsonNode step : request.path("steps")) {
            commands.add(step.path("tool").asText().equals("bash") ? step.path("command").asText()
                    : "echo " + step.path("tool").asText() + " " + step.path("path").asText());
        }
        send(exchange, 201, create(body, runtime, workspace, commands));
    }

    private void list(HttpExchange exchange, Map<String, List<String>> params) throws IOException {
        int limit = Integer.parseInt(params.getOrDefault("limit", List.of("50")).get(0));
        int offset = Integer.parseInt(params.getOrDefault("offset", List.of("0")).get(0));
        List<String> states = params.getOrDefault("state", List.of());
        if (limit < 1 || limit > 500) {
            send(exchange, 400, new HostError("invalid_request", "limit must be 1 to 500 and offset at least 0.", null));
            return;
        }
        List<Task> all = new ArrayList<>();
        synchronized (lock) {
            tasks.values().forEach(t -> all.add(0, t.task)); // newest first
        }
        List<Task> page = all.stream()
                .filter(t -> states.isEmpty() || states.contains(t.state().name().toLowerCase(Locale.ROOT)))
                .skip(offset).limit(limit).toList();
        send(exchange, 200, page);
    }

    private void log(HttpExchange exchange, FakeTask task, Map<String, List<String>> params) throws IOException {
        long after = Long.parseLong(params.getOrDefault("after", List.of("0")).get(0));
        int limit = Math.min(logPageCap, Integer.parseInt(params.getOrDefault("limit", List.of("1000")).get(0)));
        List<TaskEvent> events;
        synchronized (lock) {
            events = task.events.stream().filter(e -> e.id() > after).limit(limit + 1L).toList();
        }
        boolean more = events.size() > limit;
        List<TaskEvent> page = more ? events.subList(0, limit) : events;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("events", page);
        body.put("nextAfter", page.isEmpty() ? after : page.get(page.size() - 1).id());
        body.put("more", more);
        send(exchange, 200, body);
    }

    private void stream(HttpExchange exchange, FakeTask task) throws IOException {
        String header = exchange.getRequestHeaders().getFirst("Last-Event-ID");
        streamResumes.add(header == null ? "<none>" : header);
        long after = header == null ? 0 : Long.parseLong(header.trim());
        int connection = task.connections.incrementAndGet();
        if (connection > 1 && resendOnResume > 0) {
            synchronized (lock) {
                long resumeAt = after;
                int seen = (int) task.events.stream().filter(e -> e.id() <= resumeAt).count();
                int from = seen - 1 - resendOnResume;
                after = from < 0 ? 0 : task.events.get(from).id();
            }
        }
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        int sent = 0;
        try {
            out.write(": connected\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (!closed) {
                List<TaskEvent> next;
                synchronized (lock) {
                    long from = after;
                    next = task.events.stream().filter(e -> e.id() > from).toList();
                    if (next.isEmpty()) {
                        lock.wait(100);
                    }
                }
                if (next.isEmpty()) {
                    out.write(": heartbeat\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    continue;
                }
                for (TaskEvent event : next) {
                    out.write(sse(event).getBytes(StandardCharsets.UTF_8));
                    after = event.id();
                    sent++;
                    if (connection == 1 && dropAfterEvents >= 0 && sent >= dropAfterEvents) {
                        out.flush();
                        exchange.close();
                        return;
                    }
                }
                out.flush();
            }
        } catch (IOException e) {
            streamsLeftByClient.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            exchange.close();
        }
    }

    /** As the host writes a task event on a stream: its type in the name, the rest as JSON data. */
    private static String sse(TaskEvent e) throws IOException {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", e.id());
        data.put("taskId", e.taskId());
        data.put("at", e.at().toString());
        if (e.state() != null) {
            data.put("state", e.state().name().toLowerCase(Locale.ROOT));
        }
        if (e.stream() != null) {
            data.put("stream", e.stream());
        }
        boolean permission = e.type().startsWith("permission.");
        if (permission) {
            data.put("permission", JSON.readTree(e.text()));
        } else if (e.text() != null && !TaskEvent.CREATED.equals(e.type())) {
            data.put("text", e.text());
        }
        if (e.step() != null) {
            data.put("step", e.step());
        }
        if (e.exitCode() != null) {
            data.put("exitCode", e.exitCode());
        }
        return "id: " + e.id() + "\nevent: " + (permission ? e.type() : "task." + e.type()) + "\ndata: "
                + JSON.writeValueAsString(data) + "\n\n";
    }

    private static Map<String, List<String>> params(String query) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                params.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
            }
        }
        return params;
    }

    private static void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    /** Like the host's: instants as ISO strings, task states in lower case, nulls written. */
    private static ObjectMapper mapper() {
        SimpleModule module = new SimpleModule("fake-task-host");
        module.addSerializer(Instant.class, ToStringSerializer.instance);
        module.addSerializer(TaskState.class, new StdSerializer<TaskState>(TaskState.class) {
            private static final long serialVersionUID = 1L;

            @Override
            public void serialize(TaskState value, JsonGenerator generator, SerializerProvider provider) throws IOException {
                generator.writeString(value.name().toLowerCase(Locale.ROOT));
            }
        });
        return new ObjectMapper().registerModule(module);
    }
}
