/**
 * Health checks: a whiteboard of {@link dev.openwork.host.api.health.HealthCheck} services, each
 * owned by the bundle that knows the thing it checks, and the {@link
 * dev.openwork.host.api.health.HealthService} that aggregates them for the API, the console and the
 * health panel; and a whiteboard of {@link dev.openwork.host.api.health.HealthAction} services, the
 * recovery actions a check can offer (open a pairing window, reset pairing caps, ...).
 */
@Version("1.1.0")
package dev.openwork.host.api.health;

import org.osgi.annotation.versioning.Version;
