package dev.openwork.host.api.pairing;

/**
 * EC-J-PAKE round 1 of one participant (P-256). Points are base64url (no padding) of their
 * uncompressed SEC1 encoding; scalars are lower-case hex.
 *
 * @param participantId {@code client:<clientId>} or {@code host:<hostId>}
 * @param gx1 G*x1
 * @param gx2 G*x2
 * @param zkpX1 Schnorr proof of x1
 * @param zkpX2 Schnorr proof of x2
 */
public record PakeRound1(String participantId, String gx1, String gx2, SchnorrProof zkpX1, SchnorrProof zkpX2) {
}
