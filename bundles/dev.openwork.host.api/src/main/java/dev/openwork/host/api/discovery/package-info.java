/**
 * Discovery: how clients find the host. Exactly one {@link dev.openwork.host.api.discovery.HostAnnouncement}
 * is active at a time (mDNS or manual), chosen by the configuration
 * {@link dev.openwork.host.api.discovery.DiscoveryMode#PID} and swappable while the host runs.
 */
@Version("1.0.0")
package dev.openwork.host.api.discovery;

import org.osgi.annotation.versioning.Version;
