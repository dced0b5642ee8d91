package dev.openwork.host.client.internal;

import dev.openwork.host.api.pairing.PairingProtocol;
import dev.openwork.host.api.pairing.PairingStartRequest;
import dev.openwork.host.api.pairing.PairingStartResponse;
import dev.openwork.host.api.pairing.PakeRound1;
import dev.openwork.host.api.pairing.PakeRound2;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * The transcript {@code T} of {@link PairingProtocol}: each field's UTF-8 bytes preceded by their
 * length as a 4-byte big-endian integer, fields exactly as sent on the wire.
 */
public final class PairingTranscript {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Appends one length-prefixed field. */
    public PairingTranscript field(String value) {
        byte[] utf8 = Objects.requireNonNull(value, "transcript field").getBytes(StandardCharsets.UTF_8);
        int n = utf8.length;
        out.write(n >>> 24);
        out.write(n >>> 16);
        out.write(n >>> 8);
        out.write(n);
        out.writeBytes(utf8);
        return this;
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }

    /**
     * The whole transcript, in the order of {@link PairingProtocol}.
     *
     * @param request        the start request as sent
     * @param response       the start response as received (pairingId, hostId, host rounds)
     * @param clientRound2   the client's round 2 as sent
     * @param hostSpkiSha256 the host key as the client saw it in TLS, 64 lower-case hex digits
     */
    public static byte[] build(PairingStartRequest request, PairingStartResponse response, PakeRound2 clientRound2,
            String hostSpkiSha256) {
        PairingTranscript t = new PairingTranscript()
                .field(PairingProtocol.VERSION)
                .field(response.pairingId())
                .field(request.clientId())
                .field(response.hostId())
                .field(request.deviceName())
                .field(request.platform())
                .field(String.join(",", request.requestedScopes()))
                .field(Hex.sha256Hex(Base64.getUrlDecoder().decode(request.clientKey())));
        round1(t, request.round1());
        round1(t, response.round1());
        round2(t, response.round2());
        round2(t, clientRound2);
        return t.field(hostSpkiSha256).toByteArray();
    }

    private static void round1(PairingTranscript t, PakeRound1 r) {
        t.field(r.participantId()).field(r.gx1()).field(r.gx2())
                .field(r.zkpX1().v()).field(r.zkpX1().r())
                .field(r.zkpX2().v()).field(r.zkpX2().r());
    }

    private static void round2(PairingTranscript t, PakeRound2 r) {
        t.field(r.participantId()).field(r.a()).field(r.zkpX2s().v()).field(r.zkpX2s().r());
    }
}
