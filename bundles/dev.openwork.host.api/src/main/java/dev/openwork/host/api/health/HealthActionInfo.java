package dev.openwork.host.api.health;

import java.util.Objects;

/**
 * A registered {@link HealthAction} as listed by {@code GET /v1/health/actions}.
 *
 * @param id    the action's id
 * @param check the check it fixes
 * @param label a short label for a button
 */
public record HealthActionInfo(String id, String check, String label) {

    public HealthActionInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(label, "label");
    }
}
