package dev.openwork.host.client;

import dev.openwork.host.api.tasks.Task;
import dev.openwork.host.api.tasks.TaskEvent;
import dev.openwork.host.api.tasks.TaskState;
import dev.openwork.host.client.HostEventListener.CloseReason;
import dev.openwork.host.client.internal.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Follows one task's event stream ({@code GET /v1/tasks/{id}/events}) on an {@link EventStream}:
 * it reconnects by itself with {@code Last-Event-ID} after a capped backoff, drops any event it
 * already delivered (so a resume never repeats one), and stops by itself after the task's terminal
 * {@code task.state} event (the host keeps the stream of a finished task open). Thread-safe;
 * {@link #close()} may be called from any thread.
 */
public final class TaskFollower implements AutoCloseable {

    /**
     * How following ended.
     *
     * @param state    the task's terminal state, or {@code null} when following stopped before the task ended
     * @param exitCode the task's exit code, when the host gave one
     * @param summary  the task's one-line outcome, when the host gave one
     * @param reason   {@link CloseReason#CLOSED} when the task ended or {@link #close()} was called;
     *                 otherwise why the stream stopped for good
     * @param message  the same in plain words
     */
    public record End(TaskState state, Integer exitCode, String summary, CloseReason reason, String message) {

        /** Whether the task reached a terminal state. */
        public boolean taskEnded() {
            return state != null;
        }

        /** Whether the task succeeded. */
        public boolean succeeded() {
            return state == TaskState.SUCCEEDED;
        }
    }

    private final String taskId;
    private final TaskListener listener;
    private final CountDownLatch ended = new CountDownLatch(1);
    private final AtomicReference<End> end = new AtomicReference<>();
    private volatile long lastEventId;
    private volatile EventStream stream;
    private volatile TaskEvent terminal;
    private volatile String failure;

    TaskFollower(String taskId, Long lastEventId, TaskListener listener) {
        this.taskId = Objects.requireNonNull(taskId, "taskId");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.lastEventId = lastEventId == null ? 0 : lastEventId;
    }

    /** Opens the stream (resuming after {@code from}, when given). */
    void start(HttpClient client, URI uri, String credential, Long from, EventStream.Options options) {
        EventStream s = new EventStream(client, uri, credential, from == null ? null : Long.toString(from), new Adapter(),
                options);
        stream = s;
        s.start();
    }

    /** Ends at once: the task was already over and nothing after {@code lastEventId} is left to read. */
    void alreadyOver(Task task) {
        finish(new End(task.state(), task.exitCode(), task.summary(), CloseReason.CLOSED, "the task "
                + task.state().name().toLowerCase(Locale.ROOT)));
    }

    public String taskId() {
        return taskId;
    }

    /**
     * The id of the last event delivered (where a new follower would resume), or the id the
     * follower started after; 0 when there is none.
     */
    public long lastEventId() {
        return lastEventId;
    }

    /** How following ended, or {@code null} while it goes on. */
    public End end() {
        return end.get();
    }

    /** Waits until following ends; false on timeout. */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits until following ends and says how. */
    public End awaitEnd() throws InterruptedException {
        ended.await();
        return end.get();
    }

    /** Stops following (the task itself goes on); {@link TaskListener#onEnd} follows with {@link CloseReason#CLOSED}. */
    @Override
    public void close() {
        EventStream s = stream;
        if (s != null) {
            s.close();
        } else {
            finish(new End(null, null, null, CloseReason.CLOSED, "closed"));
        }
    }

    private void finish(End result) {
        if (end.compareAndSet(null, result)) {
            try {
                listener.onEnd(result);
            } finally {
                ended.countDown();
            }
        }
    }

    /** Whether a server event belongs to a task's stream: {@code task.*} and {@code permission.*}. */
    static boolean isTaskEvent(ServerEvent event) {
        return event.event() != null && (event.event().startsWith("task.") || event.event().startsWith("permission."));
    }

    /**
     * A {@code task.*} or {@code permission.*} server event as a {@link TaskEvent}; its type comes
     * from the event's name ({@code state}, {@code permission.asked}). A permission event's question
     * or outcome, a JSON object in the data, becomes the event's text.
     */
    static TaskEvent parse(ServerEvent event) throws IOException {
        boolean permission = event.event().startsWith("permission.");
        com.fasterxml.jackson.databind.JsonNode tree = Json.MAPPER.readTree(event.data().getBytes(StandardCharsets.UTF_8));
        if (tree == null || !tree.isObject()) {
            throw new IOException("the event has no data");
        }
        String permissionText = null;
        if (permission) {
            com.fasterxml.jackson.databind.JsonNode body = ((com.fasterxml.jackson.databind.node.ObjectNode) tree)
                    .remove("permission");
            if (body == null || !body.isObject()) {
                throw new IOException("the permission event carries no question or outcome");
            }
            permissionText = Json.MAPPER.writeValueAsString(body);
        }
        TaskEvent data = Json.MAPPER.treeToValue(tree, TaskEvent.class);
        if (data == null) {
            throw new IOException("the event has no data");
        }
        long id = data.id();
        if (id <= 0 && event.id() != null) {
            try {
                id = Long.parseLong(event.id().trim());
            } catch (NumberFormatException e) {
                throw new IOException("the event id '" + event.id() + "' is not a number");
            }
        }
        String type = permission ? event.event() : event.event().substring("task.".length());
        return new TaskEvent(id, data.taskId(), data.at(), type, data.state(), data.stream(),
                permission ? permissionText : data.text(), data.step(), data.exitCode());
    }

    /** Turns the stream's events into task events and stops after the terminal one. */
    private final class Adapter implements HostEventListener {

        @Override
        public void onEvent(ServerEvent serverEvent) {
            if (terminal != null || failure != null || serverEvent.event() == null || !isTaskEvent(serverEvent)) {
                return;
            }
            TaskEvent event;
            try {
                event = parse(serverEvent);
            } catch (IOException | RuntimeException e) {
                failure = "the host sent a task event this client does not understand (" + Json.describe(e)
                        + "); check that owctl and the host are of the same version";
                stream.close();
                return;
            }
            if (event.taskId() != null && !taskId.equals(event.taskId())) {
                return;
            }
            if (event.id() > 0) {
                if (event.id() <= lastEventId) {
                    return; // delivered before the connection was resumed
                }
                lastEventId = event.id();
            }
            boolean last = TaskEvent.STATE.equals(event.type()) && event.state() != null && event.state().isTerminal();
            if (last) {
                terminal = event;
            }
            try {
                listener.onEvent(event);
            } finally {
                if (last) {
                    stream.close();
                }
            }
        }

        @Override
        public void onOpen() {
            listener.onOpen();
        }

        @Override
        public void onReconnecting(Duration delay, String cause) {
            listener.onReconnecting(delay, cause);
        }

        @Override
        public void onClosed(CloseReason reason, String message) {
            TaskEvent t = terminal;
            if (t != null) {
                finish(new End(t.state(), t.exitCode(), t.text(), CloseReason.CLOSED,
                        "the task " + t.state().name().toLowerCase(Locale.ROOT)));
            } else if (failure != null) {
                finish(new End(null, null, null, CloseReason.FAILED, failure));
            } else {
                finish(new End(null, null, null, reason, message));
            }
        }
    }
}
