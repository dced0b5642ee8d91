package dev.openwork.host.api.discovery;

import java.time.Duration;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Chooses the discovery mechanism while the host runs and tells which one is active. Used by the
 * console ({@code discovery:use}), the API ({@code PUT /v1/discovery}) and the web page, so that
 * all of them switch the same way: by writing the configuration {@link DiscoveryMode#PID}, which
 * FileInstall also keeps in {@code etc/dev.openwork.host.discovery.cfg}.
 */
@ProviderType
public interface DiscoveryControl {

    /** The mode the configuration asks for. */
    DiscoveryMode configuredMode();

    /** The announcement of the configured mode, when its bundle runs. */
    Optional<HostAnnouncement> active();

    /**
     * Switches to {@code mode} and waits up to {@code wait} for its announcement to appear. Paired
     * clients keep their connections: discovery never touches the listeners.
     *
     * @return the new announcement's state, or empty when no running bundle provides {@code mode}
     *         within {@code wait} (the configuration is changed all the same)
     * @throws dev.openwork.host.api.error.HostException when the configuration cannot be written
     */
    Optional<DiscoveryState> use(DiscoveryMode mode, Duration wait);
}
