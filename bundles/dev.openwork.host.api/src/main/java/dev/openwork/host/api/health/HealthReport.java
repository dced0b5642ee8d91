package dev.openwork.host.api.health;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The host's health as a whole: its identity and uptime, and every check's result.
 *
 * @param status        the worst status among {@code checks} ({@link HealthStatus#OK} when none)
 * @param version       the host's version
 * @param startedAt     when the host process started
 * @param uptimeSeconds whole seconds since {@code startedAt}
 * @param checks        every check's result, sorted by name
 */
public record HealthReport(HealthStatus status, String version, Instant startedAt, long uptimeSeconds,
        List<HealthCheckResult> checks) {

    public HealthReport {
        Objects.requireNonNull(status, "status");
        checks = List.copyOf(checks);
    }
}
