package dev.openwork.host.tasks.internal;

import dev.openwork.host.api.events.HostEventProperties;
import dev.openwork.host.api.events.HostTopics;
import dev.openwork.host.api.host.HostInfo;
import dev.openwork.host.api.tasks.Task;
import dev.openwork.host.api.tasks.TaskEvent;
import dev.openwork.host.api.tasks.TaskQuery;
import dev.openwork.host.api.tasks.TaskRequest;
import dev.openwork.host.api.tasks.TaskRuntime;
import dev.openwork.host.api.tasks.TaskService;
import dev.openwork.host.api.tasks.ToolGate;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Publishes the {@link TaskCoordinator} as the host's {@link TaskService}, over the journal in the
 * data directory, collecting runtimes from the {@link TaskRuntime} whiteboard and the
 * {@link ToolGate} (when a permissions bundle provides one).
 *
 * <p>Immediate: running tasks must not depend on who uses the service. As a delayed component it
 * was disposed as soon as its last user let go, so stopping or updating the REST transport
 * interrupted every running task ("the host is stopping"); HotSwapIT found it.
 */
@Component(service = TaskService.class, configurationPid = TaskServiceComponent.PID, immediate = true)
@Designate(ocd = TaskServiceComponent.Config.class)
public final class TaskServiceComponent implements TaskService {

    static final String PID = "dev.openwork.host.tasks";

    @ObjectClassDefinition(name = "OpenWork Host tasks", description = "Queue limits, timeouts and where tasks may run.")
    public @interface Config {
        @AttributeDefinition(name = "Tasks running at once", min = "1")
        int maxRunning() default 4;

        @AttributeDefinition(name = "Tasks running at once per device", min = "1")
        int maxRunningPerDevice() default 2;

        @AttributeDefinition(name = "Default task timeout (s)", min = "1")
        int defaultTimeoutSeconds() default 3600;

        @AttributeDefinition(name = "Longest task timeout a client may ask for (s)", min = "1")
        int maxTimeoutSeconds() default 86_400;

        @AttributeDefinition(name = "Most steps in one task", min = "1")
        int maxSteps() default 200;

        @AttributeDefinition(name = "Keep finished tasks for (days)", min = "1")
        int retentionDays() default 30;

        @AttributeDefinition(name = "Keep at most (MiB) of task journal", min = "16")
        long retentionMegabytes() default 1024;

        @AttributeDefinition(name = "Workspace roots",
                description = "Directories under which tasks may run. Empty: the home directory of the host's user and the temporary directory.")
        String[] workspaceRoots() default {};
    }

    private final Map<String, TaskRuntime> runtimes = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ToolGate gate;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    private final JournalEventLog journal;
    private final TaskCoordinator coordinator;
    private final java.util.concurrent.ScheduledExecutorService retention = java.util.concurrent.Executors
            .newSingleThreadScheduledExecutor(TaskCoordinator.daemon("openwork-task-retention"));
    private volatile Config config;
    private final ToolGate fallbackGate = new ScopeGate();

    @Activate
    public TaskServiceComponent(@Reference HostInfo hostInfo, Config config) {
        this.journal = JournalEventLog.open(hostInfo.dataDirectory().resolve("tasks").resolve("journal"));
        this.coordinator = new TaskCoordinator(journal, runtimes::get, () -> new ArrayList<>(runtimes.keySet()),
                () -> gate != null ? gate : fallbackGate, this::postState, Clock.systemUTC(), settings(config));
        this.config = config;
        retention.scheduleWithFixedDelay(this::applyRetention, 1, 60, java.util.concurrent.TimeUnit.MINUTES);
    }

