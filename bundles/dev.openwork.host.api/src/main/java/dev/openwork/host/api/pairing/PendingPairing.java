package dev.openwork.host.api.pairing;

import java.time.Instant;
import java.util.List;

/**
 * A device that completed the PAKE and waits for the admin.
 *
 * @param pairingId       id to approve or deny
 * @param deviceName      the name it gave
 * @param platform        its platform
 * @param requestedScopes what it asked for
 * @param address         where it connected from
 * @param since           when it started waiting
 */
public record PendingPairing(String pairingId, String deviceName, String platform, List<String> requestedScopes,
        String address, Instant since) {
}
