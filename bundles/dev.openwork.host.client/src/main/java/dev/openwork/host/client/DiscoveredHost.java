package dev.openwork.host.client;

import java.util.List;
import java.util.Objects;

/**
 * A host found on the LAN by {@link HostBrowser}, as it advertised itself. Nothing here is proven
 * until a TLS handshake shows a key whose fingerprint starts with {@link #fingerprintPrefix()}
 * (see {@link PairingClient#forDiscoveredHost}).
 *
 * @param instanceName      the name the host advertises (its machine's name by default)
 * @param hostId            the host's id, the same as in a paired host's record
 * @param fingerprintPrefix the first 16 hex digits of the host key's SPKI SHA-256
 * @param pairingOpen       whether the host advertised an open pairing window
 * @param apiVersion        the REST API version it serves, e.g. {@code v1}
 * @param addresses         where it can be reached, IPv4 first; never empty
 */
public record DiscoveredHost(String instanceName, String hostId, String fingerprintPrefix, boolean pairingOpen,
        String apiVersion, List<HostAddress> addresses) {

    public DiscoveredHost {
        Objects.requireNonNull(hostId, "hostId");
        Objects.requireNonNull(fingerprintPrefix, "fingerprintPrefix");
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("a discovered host has at least one address");
        }
    }

    /** The address to try first. */
    public HostAddress primaryAddress() {
        return addresses.get(0);
    }
}
