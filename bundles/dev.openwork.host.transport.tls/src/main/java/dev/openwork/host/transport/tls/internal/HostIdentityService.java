package dev.openwork.host.transport.tls.internal;

import dev.openwork.host.api.identity.HostIdentity;
import dev.openwork.host.api.identity.LanEndpoint;
import java.util.List;
import java.util.function.Supplier;

/** The {@link HostIdentity} service: fixed facts of the loaded key plus the listener's live endpoints. */
final class HostIdentityService implements HostIdentity {

    private final HostKey key;
    private final String hostName;
    private final Supplier<List<LanEndpoint>> endpoints;

    HostIdentityService(HostKey key, String hostName, Supplier<List<LanEndpoint>> endpoints) {
        this.key = key;
        this.hostName = hostName;
        this.endpoints = endpoints;
    }

    @Override
    public String hostId() {
        return key.hostId();
    }

    @Override
    public String spkiSha256() {
        return key.spkiSha256();
    }

    @Override
    public String hostName() {
        return hostName;
    }

    @Override
    public List<LanEndpoint> endpoints() {
        return endpoints.get();
    }

    @Override
    public String toString() {
        return "HostIdentity[" + hostName + ", hostId=" + key.hostId() + ", spkiSha256=" + key.spkiSha256() + "]";
    }
}
