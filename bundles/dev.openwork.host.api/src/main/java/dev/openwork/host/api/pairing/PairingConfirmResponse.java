package dev.openwork.host.api.pairing;

/**
 * Second round trip, host to client: the host's proof that it knows the same key and saw the same
 * transcript, and what happens next.
 *
 * @param pairingId the attempt
 * @param hostMac   hex HMAC-SHA256 of the host's confirmation
 * @param status    {@link PairingResult#PENDING} (the admin must approve) or {@link PairingResult#APPROVED}
 */
public record PairingConfirmResponse(String pairingId, String hostMac, String status) {
}
