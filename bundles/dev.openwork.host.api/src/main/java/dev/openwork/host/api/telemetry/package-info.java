/**
 * Local metrics: what the telemetry bundle counted from the host's events (uptime and restarts,
 * connections and their failures, pairing, tasks, permission prompts), kept in the data directory
 * and never sent anywhere. The REST transport and the web page read them through {@link
 * dev.openwork.host.api.telemetry.MetricsService}; no bundle reports to telemetry directly, it
 * learns everything from EventAdmin.
 */
@Version("1.0.0")
package dev.openwork.host.api.telemetry;

import org.osgi.annotation.versioning.Version;
