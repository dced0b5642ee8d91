package dev.openwork.host.pairing.internal;

import dev.openwork.host.api.pairing.PairingConfirmRequest;
import dev.openwork.host.api.pairing.PairingProtocol;
import dev.openwork.host.api.pairing.PairingStartRequest;
import dev.openwork.host.api.pairing.PairingStartResponse;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKECurves;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKEParticipant;
import org.bouncycastle.crypto.digests.SHA256Digest;

/** The client side of the protocol, written against BouncyCastle directly, for host-side tests. */
final class PakeTestClient {

    final String clientId;
    final String code;
    final ECJPAKEParticipant participant;
    final PairingStartRequest startRequest;
    byte[] macKey;
    byte[] transcript;

    PakeTestClient(String code, String deviceName) {
        SecureRandom random = new SecureRandom();
        this.clientId = "client-" + Long.toHexString(random.nextLong() & Long.MAX_VALUE) + "x";
        this.code = code;
        this.participant = new ECJPAKEParticipant(PairingProtocol.CLIENT_PARTICIPANT_PREFIX + clientId, code.toCharArray(),
                ECJPAKECurves.NIST_P256, new SHA256Digest(), random);
        byte[] key = new byte[32];
        random.nextBytes(key);
        this.startRequest = new PairingStartRequest(clientId, deviceName, "cli", List.of("status:read", "tasks:run"),
                Base64.getUrlEncoder().withoutPadding().encodeToString(key),
                PakeCodec.encode(participant.createRound1PayloadToSend()));
    }

    /** Round 2 and the client's confirmation, as the client computes it with the SPKI it saw. */
    PairingConfirmRequest confirm(PairingStartResponse response, String spkiSeen) throws Exception {
        PakeCodec codec = new PakeCodec(ECJPAKECurves.NIST_P256);
        participant.validateRound1PayloadReceived(codec.decode(response.round1()));
        var round2 = PakeCodec.encode(participant.createRound2PayloadToSend());
        participant.validateRound2PayloadReceived(codec.decode(response.round2()));
        macKey = PairingTranscript.macKey(participant.calculateKeyingMaterial());
        transcript = PairingTranscript.of(response.pairingId(), response.hostId(), startRequest, response.round1(),
                response.round2(), round2, spkiSeen);
        return new PairingConfirmRequest(response.pairingId(), round2,
                PairingTranscript.confirmation(macKey, PairingProtocol.CLIENT_LABEL, transcript));
    }

    String expectedHostMac() {
        return PairingTranscript.confirmation(macKey, PairingProtocol.HOST_LABEL, transcript);
    }

    String resultProof(String pairingId) {
        return PairingTranscript.resultProof(macKey, pairingId);
    }
}
