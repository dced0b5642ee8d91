package dev.openwork.host.client;

import com.fasterxml.jackson.databind.JavaType;
import dev.openwork.host.api.devices.Scopes;
import dev.openwork.host.api.tasks.Task;
import dev.openwork.host.api.tasks.TaskEvent;
import dev.openwork.host.api.tasks.TaskQuery;
import dev.openwork.host.api.tasks.TaskRequest;
import dev.openwork.host.api.tasks.TaskState;
import dev.openwork.host.client.HostClientException.Kind;
import dev.openwork.host.client.internal.HttpCalls;
import dev.openwork.host.client.internal.Json;
import dev.openwork.host.client.internal.Text;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * A paired host's tasks ({@code /v1/tasks}): submit, list, look up, cancel, read the log page by
 * page, and {@linkplain #followTask follow} a task live. Get one with {@link HostClient#tasks()}.
 * Every failure is a {@link HostClientException} carrying the host's message and action.
 * Thread-safe.
 */
public final class TaskClient {

    /** Most tasks one list call returns. */
    public static final int MAX_LIST_LIMIT = 500;
    /** Most events one log page holds. */
    public static final int MAX_LOG_LIMIT = 10_000;
    /** The page size {@link #readLog} uses unless told otherwise. */
    public static final int DEFAULT_LOG_LIMIT = 1000;

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);
    private static final JavaType TASK_LIST = Json.MAPPER.getTypeFactory().constructCollectionType(List.class, Task.class);

    private final HttpCalls calls;
    private final String credential;

    TaskClient(HttpCalls calls, String credential) {
        this.calls = Objects.requireNonNull(calls, "calls");
        this.credential = credential;
    }

    /**
     * {@code POST /v1/tasks}: submits a task (the host validates it completely; a bad request
     * creates nothing).
     *
     * @return the accepted task, usually {@code queued}
     */
    public Task submit(TaskRequest request) {
        if (request == null || request.runtime() == null || request.runtime().isBlank()) {
            throw new HostClientException(Kind.INVALID_INPUT, "The task names no runtime.", "Name one, e.g. shell.");
        }
        if (request.workspace() == null || request.workspace().isBlank()) {
            throw new HostClientException(Kind.INVALID_INPUT, "The task names no workspace.",
                    "Give the absolute path of the directory on the host the task works in.");
        }
        if ((request.steps() == null || request.steps().isEmpty()) && (request.prompt() == null || request.prompt().isBlank())) {
            throw new HostClientException(Kind.INVALID_INPUT, "The task has neither steps nor a prompt.",
                    "Give at least one step (e.g. a bash command).");
        }
        HttpRequest http = calls.request("/v1/tasks", CALL_TIMEOUT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.writeWithoutNulls(request))).build();
        HttpCalls.Answer answer = calls.send(http);
        if (answer.status() / 100 != 2) {
            throw HostClient.failure(calls, answer, "the task", Scopes.TASKS_RUN);
        }
        return task(answer, "the task");
    }

    /** {@code GET /v1/tasks}: this device's tasks matching {@code query}, newest first. */
    public List<Task> list(TaskQuery query) {
        TaskQuery q = query == null ? new TaskQuery(Set.of(), null, null, 0, 50) : query;
        if (q.limit() < 1 || q.limit() > MAX_LIST_LIMIT || q.offset() < 0) {
            throw new HostClientException(Kind.INVALID_INPUT, "The limit must be 1 to " + MAX_LIST_LIMIT
                    + " and the offset at least 0.", "Page with offset 0 and limit 50.");
        }
        StringBuilder path = new StringBuilder("/v1/tasks?");
        for (TaskState state : new TreeSet<>(q.states())) {
            path.append("state=").append(wireName(state)).append('&');
        }
        if (q.deviceId() != null) {
            path.append("device=").append(query(q.deviceId())).append('&');
        }
        if (q.runtime() != null) {
            path.append("runtime=").append(query(q.runtime())).append('&');
        }
        path.append("offset=").append(q.offset()).append("&limit=").append(q.limit());
        HttpCalls.Answer answer = calls.send(calls.request(path.toString(), CALL_TIMEOUT).GET().build());
        if (answer.status() != 200) {
            throw HostClient.failure(calls, answer, "the task list", Scopes.TASKS_READ);
        }
        List<Task> tasks = calls.decode(answer, TASK_LIST, "the task list");
        tasks.forEach(t -> checkTask(t, answer, "the task list"));
        return tasks;
    }

    /** {@code GET /v1/tasks}: the newest {@code limit} tasks in any of {@code states} (all when empty). */
    public List<Task> list(Set<TaskState> states, int limit) {
        return list(new TaskQuery(states, null, null, 0, limit));
    }

    /** {@code GET /v1/tasks/{id}}. */
    public Task get(String taskId) {
        String what = "the request for task " + Text.safe(taskId, 64);
        HttpCalls.Answer answer = calls.send(calls.request(path(taskId, ""), CALL_TIMEOUT).GET().build());
        if (answer.status() != 200) {
            throw HostClient.failure(calls, answer, what, Scopes.TASKS_READ);
        }
        return task(answer, what);
    }

    /**
     * {@code POST /v1/tasks/{id}/cancel}: cancels a queued task at once and stops a running one
     * (its state turns {@code cancelled} shortly after); a finished task comes back unchanged.
     */
    public Task cancel(String taskId) {
        String what = "the cancellation of task " + Text.safe(taskId, 64);
        HttpCalls.Answer answer = calls.send(calls.request(path(taskId, "/cancel"), CALL_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        if (answer.status() / 100 != 2) {
            throw HostClient.failure(calls, answer, what, Scopes.TASKS_RUN);
        }
        return task(answer, what);
    }

    /**
     * {@code GET /v1/tasks/{id}/log}: at most {@code limit} events after {@code afterEventId},
     * oldest first.
     *
     * @param afterEventId 0 for the beginning, else {@link TaskLog#nextAfter()} of the previous page
     * @param limit        1 to {@value #MAX_LOG_LIMIT}
     */
    public TaskLog log(String taskId, long afterEventId, int limit) {
        if (afterEventId < 0 || limit < 1 || limit > MAX_LOG_LIMIT) {
            throw new HostClientException(Kind.INVALID_INPUT, "The log is read after an event id of at least 0, "
                    + "1 to " + MAX_LOG_LIMIT + " events at a time.", "Start with after=0 and limit=1000.");
        }
        String what = "the log of task " + Text.safe(taskId, 64);
        HttpCalls.Answer answer = calls.send(calls.request(path(taskId, "/log?after=" + afterEventId + "&limit=" + limit),
                CALL_TIMEOUT).GET().build());
        if (answer.status() != 200) {
            throw HostClient.failure(calls, answer, what, Scopes.TASKS_READ);
        }
        TaskLog page = calls.decode(answer, Json.MAPPER.constructType(TaskLog.class), what);
        long previous = afterEventId;
        for (TaskEvent event : page.events()) {
            if (event.id() <= previous) {
                throw protocol(answer, what, "its events are not in increasing id order after " + afterEventId);
            }
            previous = event.id();
        }
        if (page.more() && (page.events().isEmpty() || page.nextAfter() <= afterEventId)) {
            throw protocol(answer, what, "it says more events follow but gives no way to read them");
        }
        return page;
    }

    /**
     * Reads the whole log after {@code afterEventId}, page by page, handing each event to
     * {@code each} in order.
     *
     * @param pageSize events per request, 1 to {@value #MAX_LOG_LIMIT}
     * @return the id of the last event read ({@code afterEventId} when there was none)
     */
    public long readLog(String taskId, long afterEventId, int pageSize, Consumer<TaskEvent> each) {
        long after = afterEventId;
        TaskLog page;
        do {
            page = log(taskId, after, pageSize);
            for (TaskEvent event : page.events()) {
                each.accept(event);
                after = event.id();
            }
        } while (page.more());
        return after;
    }

    /** {@link #followTask(String, Long, TaskListener, EventStream.Options)} with the default reconnect settings. */
    public TaskFollower followTask(String taskId, Long lastEventId, TaskListener listener) {
        return followTask(taskId, lastEventId, listener, EventStream.Options.DEFAULT);
    }

    /**
     * Follows a task live from just after {@code lastEventId} ({@code null}: from its first event)
     * until its terminal state. Looks the task up first, so an unknown task fails here, with the
     * host's message. When the task is already over and nothing after {@code lastEventId} is
     * left, the follower ends at once (the listener's {@code onEnd} runs on this thread).
     * Otherwise the events go to {@code listener} on the follower's thread; it reconnects with
     * {@code Last-Event-ID} after a capped backoff, never delivers an event twice, and stops by
     * itself after the terminal {@code task.state} event.
     */
    public TaskFollower followTask(String taskId, Long lastEventId, TaskListener listener, EventStream.Options options) {
        Objects.requireNonNull(listener, "listener");
        if (lastEventId != null && lastEventId < 0) {
            throw new HostClientException(Kind.INVALID_INPUT, "An event id is never negative.", "Start from the beginning.");
        }
        Task task = get(taskId);
        TaskFollower follower = new TaskFollower(taskId, lastEventId, listener);
        if (task.state().isTerminal() && lastEventId != null && lastEventId >= task.lastEventId()) {
            follower.alreadyOver(task);
            return follower;
        }
        follower.start(calls.client(), calls.uri(path(taskId, "/events")), credential, lastEventId, options);
        return follower;
    }

    /** A task state as the host writes it ({@code waiting_permission}). */
    public static String wireName(TaskState state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    /** The state with that wire name (any case), or {@code null}. */
    public static TaskState stateOf(String wireName) {
        if (wireName == null) {
            return null;
        }
        for (TaskState state : TaskState.values()) {
            if (state.name().equalsIgnoreCase(wireName.strip())) {
                return state;
            }
        }
        return null;
    }

    private static String path(String taskId, String rest) {
        return "/v1/tasks/" + HttpCalls.segment(taskId) + rest;
    }

    private static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private Task task(HttpCalls.Answer answer, String what) {
        Task task = calls.decode(answer, Json.MAPPER.constructType(Task.class), what);
        return checkTask(task, answer, what);
    }

    private Task checkTask(Task task, HttpCalls.Answer answer, String what) {
        if (task == null || task.id() == null || task.id().isBlank() || task.state() == null) {
            throw protocol(answer, what, "a task has no id or state");
        }
        return task;
    }

    private HostClientException protocol(HttpCalls.Answer answer, String what, String problem) {
        return new HostClientException(Kind.PROTOCOL, "The host's answer to " + what + " is not what this client "
                + "understands: " + problem + ".", "Check that " + calls.where() + " is an OpenWork host and that owctl "
                + "and the host are of the same version.", null, answer.status(), null);
    }
}
