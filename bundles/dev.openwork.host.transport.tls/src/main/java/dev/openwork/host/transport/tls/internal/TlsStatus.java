package dev.openwork.host.transport.tls.internal;

import dev.openwork.host.api.identity.LanEndpoint;
import java.time.Instant;
import java.util.List;

/**
 * What the tls check judges, taken at one moment so that a report never mixes two states.
 *
 * @param keyProblem           why the host key cannot be used, or {@code null}
 * @param spkiSha256           the pinned fingerprint, or {@code null} without a key
 * @param hostName             the certificate's DNS name
 * @param certificateNotAfter  when the served certificate ends, or {@code null} without one
 * @param enabled              whether the listener is switched on
 * @param endpoints            every registered connector and its state
 * @param problems             configuration, network and storage problems
 */
record TlsStatus(String keyProblem, String spkiSha256, String hostName, Instant certificateNotAfter,
        boolean enabled, List<Endpoint> endpoints, List<Problem> problems) {

    TlsStatus {
        endpoints = List.copyOf(endpoints);
        problems = List.copyOf(problems);
    }

    static TlsStatus unreadableKey(String keyProblem, String hostName) {
        return new TlsStatus(keyProblem, null, hostName, null, false, List.of(), List.of());
    }

    /**
     * @param endpoint where the connector binds
     * @param state    where it is in its life
     * @param failure  why it failed, or {@code null}
     */
    record Endpoint(LanEndpoint endpoint, TlsConnectorFactory.State state, String failure) {
    }
}
