package dev.openwork.host.api.discovery;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The host's announcement: how clients can reach it right now. Registered by the active discovery
 * bundle only, with the service property {@link #MODE} set to its {@link DiscoveryMode#id()}; the
 * health check, the console, the API and the web page read it. At most one is registered at a time.
 */
@ProviderType
public interface HostAnnouncement {

    /** Service property: the {@link DiscoveryMode#id()} of the mechanism behind this announcement. */
    String MODE = "discovery.mode";

    /** The mechanism. */
    DiscoveryMode mode();

    /** What is announced now and whether it works; cheap, never blocks on the network. */
    DiscoveryState state();
}
