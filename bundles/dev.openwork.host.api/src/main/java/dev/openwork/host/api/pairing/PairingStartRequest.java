package dev.openwork.host.api.pairing;

import java.util.List;

/**
 * First round trip, client to host: {@code POST /v1/pairing/start}.
 *
 * @param clientId        random id the client chose for this attempt (8-64 of [A-Za-z0-9_-])
 * @param deviceName      a name for the device, shown to the admin (1-64 characters)
 * @param platform        e.g. {@code ios}, {@code android}, {@code linux}, {@code cli}
 * @param requestedScopes the scopes the client asks for (the admin decides)
 * @param clientKey       base64url of 32 random bytes the client keeps; its hash is bound into the
 *                        confirmation so the result can only be fetched by this client
 * @param round1          the client's EC-J-PAKE round 1
 */
public record PairingStartRequest(String clientId, String deviceName, String platform, List<String> requestedScopes,
        String clientKey, PakeRound1 round1) {
}
