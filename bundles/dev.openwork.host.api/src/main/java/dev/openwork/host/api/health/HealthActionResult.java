package dev.openwork.host.api.health;

import java.util.Map;
import java.util.Objects;

/**
 * What a {@link HealthAction} did, written for a person.
 *
 * @param actionId the action's id
 * @param message  what happened, in plain words (e.g. "A pairing window is open until 14:05.")
 * @param details  facts a page may show (never a secret); empty when there are none
 */
public record HealthActionResult(String actionId, String message, Map<String, Object> details) {

    public HealthActionResult {
        Objects.requireNonNull(actionId, "actionId");
        Objects.requireNonNull(message, "message");
        details = details == null ? Map.of() : Map.copyOf(details);
    }
}
