package dev.openwork.host.api.pairing;

/**
 * EC-J-PAKE round 2 of one participant.
 *
 * @param participantId as in round 1
 * @param a the combined point A, base64url of its uncompressed encoding
 * @param zkpX2s Schnorr proof of x2*s
 */
public record PakeRound2(String participantId, String a, SchnorrProof zkpX2s) {
}
