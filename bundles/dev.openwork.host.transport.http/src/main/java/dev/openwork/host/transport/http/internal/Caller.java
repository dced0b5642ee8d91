package dev.openwork.host.transport.http.internal;

import dev.openwork.host.api.devices.Scopes;
import java.util.Set;

/**
 * Who made a request, once authenticated.
 *
 * @param deviceId the device, or {@code null} for the local admin
 * @param scopes   what the caller may do
 */
record Caller(String deviceId, Set<String> scopes) {

    static final String PROPERTY = "openwork.caller";
    static final Caller LOCAL_ADMIN = new Caller(null, Set.of(Scopes.ADMIN));

    boolean isAdmin() {
        return scopes.contains(Scopes.ADMIN);
    }

    boolean may(String scope) {
        return Scopes.covers(scopes, scope);
    }
}
