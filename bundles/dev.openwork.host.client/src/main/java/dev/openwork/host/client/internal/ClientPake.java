package dev.openwork.host.client.internal;

import dev.openwork.host.api.pairing.PairingProtocol;
import dev.openwork.host.api.pairing.PakeRound1;
import dev.openwork.host.api.pairing.PakeRound2;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKECurves;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKEParticipant;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKERound1Payload;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKERound2Payload;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.util.BigIntegers;

/**
 * The client's side of the EC-J-PAKE and confirmation steps of {@link PairingProtocol}, without
 * any I/O. One instance per attempt; not thread-safe. Call {@link #destroy()} when done.
 */
public final class ClientPake {

    private final String participantId;
    private final ECJPAKEParticipant participant;
    private final PakeCodec codec = new PakeCodec(ECJPAKECurves.NIST_P256);
    private byte[] macKey;

    /**
     * @param clientId the client id of this attempt
     * @param code     the 8-digit code
     */
    public ClientPake(String clientId, String code, SecureRandom random) {
        this.participantId = PairingProtocol.CLIENT_PARTICIPANT_PREFIX + clientId;
        char[] password = code.toCharArray();
        this.participant = new ECJPAKEParticipant(participantId, password, ECJPAKECurves.NIST_P256, new SHA256Digest(),
                random);
        Arrays.fill(password, '\0');
    }

    public String participantId() {
        return participantId;
    }

    /** The client's round 1, encoded for the wire. */
    public PakeRound1 round1() {
        return PakeCodec.encode(participant.createRound1PayloadToSend());
    }

    /**
     * Checks the host's rounds 1 and 2 (decoding, participant ids, zero-knowledge proofs), then
     * creates the client's round 2 and derives the MAC key.
     *
     * @param hostId the host id from the start response; the host's participant id must be {@code host:<hostId>}
     * @return the client's round 2, encoded for the wire
     * @throws PakeCodec.BadMessage when a host message is malformed or does not verify
     */
    public PakeRound2 acceptHostRounds(String hostId, PakeRound1 hostRound1, PakeRound2 hostRound2)
            throws PakeCodec.BadMessage {
        String hostParticipant = PairingProtocol.HOST_PARTICIPANT_PREFIX + hostId;
        ECJPAKERound1Payload r1 = codec.decode(hostRound1, "round1");
        ECJPAKERound2Payload r2 = codec.decode(hostRound2, "round2");
        if (!hostParticipant.equals(r1.getParticipantId())) {
            throw new PakeCodec.BadMessage("round1.participantId is not " + hostParticipant);
        }
        if (!hostParticipant.equals(r2.getParticipantId())) {
            throw new PakeCodec.BadMessage("round2.participantId is not " + hostParticipant);
        }
        try {
            participant.validateRound1PayloadReceived(r1);
            PakeRound2 mine = PakeCodec.encode(participant.createRound2PayloadToSend());
            participant.validateRound2PayloadReceived(r2);
            BigInteger k = participant.calculateKeyingMaterial();
            byte[] keyBytes = BigIntegers.asUnsignedByteArray(32, k);
            macKey = hmac(keyBytes, PairingProtocol.MAC_KEY_LABEL.getBytes(StandardCharsets.US_ASCII));
            Arrays.fill(keyBytes, (byte) 0);
            return mine;
        } catch (CryptoException e) {
            throw new PakeCodec.BadMessage("the host's PAKE message does not verify (" + Text.safe(e.getMessage(), 120) + ")");
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new PakeCodec.BadMessage("the host's PAKE message is not usable (" + Text.safe(e.getMessage(), 120) + ")");
        }
    }

    /** {@code hex(HMAC(macKey, CLIENT_LABEL || T))}. */
    public String clientMac(byte[] transcript) {
        return Hex.encode(confirmation(PairingProtocol.CLIENT_LABEL, transcript));
    }

    /** Whether {@code hostMac} is {@code hex(HMAC(macKey, HOST_LABEL || T))}, compared in constant time. */
    public boolean hostMacMatches(byte[] transcript, String hostMac) {
        byte[] expected = confirmation(PairingProtocol.HOST_LABEL, transcript);
        if (!Hex.isHex(hostMac, 64)) {
            return false;
        }
        return MessageDigest.isEqual(expected, Hex.decode(hostMac));
    }

    /** {@code hex(HMAC(macKey, RESULT_LABEL || UTF-8(pairingId)))}. */
    public String resultProof(String pairingId) {
        return Hex.encode(confirmation(PairingProtocol.RESULT_LABEL, pairingId.getBytes(StandardCharsets.UTF_8)));
    }

    /** Forgets the MAC key. */
    public void destroy() {
        if (macKey != null) {
            Arrays.fill(macKey, (byte) 0);
            macKey = null;
        }
    }

    private byte[] confirmation(String label, byte[] data) {
        if (macKey == null) {
            throw new IllegalStateException("no key yet, or destroyed");
        }
        byte[] labelBytes = label.getBytes(StandardCharsets.US_ASCII);
        byte[] message = new byte[labelBytes.length + data.length];
        System.arraycopy(labelBytes, 0, message, 0, labelBytes.length);
        System.arraycopy(data, 0, message, labelBytes.length, data.length);
        return hmac(macKey, message);
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