    /** Drops whole journal segments of finished tasks past the configured age or size. */
    private void applyRetention() {
        try {
            Config current = config;
            Set<String> active = new java.util.HashSet<>();
            coordinator.list(new TaskQuery(java.util.EnumSet.of(dev.openwork.host.api.tasks.TaskState.QUEUED,
                    dev.openwork.host.api.tasks.TaskState.RUNNING, dev.openwork.host.api.tasks.TaskState.WAITING_PERMISSION),
                    null, null, 0, 500)).forEach(t -> active.add(t.id()));
            var result = journal.journal().prune(Duration.ofDays(current.retentionDays()),
                    current.retentionMegabytes() * 1024 * 1024, active);
            coordinator.forget(result.tasksRemoved());
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(TaskServiceComponent.class).warn("Task journal retention failed", e);
        }
    }

    @Modified
    void modified(Config newConfig) {
        this.config = newConfig;
        coordinator.update(settings(newConfig));
    }

    @Deactivate
    void deactivate() {
        retention.shutdownNow();
        coordinator.shutdown();
        journal.close();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addRuntime(TaskRuntime runtime, Map<String, Object> properties) {
        Object name = properties.get(TaskRuntime.NAME);
        if (name != null) {
            runtimes.put(name.toString(), runtime);
            coordinator.runtimesChanged();
        }
    }

    void removeRuntime(TaskRuntime runtime, Map<String, Object> properties) {
        Object name = properties.get(TaskRuntime.NAME);
        if (name != null) {
            runtimes.remove(name.toString(), runtime);
        }
    }

    static TaskCoordinator.Settings settings(Config config) {
        List<Path> roots = new ArrayList<>();
        String[] configured = config.workspaceRoots();
        List<String> names = configured.length == 0
                ? List.of(System.getProperty("user.home"), System.getProperty("java.io.tmpdir"))
                : Arrays.asList(configured);
        for (String name : names) {
            try {
                roots.add(Path.of(name.trim()).toRealPath());
            } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
                // a root that does not exist holds no workspace
            }
        }
        return new TaskCoordinator.Settings(config.maxRunning(), config.maxRunningPerDevice(),
                Duration.ofSeconds(config.defaultTimeoutSeconds()), Duration.ofSeconds(config.maxTimeoutSeconds()),
                config.maxSteps(), roots);
    }

    private void postState(Task task) {
        EventAdmin events = eventAdmin;
        if (events != null) {
            Map<String, Object> properties = new java.util.HashMap<>(Map.of(HostEventProperties.TASK_ID, task.id(),
                    HostEventProperties.DEVICE_ID, task.deviceId() == null ? "" : task.deviceId(),
                    HostEventProperties.NEW_STATUS, task.state().name().toLowerCase(java.util.Locale.ROOT),
                    HostEventProperties.RUNTIME, task.runtime()));
            if (task.state().isTerminal() && task.createdAt() != null && task.finishedAt() != null) {
                properties.put(HostEventProperties.DURATION_MILLIS,
                        Math.max(0, Duration.between(task.createdAt(), task.finishedAt()).toMillis()));
            }
            events.postEvent(new Event(HostTopics.TASK_STATE, properties));
        }
    }

    @Override
    public Task submit(String deviceId, Set<String> deviceScopes, TaskRequest request) {
        return coordinator.submit(deviceId, deviceScopes, request);
    }

    @Override
    public Optional<Task> find(String taskId) {
        return coordinator.find(taskId);
    }

    @Override
    public List<Task> list(TaskQuery query) {
        return coordinator.list(query);
    }

    @Override
    public Task cancel(String taskId) {
        return coordinator.cancel(taskId);
    }

    @Override
    public List<TaskEvent> events(String taskId, long afterEventId, int limit) {
        return coordinator.events(taskId, afterEventId, limit);
    }

    @Override
    public List<TaskEvent> eventsAfter(long afterEventId, int limit, Predicate<String> taskFilter) {
        return coordinator.eventsAfter(afterEventId, limit, taskFilter);
    }

    @Override
    public long lastEventId() {
        return coordinator.lastEventId();
    }

    @Override
    public Subscription subscribe(Listener listener) {
        return coordinator.subscribe(listener);
    }
}
