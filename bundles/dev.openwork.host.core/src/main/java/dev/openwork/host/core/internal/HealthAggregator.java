package dev.openwork.host.core.internal;

import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostException;
import dev.openwork.host.api.events.HostEventProperties;
import dev.openwork.host.api.events.HostTopics;
import dev.openwork.host.api.health.HealthAction;
import dev.openwork.host.api.health.HealthActionInfo;
import dev.openwork.host.api.health.HealthActionResult;
import dev.openwork.host.api.health.HealthCheck;
import dev.openwork.host.api.health.HealthCheckResult;
import dev.openwork.host.api.health.HealthReport;
import dev.openwork.host.api.health.HealthService;
import dev.openwork.host.api.health.HealthStatus;
import dev.openwork.host.api.host.HostInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.osgi.framework.Constants;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects the {@link HealthCheck} whiteboard and runs the checks in parallel, each under a
 * deadline, so that one slow or broken check can neither hang nor hide the others; and the
 * {@link HealthAction} whiteboard, whose actions it runs on request under a longer deadline.
 */
@Component(service = HealthService.class, configurationPid = HealthAggregator.PID)
@Designate(ocd = HealthAggregator.Config.class)
public final class HealthAggregator implements HealthService {

    static final String PID = "dev.openwork.host.health";
    private static final Logger LOG = LoggerFactory.getLogger(HealthAggregator.class);

    @ObjectClassDefinition(name = "OpenWork Host health", description = "How health checks are run.")
    public @interface Config {
        @AttributeDefinition(name = "Check deadline (ms)",
                description = "A check that takes longer is reported as critical.", min = "10")
        long checkTimeoutMillis() default 2000;

        @AttributeDefinition(name = "Action deadline (ms)",
                description = "A recovery action that takes longer is reported as failed.", min = "100")
        long actionTimeoutMillis() default 30000;
    }

    private final HostInfo hostInfo;
    private final Map<Long, RegisteredCheck> checks = new ConcurrentHashMap<>();
    private final Map<Long, RegisteredAction> actions = new ConcurrentHashMap<>();
    private final ExecutorService executor;
    private volatile long checkTimeoutMillis;
    private volatile long actionTimeoutMillis;
    /** The status each check had when it last ran, to post {@link HostTopics#HEALTH_CHANGED} on a change. */
    private final Map<String, HealthStatus> lastStatus = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    @Activate
    public HealthAggregator(@Reference HostInfo hostInfo, Config config) {
        this.hostInfo = hostInfo;
        this.checkTimeoutMillis = config.checkTimeoutMillis();
        this.actionTimeoutMillis = config.actionTimeoutMillis();
        this.executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "openwork-health-check");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Modified
    void modified(Config config) {
        this.checkTimeoutMillis = config.checkTimeoutMillis();
        this.actionTimeoutMillis = config.actionTimeoutMillis();
    }

