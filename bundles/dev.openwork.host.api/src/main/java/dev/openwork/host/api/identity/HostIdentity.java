package dev.openwork.host.api.identity;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The host's identity. One service is registered while the host's key is loaded. Thread-safe;
 * {@link #endpoints()} changes when interfaces come and go, everything else is fixed for the life
 * of the key.
 */
@ProviderType
public interface HostIdentity {

    /** A stable random id of this host (16 lower-case hex digits), created with its key. */
    String hostId();

    /**
     * SHA-256 of the DER-encoded SubjectPublicKeyInfo of the host key, as 64 lower-case hex digits.
     * Clients pin this value; it survives certificate reissue because the key does not change.
     */
    String spkiSha256();

    /** The DNS name in the certificate: {@code <hostname>.local}. */
    String hostName();

    /** Where the TLS listener accepts connections now; empty when it is not listening. */
    List<LanEndpoint> endpoints();
}
