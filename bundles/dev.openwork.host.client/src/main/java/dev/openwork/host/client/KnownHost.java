package dev.openwork.host.client;

import java.time.Instant;
import java.util.List;

/**
 * A host this user paired with, as kept in the credential store.
 *
 * @param hostId     the host's id
 * @param hostName   the host's name, as it gave it when pairing
 * @param address    the address used to reach it (name or IP)
 * @param port       its LAN TLS port
 * @param spkiSha256 the pinned key: SHA-256 of its SubjectPublicKeyInfo, 64 lower-case hex digits
 * @param deviceId   this device's id on the host
 * @param credential the bearer credential; secret
 * @param scopes     the scopes the host granted
 * @param pairedAt   when pairing completed
 */
public record KnownHost(String hostId, String hostName, String address, int port, String spkiSha256, String deviceId,
        String credential, List<String> scopes, Instant pairedAt) {

    public KnownHost {
        scopes = scopes == null ? List.of() : List.copyOf(scopes);
    }

    /** Where the host listens. */
    public HostAddress hostAddress() {
        return new HostAddress(address, port);
    }

    @Override
    public String toString() {
        return "KnownHost[hostId=" + hostId + ", hostName=" + hostName + ", address=" + address + ", port=" + port
                + ", spkiSha256=" + spkiSha256 + ", deviceId=" + deviceId + ", credential=<hidden>, scopes=" + scopes
                + ", pairedAt=" + pairedAt + "]";
    }
}
