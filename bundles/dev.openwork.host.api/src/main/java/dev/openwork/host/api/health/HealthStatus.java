package dev.openwork.host.api.health;

/**
 * How well one part of the host works, from best to worst. The order matters: the host's overall
 * status is the worst status of its checks.
 */
public enum HealthStatus {
    /** Works as intended. */
    OK,
    /** Works, but something needs the admin's attention soon (e.g. disk nearly full). */
    WARNING,
    /** Does not work: clients are affected until the admin acts. */
    CRITICAL;

    /** The worse of this status and {@code other}. */
    public HealthStatus worst(HealthStatus other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
