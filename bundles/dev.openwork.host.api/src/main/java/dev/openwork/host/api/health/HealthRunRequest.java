package dev.openwork.host.api.health;

import java.util.List;

/**
 * Body of {@code POST /v1/health/run}: the names of the checks to run now.
 *
 * @param checks names as listed by {@code GET /v1/health}; at least one
 */
public record HealthRunRequest(List<String> checks) {
}
