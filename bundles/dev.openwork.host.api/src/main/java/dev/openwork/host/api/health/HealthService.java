package dev.openwork.host.api.health;

import java.util.Collection;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Aggregates every registered {@link HealthCheck}. Thread-safe; each call runs the checks afresh,
 * in parallel, each under a deadline, so a hanging check never hangs the caller.
 */
@ProviderType
public interface HealthService {

    /** Runs every check and returns the whole report. */
    HealthReport report();

    /** The names of the checks registered now, sorted. */
    List<String> checkNames();

    /**
     * Runs only the named checks.
     *
     * @throws dev.openwork.host.api.error.HostException with code {@code NOT_FOUND} when a name
     *         matches no registered check
     */
    List<HealthCheckResult> run(Collection<String> names);
}
