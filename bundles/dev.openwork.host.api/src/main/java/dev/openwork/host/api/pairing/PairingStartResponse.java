package dev.openwork.host.api.pairing;

/**
 * First round trip, host to client.
 *
 * @param pairingId id of this attempt, used by the next calls
 * @param hostId    the host's id (its participant id is {@code host:<hostId>})
 * @param hostName  the host's name, to show to the user
 * @param round1    the host's EC-J-PAKE round 1
 * @param round2    the host's EC-J-PAKE round 2 (it already has the client's round 1)
 */
public record PairingStartResponse(String pairingId, String hostId, String hostName, PakeRound1 round1,
        PakeRound2 round2) {
}
