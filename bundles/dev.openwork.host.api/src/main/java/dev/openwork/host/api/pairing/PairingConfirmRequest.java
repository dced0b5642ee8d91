package dev.openwork.host.api.pairing;

/**
 * Second round trip, client to host: {@code POST /v1/pairing/confirm}.
 *
 * @param pairingId from the start response
 * @param round2    the client's EC-J-PAKE round 2
 * @param clientMac hex HMAC-SHA256 of the client's confirmation (see {@link PairingProtocol})
 */
public record PairingConfirmRequest(String pairingId, PakeRound2 round2, String clientMac) {
}
