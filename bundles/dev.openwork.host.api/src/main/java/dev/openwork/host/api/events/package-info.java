/**
 * EventAdmin topic names and event property keys shared by the host's bundles. Publishers and
 * subscribers (telemetry, the SSE layer) meet only through these names.
 */
@Version("1.1.0")
package dev.openwork.host.api.events;

import org.osgi.annotation.versioning.Version;
