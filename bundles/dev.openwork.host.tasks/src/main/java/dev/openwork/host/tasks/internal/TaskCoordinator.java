package dev.openwork.host.tasks.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openwork.host.api.devices.Scopes;
import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostException;
import dev.openwork.host.api.tasks.Task;
import dev.openwork.host.api.tasks.TaskEvent;
import dev.openwork.host.api.tasks.TaskInterruptedException;
import dev.openwork.host.api.tasks.TaskQuery;
import dev.openwork.host.api.tasks.TaskRequest;
import dev.openwork.host.api.tasks.TaskRun;
import dev.openwork.host.api.tasks.TaskRuntime;
import dev.openwork.host.api.tasks.TaskService;
import dev.openwork.host.api.tasks.TaskState;
import dev.openwork.host.api.tasks.ToolCall;
import dev.openwork.host.api.tasks.ToolGate;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task side of the host: accepts, queues fairly, runs through the runtime whiteboard, times out,
 * cancels, and recovers after a restart. Every change goes through the {@link EventPipeline}, so the
 * journal is the one source of truth: a task's first event carries the accepted task itself.
 */
final class TaskCoordinator implements TaskService {

    private static final Logger LOG = LoggerFactory.getLogger(TaskCoordinator.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HOST_STOPPING = "the host is stopping";
    static final String START_NOT_JOURNALED = "the host could not journal the task's start";

    /** Limits and defaults, from configuration. */
    record Settings(int maxRunning, int maxRunningPerDevice, Duration defaultTimeout, Duration maxTimeout, int maxSteps,
            List<Path> workspaceRoots) {
    }

    /** What the journal keeps of an accepted task, as the text of its first event. */
    record Accepted(String deviceId, Set<String> scopes, String runtime, String workspace, TaskRequest request,
            long timeoutSeconds) {
    }

    private final class Entry {
        final String id;
        final Accepted accepted;
        volatile Task snapshot;
        volatile String stopReason;
        volatile Instant deadline;

        Entry(String id, Accepted accepted, Task snapshot) {
            this.id = id;
            this.accepted = accepted;
            this.snapshot = snapshot;
        }
    }

    private final EventPipeline pipeline;
    private final EventLog log;
    private final Function<String, TaskRuntime> runtimes;
    private final Supplier<List<String>> runtimeNames;
    private final Supplier<ToolGate> gate;
    private final Consumer<Task> stateListener;
    private final Clock clock;
    private volatile Settings settings;
    private final Map<String, Entry> tasks = new ConcurrentHashMap<>();
    private final TaskQueue queue = new TaskQueue();
    private final ExecutorService runners = Executors.newCachedThreadPool(daemon("openwork-task"));
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(daemon("openwork-task-timeouts"));
    private final SecureRandom random = new SecureRandom();

    TaskCoordinator(EventLog log, Function<String, TaskRuntime> runtimes, Supplier<List<String>> runtimeNames,
            Supplier<ToolGate> gate, Consumer<Task> stateListener, Clock clock, Settings settings) {
        this.log = log;
        // small: drafts that wait through a young collection of the host's 8 MB young generation get
        // promoted, and with 65,536 a chatty task's output spent more CPU in full collections than in
        // streaming (docs/benchmarks.md); a batch is still up to 1,024 events per fsync
        this.pipeline = new EventPipeline(log, 1_024);
        this.runtimes = runtimes;
        this.runtimeNames = runtimeNames;
        this.gate = gate;
        this.stateListener = stateListener;
        this.clock = clock;
        this.settings = settings;
        recover();
        watchdog.scheduleWithFixedDelay(this::enforceDeadlines, 200, 200, TimeUnit.MILLISECONDS);
    }

    void update(Settings newSettings) {
        this.settings = newSettings;
        dispatch();
    }

    // ---- submission ---------------------------------------------------------------------------

    @Override
    public Task submit(String deviceId, Set<String> deviceScopes, TaskRequest request) {
        Settings s = settings;
        Set<String> scopes = deviceScopes == null ? Set.of() : Set.copyOf(deviceScopes);
        if (!Scopes.covers(scopes, Scopes.TASKS_RUN)) {
            throw new HostException(ErrorCode.FORBIDDEN, "This device may not run tasks.",
                    "Ask the admin to grant the scope tasks:run.");
        }
        TaskValidation.request(request, s.maxSteps());
        if (!Scopes.coversRuntime(scopes, request.runtime())) {
            throw new HostException(ErrorCode.FORBIDDEN, "This device may not use the runtime '" + request.runtime() + "'.",
                    "Ask the admin to grant the scope " + Scopes.runtime(request.runtime()) + " (devices:scopes on the host).");
        }
        if (runtimes.apply(request.runtime()) == null) {
            throw new HostException(ErrorCode.NOT_FOUND, "No runtime named '" + request.runtime() + "' is installed.",
                    "Use one of: " + String.join(", ", runtimeNames.get()) + " (or install the runtime's bundle).");
        }
        Path workspace = TaskValidation.workspace(request.workspace(), s.workspaceRoots());
        if (!Scopes.coversWorkspace(scopes, workspace)) {
            throw new HostException(ErrorCode.FORBIDDEN, "This device may not run tasks in " + workspace + ".",
                    "Use a workspace the device was granted, or ask the admin to grant " + Scopes.workspace(workspace)
                            + " (or a parent directory) with devices:scopes on the host.");
        }
        TaskValidation.pathsInside(request, workspace);
        Duration timeout = TaskValidation.timeout(request.timeoutSeconds(), s.defaultTimeout(), s.maxTimeout());
        Accepted accepted = new Accepted(deviceId, scopes, request.runtime(), workspace.toString(), request, timeout.toSeconds());
        String id = "task_" + HexFormat.of().formatHex(randomBytes(8));
        String json = toJson(accepted);
        String runtimeName = request.runtime();
        pipeline.submit(draft(id, TaskEvent.CREATED, TaskState.QUEUED, null, json, null, null), created -> tasks.put(id,
                new Entry(id, accepted, new Task(id, deviceId, runtimeName, workspace.toString(), TaskState.QUEUED,
                        created.at(), null, null, null, null, created.id())))).join();
        Entry entry = tasks.get(id);
        Task task = entry.snapshot;
        synchronized (queue) {
            queue.enqueue(TaskQueue.owner(deviceId), id);
        }
        stateListener.accept(task);
        dispatch();
        return entry.snapshot;
    }

    // ---- queries ------------------------------------------------------------------------------

    @Override
    public Optional<Task> find(String taskId) {
        Entry entry = taskId == null ? null : tasks.get(taskId);
        return Optional.ofNullable(entry).map(e -> e.snapshot);
    }

    @Override
    public List<Task> list(TaskQuery query) {
        int limit = Math.max(1, Math.min(500, query.limit()));
        return tasks.values().stream().map(e -> e.snapshot)
                .filter(t -> query.states().isEmpty() || query.states().contains(t.state()))
                .filter(t -> query.deviceId() == null || query.deviceId().equals(t.deviceId()))
                .filter(t -> query.runtime() == null || query.runtime().equals(t.runtime()))
                .sorted(Comparator.comparing(Task::createdAt).reversed().thenComparing(Task::id))
                .skip(Math.max(0, query.offset())).limit(limit).toList();
    }

    @Override
    public List<TaskEvent> events(String taskId, long afterEventId, int limit) {
        return log.events(taskId, afterEventId, Math.max(1, Math.min(10_000, limit)));
    }

    @Override
    public List<TaskEvent> eventsAfter(long afterEventId, int limit, Predicate<String> taskFilter) {
        return log.eventsAfter(afterEventId, Math.max(1, Math.min(10_000, limit)), taskFilter);
    }

    @Override
    public long lastEventId() {
        return log.lastEventId();
    }

    @Override
    public Subscription subscribe(Listener listener) {
        Runnable remove = pipeline.addListener(listener::onEvent);
        return remove::run;
    }

    // ---- cancellation and deadlines -----------------------------------------------------------

    @Override
    public Task cancel(String taskId) {
        Entry entry = tasks.get(taskId);
        if (entry == null) {
            throw new HostException(ErrorCode.NOT_FOUND, "No task has the id " + taskId + ".", "List tasks with GET /v1/tasks.");
        }
        boolean wasQueued;
        synchronized (queue) {
            wasQueued = queue.remove(TaskQueue.owner(entry.accepted.deviceId()), taskId);
        }
        if (wasQueued) {
            finish(entry, TaskState.CANCELLED, null, "cancelled before it started", false);
        } else if (!entry.snapshot.state().isTerminal()) {
            entry.stopReason = "cancelled";
        }
        return entry.snapshot;
    }

    private void enforceDeadlines() {
        Instant now = clock.instant();
        for (Entry entry : tasks.values()) {
            Instant deadline = entry.deadline;
            if (deadline != null && entry.stopReason == null && now.isAfter(deadline) && !entry.snapshot.state().isTerminal()) {
                entry.stopReason = "timed out after " + entry.accepted.timeoutSeconds() + " s";
            }
        }
    }

    // ---- running ------------------------------------------------------------------------------

    private void dispatch() {
        Settings s = settings;
        synchronized (queue) {
            Optional<String> next;
            // a task whose runtime is away (stopped, being updated) waits in the queue for it
            while ((next = queue.next(s.maxRunning(), s.maxRunningPerDevice(), this::runtimeInstalled)).isPresent()) {
                Entry entry = tasks.get(next.get());
                runners.execute(() -> run(entry));
            }
        }
    }

    private boolean runtimeInstalled(String taskId) {
        Entry entry = tasks.get(taskId);
        return entry == null || runtimes.apply(entry.accepted.runtime()) != null;
    }

    /** A runtime joined the whiteboard: tasks that waited for it may start. */
    void runtimesChanged() {
        dispatch();
    }

    private void run(Entry entry) {
        try {
            TaskRuntime runtime = runtimes.apply(entry.accepted.runtime());
            if (runtime == null) {
                // it left between dispatch and start: the task waits for it like any queued task
                synchronized (queue) {
                    queue.putBack(TaskQueue.owner(entry.accepted.deviceId()), entry.id);
                }
                dispatch(); // it may be back already
                return;
            }
            if (entry.stopReason != null) {
                finish(entry, TaskState.CANCELLED, null, entry.stopReason, true);
                return;
            }
            Instant started = clock.instant();
            entry.deadline = started.plusSeconds(entry.accepted.timeoutSeconds());
            announceRunning(entry, started);
            TaskRuntime.Outcome outcome;
            try {
                outcome = runtime.run(new Run(entry));
            } catch (TaskInterruptedException e) {
                // the runtime's engine died under the task: not the task's fault, so not "failed"
                LOG.warn("Task {} interrupted in runtime {}: {}", entry.id, entry.accepted.runtime(), e.getMessage());
                finish(entry, TaskState.INTERRUPTED, null, e.getMessage(), true);
                return;
            } catch (Exception e) {
                LOG.warn("Task {} failed in runtime {}", entry.id, entry.accepted.runtime(), e);
                outcome = new TaskRuntime.Outcome(false, null, "the runtime failed: " + e.getMessage());
            }
            String stop = entry.stopReason;
            if (HOST_STOPPING.equals(stop)) {
                finish(entry, TaskState.INTERRUPTED, outcome.exitCode(), stop, true);
            } else if (stop != null && stop.startsWith("cancelled")) {
                finish(entry, TaskState.CANCELLED, outcome.exitCode(), stop, true);
            } else if (stop != null) {
                finish(entry, TaskState.FAILED, outcome.exitCode(), stop, true);
            } else if (!outcome.succeeded() && runtimes.apply(entry.accepted.runtime()) != runtime) {
                // its runtime stopped (or was replaced) under it: the task did not fail, it was cut short
                finish(entry, TaskState.INTERRUPTED, outcome.exitCode(), "the runtime '" + entry.accepted.runtime()
                        + "' stopped while the task ran (" + outcome.summary() + ")", true);
            } else {
                finish(entry, outcome.succeeded() ? TaskState.SUCCEEDED : TaskState.FAILED, outcome.exitCode(), outcome.summary(), true);
            }
        } catch (RuntimeException e) {
            LOG.error("Task {} could not be run", entry.id, e);
            finish(entry, TaskState.FAILED, null, "the host failed to run it: " + e.getClass().getSimpleName(), true);
        }
    }

    /**
     * Journals the move to running without waiting for its fsync: the runtime starts while the
     * journal syncs, which takes one fsync off the way from request to process start. Nothing a
     * client sees gets ahead of the journal: the task's snapshot and every listener see "running"
     * only once it is durable, and whatever the task then reports is queued behind it in the same
     * pipeline, so it gets a later id and is never durable before it. After a crash in between, the
     * journal shows the task queued, and recovery marks it interrupted, as for a task that was running.
     * If the journal refuses the event, the task is stopped and ends as failed.
     */
    private void announceRunning(Entry entry, Instant started) {
        AtomicReference<Task> running = new AtomicReference<>();
        pipeline.submit(draft(entry.id, TaskEvent.STATE, TaskState.RUNNING, null, null, null, null), event -> {
            Task snapshot = withState(entry.snapshot, TaskState.RUNNING, event, started, null, null, null);
            entry.snapshot = snapshot;
            running.set(snapshot);
        }).whenComplete((event, failure) -> {
            if (failure != null) {
                LOG.error("Task {} could not be journaled as running; it is stopped", entry.id, failure);
                entry.stopReason = START_NOT_JOURNALED;
                return;
            }
            try {
                stateListener.accept(running.get());
            } catch (RuntimeException e) {
                LOG.warn("The state listener failed for task {}", entry.id, e);
            }
        });
    }

    private void finish(Entry entry, TaskState state, Integer exitCode, String summary, boolean wasRunning) {
        synchronized (entry) {
            if (entry.snapshot.state().isTerminal()) {
                return;
            }
            try {
                pipeline.submit(draft(entry.id, TaskEvent.STATE, state, null, summary, null, exitCode),
                        event -> entry.snapshot = withState(entry.snapshot, state, event, entry.snapshot.startedAt(),
                                event.at(), exitCode, summary)).join();
            } catch (RuntimeException journalFailed) {
                // the journal refuses writes (disk full or failing): the task still ends and frees its slot;
                // after a restart it shows as interrupted, which is what the journal can prove
                LOG.error("The end of task {} could not be journaled", entry.id, journalFailed);
                Task t = entry.snapshot;
                entry.snapshot = copy(t, state, t.startedAt(), clock.instant(), exitCode, summary, t.lastEventId());
            }
        }
        stateListener.accept(entry.snapshot);
        if (wasRunning) {
            synchronized (queue) {
                queue.finished(TaskQueue.owner(entry.accepted.deviceId()));
            }
            dispatch();
        }
    }

    /** What a runtime sees of one task. */
    private final class Run implements TaskRun {
        private final Entry entry;

        Run(Entry entry) {
            this.entry = entry;
        }

        @Override
        public String taskId() {
            return entry.id;
        }

        @Override
        public TaskRequest request() {
            return entry.accepted.request();
        }

        @Override
        public Path workspace() {
            return Path.of(entry.accepted.workspace());
        }

        @Override
        public ToolGate.Decision check(int step, ToolCall call) {
            ToolGate current = gate.get();
            return current.check(new ToolGate.ToolRequest(entry.id, entry.accepted.deviceId(), entry.accepted.scopes(),
                    entry.accepted.runtime(), entry.accepted.workspace(), step, call), new Prompts(entry));
        }

        @Override
        public void toolStarted(int step, ToolCall call) {
            pipeline.submit(draft(entry.id, TaskEvent.TOOL, null, null, describe(call), step, null));
        }

        @Override
        public void toolFinished(int step, int exitCode, String summary) {
            pipeline.submit(draft(entry.id, TaskEvent.TOOL, null, null, summary, step, exitCode));
        }

        @Override
        public void output(int step, String stream, String line) {
            pipeline.submit(draft(entry.id, TaskEvent.OUTPUT, null, stream, line, step, null));
        }

        @Override
        public boolean stopRequested() {
            return entry.stopReason != null;
        }

        @Override
        public Instant deadline() {
            Instant deadline = entry.deadline;
            return deadline != null ? deadline : clock.instant().plusSeconds(entry.accepted.timeoutSeconds());
        }
    }

    /**
     * The task's side of a permission question: the question and its outcome are journaled in the
     * task's events (so its streams carry them) together with the moves to waiting_permission and
     * back, each durable before the call returns.
     */
    private final class Prompts implements ToolGate.PromptChannel {
        private final Entry entry;

        Prompts(Entry entry) {
            this.entry = entry;
        }

        @Override
        public void asked(String promptJson) {
            pipeline.submit(draft(entry.id, TaskEvent.PERMISSION_ASKED, null, null, promptJson, null, null)).join();
            moveTo(entry, TaskState.WAITING_PERMISSION, "waiting for permission");
        }

        @Override
        public void replied(String outcomeJson) {
            pipeline.submit(draft(entry.id, TaskEvent.PERMISSION_REPLIED, null, null, outcomeJson, null, null)).join();
            moveTo(entry, TaskState.RUNNING, null);
        }

        @Override
        public boolean stopRequested() {
            return entry.stopReason != null;
        }
    }

    /** A move between running and waiting_permission, journaled; a task that ended meanwhile stays ended. */
    private void moveTo(Entry entry, TaskState state, String text) {
        synchronized (entry) {
            if (entry.snapshot.state().isTerminal() || entry.snapshot.state() == state) {
                return;
            }
            pipeline.submit(draft(entry.id, TaskEvent.STATE, state, null, text, null, null),
                    event -> entry.snapshot = withState(entry.snapshot, state, event, entry.snapshot.startedAt(), null, null,
                            text)).join();
        }
        stateListener.accept(entry.snapshot);
    }

    // ---- recovery -----------------------------------------------------------------------------

    /** Rebuilds the tasks from the journal; whatever was queued or running when the host stopped is interrupted. */
    private void recover() {
        long after = 0;
        List<TaskEvent> page;
        do {
            page = log.eventsAfter(after, 10_000, id -> true);
            for (TaskEvent event : page) {
                apply(event);
                after = event.id();
            }
        } while (!page.isEmpty());
        for (Entry entry : tasks.values()) {
            if (!entry.snapshot.state().isTerminal()) {
                TaskEvent event = pipeline.submitAndWait(draft(entry.id, TaskEvent.STATE, TaskState.INTERRUPTED, null,
                        "the host stopped while the task was " + entry.snapshot.state().name().toLowerCase(), null, null));
                entry.snapshot = withState(entry.snapshot, TaskState.INTERRUPTED, event, entry.snapshot.startedAt(), event.at(),
                        null, event.text());
            }
        }
    }

    private void apply(TaskEvent event) {
        if (TaskEvent.CREATED.equals(event.type())) {
            try {
                Accepted accepted = JSON.readValue(event.text(), Accepted.class);
                tasks.put(event.taskId(), new Entry(event.taskId(), accepted, new Task(event.taskId(),
                        accepted.deviceId(), accepted.runtime(), accepted.workspace(), TaskState.QUEUED, event.at(), null, null,
                        null, null, event.id())));
            } catch (JsonProcessingException e) {
                LOG.error("The journal's record of task {} is unreadable; it is skipped", event.taskId());
            }
            return;
        }
        Entry entry = tasks.get(event.taskId());
        if (entry == null) {
            return;
        }
        if (TaskEvent.STATE.equals(event.type()) && event.state() != null) {
            Instant startedAt = event.state() == TaskState.RUNNING ? event.at() : entry.snapshot.startedAt();
            Instant finishedAt = event.state().isTerminal() ? event.at() : null;
            entry.snapshot = withState(entry.snapshot, event.state(), event, startedAt, finishedAt, event.exitCode(), event.text());
        } else {
            Task t = entry.snapshot;
            entry.snapshot = copy(t, t.state(), t.startedAt(), t.finishedAt(), t.exitCode(), t.summary(), event.id());
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static Task withState(Task t, TaskState state, TaskEvent event, Instant startedAt, Instant finishedAt,
            Integer exitCode, String summary) {
        return copy(t, state, startedAt, finishedAt, exitCode, summary, event.id());
    }

    private static Task copy(Task t, TaskState state, Instant startedAt, Instant finishedAt, Integer exitCode,
            String summary, long lastEventId) {
        return new Task(t.id(), t.deviceId(), t.runtime(), t.workspace(), state, t.createdAt(), startedAt, finishedAt,
                exitCode, summary, lastEventId);
    }

    private static TaskEvent draft(String taskId, String type, TaskState state, String stream, String text, Integer step,
            Integer exitCode) {
        return new TaskEvent(0, taskId, null, type, state, stream, text, step, exitCode);
    }

    static String describe(ToolCall call) {
        return switch (call.tool()) {
            case ToolCall.BASH -> "bash: " + call.command();
            default -> call.tool() + ": " + call.path();
        };
    }

    private static String toJson(Accepted accepted) {
        try {
            return JSON.writeValueAsString(accepted);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a task cannot be recorded", e);
        }
    }

    private byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Forgets tasks whose events retention removed from the journal. */
    void forget(Set<String> taskIds) {
        taskIds.forEach(id -> {
            Entry entry = tasks.get(id);
            if (entry != null && entry.snapshot.state().isTerminal()) {
                tasks.remove(id);
            }
        });
    }

    /** Stops accepting work: running tasks are asked to stop; the journal is closed by the owner. */
    void shutdown() {
        tasks.values().forEach(e -> {
            if (!e.snapshot.state().isTerminal()) {
                e.stopReason = HOST_STOPPING;
            }
        });
        watchdog.shutdownNow();
        runners.shutdown();
        try {
            runners.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pipeline.close();
    }
}
