package dev.openwork.host.api.health;

import java.util.Collection;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Aggregates every registered {@link HealthCheck} and {@link HealthAction}. Thread-safe; each call
 * runs the checks afresh, in parallel, each under a deadline, so a hanging check never hangs the
 * caller.
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

    /**
     * The recovery actions registered now, sorted by id.
     *
     * @since 1.1
     */
    List<HealthActionInfo> actions();

    /**
     * Runs one recovery action under the aggregator's action deadline.
     *
     * @throws dev.openwork.host.api.error.HostException {@code NOT_FOUND} for an unknown id,
     *         {@code UNAVAILABLE} when it overruns its deadline or fails inside, or whatever typed
     *         error the action itself raised
     * @since 1.1
     */
    HealthActionResult runAction(String actionId);
}
