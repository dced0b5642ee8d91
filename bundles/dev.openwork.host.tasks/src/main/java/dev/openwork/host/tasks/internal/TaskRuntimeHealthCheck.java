package dev.openwork.host.tasks.internal;

import dev.openwork.host.api.health.HealthCheck;
import dev.openwork.host.api.health.HealthCheckResult;
import dev.openwork.host.api.health.HealthStatus;
import dev.openwork.host.api.tasks.TaskRuntime;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The {@code tasks} check: whether any task runtime is installed. Without one every submitted task
 * is refused, which a client sees only as an error; the admin sees the cause here.
 */
@Component(service = HealthCheck.class, property = HealthCheck.NAME + "=" + TaskRuntimeHealthCheck.NAME)
public final class TaskRuntimeHealthCheck implements HealthCheck {

    static final String NAME = "tasks";

    private final Map<Long, String> runtimes = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addRuntime(TaskRuntime runtime, Map<String, Object> properties) {
        Object name = properties.get(TaskRuntime.NAME);
        runtimes.put((Long) properties.get(Constants.SERVICE_ID), name == null ? "(unnamed)" : name.toString());
    }

    void removeRuntime(TaskRuntime runtime, Map<String, Object> properties) {
        runtimes.remove((Long) properties.get(Constants.SERVICE_ID));
    }

    @Override
    public HealthCheckResult check() {
        return evaluate(List.copyOf(new TreeSet<>(runtimes.values())));
    }

    static HealthCheckResult evaluate(List<String> names) {
        if (names.isEmpty()) {
            return new HealthCheckResult(NAME, HealthStatus.CRITICAL,
                    "No task runtime is installed: every task is refused.",
                    "Start the shell runtime bundle (dev.openwork.host.runtime.shell: lb, then start <id>) or add a"
                            + " runtime bundle to deploy/.", Map.of("runtimes", names));
        }
        return HealthCheckResult.ok(NAME, "Tasks can run on: " + String.join(", ", names) + ".", Map.of("runtimes", names));
    }
}
