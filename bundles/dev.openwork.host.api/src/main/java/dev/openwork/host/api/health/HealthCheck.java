package dev.openwork.host.api.health;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One check of one part of the host, registered as an OSGi service (whiteboard pattern).
 *
 * <p>Contract for implementers:
 * <ul>
 *   <li>Register the service with the property {@link #NAME} set to a short, stable, lower-case
 *       name unique on the host (e.g. {@code storage}, {@code transport}); a check without it is
 *       reported under its component name.</li>
 *   <li>{@link #check()} is called from any thread, possibly concurrently, each time someone asks
 *       for the host's health. It must be cheap (well under a second) and must not block on the
 *       network. A check that throws or overruns the aggregator's deadline is reported as
 *       {@link HealthStatus#CRITICAL} with that fact as its cause.</li>
 *   <li>The result's {@code cause} and {@code action} are shown to admins verbatim: plain words,
 *       no stack traces, no secrets.</li>
 * </ul>
 * Installing or stopping a bundle that registers checks changes the health report at once.
 */
@ConsumerType
public interface HealthCheck {

    /** Service property: the check's name as shown in reports. */
    String NAME = "health.check.name";

    /** Runs the check now. Never returns {@code null}. */
    HealthCheckResult check();
}
