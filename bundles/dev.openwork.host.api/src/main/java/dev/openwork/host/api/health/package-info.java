/**
 * Health checks: a whiteboard of {@link dev.openwork.host.api.health.HealthCheck} services, each
 * owned by the bundle that knows the thing it checks, and the {@link
 * dev.openwork.host.api.health.HealthService} that aggregates them for the API, the console and the
 * health panel.
 */
@Version("1.0.0")
package dev.openwork.host.api.health;

import org.osgi.annotation.versioning.Version;
