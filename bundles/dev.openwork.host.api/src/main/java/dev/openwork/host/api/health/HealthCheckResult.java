package dev.openwork.host.api.health;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of one health check, written for a person: what is wrong in plain words and what
 * to do about it.
 *
 * @param name    the check's name, unique on the host (e.g. {@code storage})
 * @param status  how well the checked part works
 * @param cause   why the status is what it is, in plain words; for {@link HealthStatus#OK} a short
 *                statement of what was verified
 * @param action  what the admin should do to recover, or {@code null} when nothing is needed
 * @param details measured facts behind the verdict (free space, addresses, ...); never a secret;
 *                empty when there are none
 * @param actions ids of registered {@link HealthAction}s that would help now, best first; empty when
 *                none (the console runs one with {@code host:fix <id>}, the page shows a button)
 * @since 1.1
 */
public record HealthCheckResult(String name, HealthStatus status, String cause, String action,
        Map<String, Object> details, List<String> actions) {

    public HealthCheckResult {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(cause, "cause");
        details = details == null ? Map.of() : Map.copyOf(details);
        actions = actions == null ? List.of() : List.copyOf(actions);
    }

    /** A result that offers no runnable action. */
    public HealthCheckResult(String name, HealthStatus status, String cause, String action,
            Map<String, Object> details) {
        this(name, status, cause, action, details, List.of());
    }

    /** A passing result with no action. */
    public static HealthCheckResult ok(String name, String cause, Map<String, Object> details) {
        return new HealthCheckResult(name, HealthStatus.OK, cause, null, details);
    }

    /** This result under another name; used when the aggregator names a check by its service. */
    public HealthCheckResult withName(String newName) {
        return new HealthCheckResult(newName, status, cause, action, details, actions);
    }

    /** This result offering these action ids instead. */
    public HealthCheckResult withActions(List<String> actionIds) {
        return new HealthCheckResult(name, status, cause, action, details, actionIds);
    }
}