    @Deactivate
    void deactivate() {
        executor.shutdownNow();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addCheck(HealthCheck check, Map<String, Object> properties) {
        checks.put(serviceId(properties), new RegisteredCheck(nameOf(properties), check));
    }

    void removeCheck(HealthCheck check, Map<String, Object> properties) {
        checks.remove(serviceId(properties));
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addAction(HealthAction action, Map<String, Object> properties) {
        String id = text(properties.get(HealthAction.ID));
        if (id == null) {
            LOG.warn("A health action without {} is ignored (service {})", HealthAction.ID, serviceId(properties));
            return;
        }
        String check = text(properties.get(HealthAction.CHECK));
        String label = text(properties.get(HealthAction.LABEL));
        actions.put(serviceId(properties), new RegisteredAction(
                new HealthActionInfo(id, check == null ? "" : check, label == null ? id : label), action));
    }

    void removeAction(HealthAction action, Map<String, Object> properties) {
        actions.remove(serviceId(properties));
    }

    @Override
    public List<HealthActionInfo> actions() {
        List<HealthActionInfo> infos = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (RegisteredAction action : sortedActions()) {
            if (seen.add(action.info().id())) {
                infos.add(action.info());
            }
        }
        return infos;
    }

    @Override
    public HealthActionResult runAction(String actionId) {
        RegisteredAction action = sortedActions().stream().filter(a -> a.info().id().equals(actionId)).findFirst()
                .orElseThrow(() -> new HostException(ErrorCode.NOT_FOUND, "No recovery action is named " + actionId + ".",
                        "Use one of the ids that GET /v1/health/actions lists"
                                + (actions().isEmpty() ? "" : ": " + String.join(", ", actions().stream().map(HealthActionInfo::id).toList()))
                                + "."));
        Future<HealthActionResult> future = executor.submit(action.action()::run);
        long timeout = actionTimeoutMillis;
        try {
            HealthActionResult result = future.get(timeout, TimeUnit.MILLISECONDS);
            if (result == null) {
                throw actionFailed(actionId, "The action returned no result.");
            }
            LOG.info("Recovery action {} ran: {}", actionId, result.message());
            return result;
        } catch (TimeoutException e) {
            future.cancel(true);
            throw actionFailed(actionId, "The action did not finish within " + timeout + " ms.");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof HostException typed) {
                throw typed;
            }
            LOG.warn("Recovery action {} failed", actionId, e.getCause());
            throw actionFailed(actionId, "The action failed inside the host: " + e.getCause().getClass().getSimpleName() + ".");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw actionFailed(actionId, "The host is shutting down.");
        }
    }

    private static HostException actionFailed(String actionId, String message) {
        return new HostException(ErrorCode.UNAVAILABLE, "The recovery action " + actionId + " did not work. " + message,
                "See the host's log (data/log/host.log); run host:health again to see what is still wrong.");
    }

    private List<RegisteredAction> sortedActions() {
        List<RegisteredAction> sorted = new ArrayList<>(actions.values());
        sorted.sort(Comparator.comparing((RegisteredAction a) -> a.info().id()));
        return sorted;
    }

    @Override
    public HealthReport report() {
        List<HealthCheckResult> results = runAll(sortedChecks());
        HealthStatus overall = HealthStatus.OK;
        for (HealthCheckResult result : results) {
            overall = overall.worst(result.status());
        }
        Instant startedAt = hostInfo.startedAt();
        return new HealthReport(overall, hostInfo.version(), startedAt, hostInfo.uptime().toSeconds(), results);
    }

    @Override
    public List<String> checkNames() {
        return sortedChecks().stream().map(RegisteredCheck::name).distinct().toList();
    }

    @Override
    public List<HealthCheckResult> run(Collection<String> names) {
        Set<String> wanted = new LinkedHashSet<>(names);
        List<RegisteredCheck> selected = sortedChecks().stream().filter(c -> wanted.contains(c.name())).toList();
        Set<String> unknown = new LinkedHashSet<>(wanted);
        selected.forEach(c -> unknown.remove(c.name()));
        if (!unknown.isEmpty()) {
            throw new HostException(ErrorCode.NOT_FOUND, "No health check is named " + String.join(", ", unknown) + ".",
                    "Use one of the names that GET /v1/health lists: " + String.join(", ", checkNames()) + ".");
        }
        return runAll(selected);
    }

    private List<RegisteredCheck> sortedChecks() {
        List<RegisteredCheck> sorted = new ArrayList<>(checks.values());
        sorted.sort(Comparator.comparing(RegisteredCheck::name));
        return sorted;
    }

    private List<HealthCheckResult> runAll(List<RegisteredCheck> toRun) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(checkTimeoutMillis);
        List<Future<HealthCheckResult>> futures = new ArrayList<>(toRun.size());
        for (RegisteredCheck registered : toRun) {
            futures.add(executor.submit(registered.check()::check));
        }
        List<HealthCheckResult> results = new ArrayList<>(toRun.size());
        for (int i = 0; i < toRun.size(); i++) {
            results.add(await(toRun.get(i).name(), futures.get(i), deadline));
        }
        results.forEach(this::noteStatus);
        return results;
    }

    private HealthCheckResult await(String name, Future<HealthCheckResult> future, long deadlineNanos) {
        try {
            HealthCheckResult result = future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (result == null) {
                return broken(name, "The check returned no result.");
            }
            HealthCheckResult named = result.name().equals(name) ? result : result.withName(name);
            return withRunnableActions(named);
        } catch (TimeoutException e) {
            future.cancel(true);
            return broken(name, "The check did not answer within " + checkTimeoutMillis + " ms.");
        } catch (ExecutionException e) {
            LOG.warn("Health check {} failed", name, e.getCause());
            return broken(name, "The check itself failed: " + e.getCause().getClass().getSimpleName() + ".");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return broken(name, "The host is shutting down.");
        }
    }

    private void noteStatus(HealthCheckResult result) {
        HealthStatus previous = lastStatus.put(result.name(), result.status());
        EventAdmin events = eventAdmin;
        if (previous != null && previous != result.status() && events != null) {
            events.postEvent(new Event(HostTopics.HEALTH_CHANGED, Map.of(HostEventProperties.CHECK_NAME, result.name(),
                    HostEventProperties.OLD_STATUS, previous.name(), HostEventProperties.NEW_STATUS, result.status().name(),
                    HostEventProperties.CAUSE, result.cause())));
        }
    }

    /** Keeps only action ids that name a registered action, so that no page shows a dead button. */
    private HealthCheckResult withRunnableActions(HealthCheckResult result) {
        if (result.actions().isEmpty()) {
            return result;
        }
        Set<String> registered = new HashSet<>();
        actions.values().forEach(a -> registered.add(a.info().id()));
        List<String> runnable = result.actions().stream().filter(registered::contains).distinct().toList();
        return runnable.size() == result.actions().size() ? result : result.withActions(runnable);
    }

    private static String text(Object value) {
        return value instanceof String s && !s.isBlank() ? s.strip() : null;
    }

    private static HealthCheckResult broken(String name, String cause) {
        return new HealthCheckResult(name, HealthStatus.CRITICAL, cause,
                "See the host's log (data/log/host.log) for details; restart the bundle that owns this check.", null);
    }

    private static long serviceId(Map<String, Object> properties) {
        return (Long) properties.get(Constants.SERVICE_ID);
    }

    private static String nameOf(Map<String, Object> properties) {
        Object name = properties.get(HealthCheck.NAME);
        if (name instanceof String s && !s.isBlank()) {
            return s;
        }
        Object component = properties.get("component.name");
        return component != null ? component.toString() : "check-" + serviceId(properties);
    }

    private record RegisteredCheck(String name, HealthCheck check) {
    }

    private record RegisteredAction(HealthActionInfo info, HealthAction action) {
    }
}
