package dev.openwork.host.core.internal;

import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostException;
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
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects the {@link HealthCheck} whiteboard and runs the checks in parallel, each under a
 * deadline, so that one slow or broken check can neither hang nor hide the others.
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
    }

    private final HostInfo hostInfo;
    private final Map<Long, RegisteredCheck> checks = new ConcurrentHashMap<>();
    private final ExecutorService executor;
    private volatile long checkTimeoutMillis;

    @Activate
    public HealthAggregator(@Reference HostInfo hostInfo, Config config) {
        this.hostInfo = hostInfo;
        this.checkTimeoutMillis = config.checkTimeoutMillis();
        this.executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "openwork-health-check");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Modified
    void modified(Config config) {
        this.checkTimeoutMillis = config.checkTimeoutMillis();
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
        return results;
    }

    private HealthCheckResult await(String name, Future<HealthCheckResult> future, long deadlineNanos) {
        try {
            HealthCheckResult result = future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (result == null) {
                return broken(name, "The check returned no result.");
            }
            return result.name().equals(name) ? result : result.withName(name);
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
}
