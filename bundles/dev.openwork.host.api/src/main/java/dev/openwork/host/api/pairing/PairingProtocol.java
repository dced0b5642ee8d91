package dev.openwork.host.api.pairing;

/**
 * The byte-exact confirmation step both sides compute (version 1). Constants only; the client
 * library and the host's pairing bundle each implement it and are tested against each other.
 *
 * <h2>PAKE</h2>
 * EC-J-PAKE on NIST P-256 with SHA-256 (BouncyCastle {@code ECJPAKECurves.NIST_P256},
 * {@code ECJPAKEParticipant}); the password is the 8-digit code as ASCII; participant ids are
 * {@code client:<clientId>} and {@code host:<hostId>}. Keying material {@code k} is
 * {@code calculateKeyingMaterial()} as an unsigned big-endian integer left-padded to 32 bytes.
 *
 * <h2>Keys</h2>
 * {@code macKey = HMAC-SHA256(key = k, data = ASCII(MAC_KEY_LABEL))}.
 *
 * <h2>Transcript</h2>
 * {@code T} is the concatenation, for each field below in order, of its UTF-8 bytes preceded by
 * their length as a 4-byte big-endian integer. Strings are exactly as sent on the wire.
 * <ol>
 * <li>{@link #VERSION}</li>
 * <li>pairingId, clientId, hostId, deviceName, platform</li>
 * <li>requestedScopes joined with {@code ","} in the order sent</li>
 * <li>hex SHA-256 of the base64url-decoded clientKey</li>
 * <li>client round 1: participantId, gx1, gx2, zkpX1.v, zkpX1.r, zkpX2.v, zkpX2.r</li>
 * <li>host round 1: the same seven fields</li>
 * <li>host round 2: participantId, a, zkpX2s.v, zkpX2s.r</li>
 * <li>client round 2: the same four fields</li>
 * <li>the host's SPKI SHA-256 in lower-case hex: for the client, the key it saw in the TLS
 *     handshake; for the host, its own key. A proxy that terminates TLS with another key makes the
 *     two transcripts differ, so both confirmations fail.</li>
 * </ol>
 *
 * <h2>Confirmations</h2>
 * {@code clientMac = hex(HMAC-SHA256(macKey, ASCII(CLIENT_LABEL) || T))},
 * {@code hostMac = hex(HMAC-SHA256(macKey, ASCII(HOST_LABEL) || T))}. The host checks clientMac
 * (constant time) before it answers with hostMac; the client checks hostMac before it trusts
 * anything else the host says.
 *
 * <h2>Result proof</h2>
 * {@code resultProof = hex(HMAC-SHA256(macKey, ASCII(RESULT_LABEL) || UTF-8(pairingId)))}, sent as
 * header {@link #PROOF_HEADER} when fetching the result, so only the PAKE peer can collect the
 * credential.
 */
public final class PairingProtocol {

    public static final String VERSION = "openwork-pair-v1";
    public static final String MAC_KEY_LABEL = "openwork-pair-v1 mac key";
    public static final String CLIENT_LABEL = "client-confirm";
    public static final String HOST_LABEL = "host-confirm";
    public static final String RESULT_LABEL = "result-proof";
    public static final String PROOF_HEADER = "X-Pairing-Proof";
    public static final String CLIENT_PARTICIPANT_PREFIX = "client:";
    public static final String HOST_PARTICIPANT_PREFIX = "host:";
    /** Longest wait a client may ask for when long-polling the result, in seconds. */
    public static final int MAX_RESULT_WAIT_SECONDS = 30;

    private PairingProtocol() {
    }
}
