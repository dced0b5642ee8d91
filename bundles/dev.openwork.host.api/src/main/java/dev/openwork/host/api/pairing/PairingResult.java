package dev.openwork.host.api.pairing;

import java.util.List;

/**
 * The outcome of a confirmed pairing: {@code GET /v1/pairing/{id}/result?wait=N} (long poll),
 * authorized by the header {@code X-Pairing-Proof} (see {@link PairingProtocol#resultProof}).
 *
 * @param pairingId  the attempt
 * @param status     {@link #PENDING}, {@link #APPROVED}, {@link #DENIED} or {@link #EXPIRED}
 * @param deviceId   set when approved
 * @param credential set once, in the first answer that says approved; send it as
 *                   {@code Authorization: Bearer <credential>} from then on
 * @param scopes     the scopes granted, when approved
 * @param hostSpkiSha256 the key the client must pin
 */
public record PairingResult(String pairingId, String status, String deviceId, String credential, List<String> scopes,
        String hostSpkiSha256) {

    public static final String PENDING = "pending_approval";
    public static final String APPROVED = "approved";
    public static final String DENIED = "denied";
    public static final String EXPIRED = "expired";

    @Override
    public String toString() {
        return "PairingResult[pairingId=" + pairingId + ", status=" + status + ", deviceId=" + deviceId
                + ", credential=" + (credential == null ? "null" : "<hidden>") + ", scopes=" + scopes + "]";
    }
}
