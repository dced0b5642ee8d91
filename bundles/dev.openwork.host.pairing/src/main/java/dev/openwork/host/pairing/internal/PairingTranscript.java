package dev.openwork.host.pairing.internal;

import dev.openwork.host.api.pairing.PairingProtocol;
import dev.openwork.host.api.pairing.PairingStartRequest;
import dev.openwork.host.api.pairing.PakeRound1;
import dev.openwork.host.api.pairing.PakeRound2;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The confirmation step of {@link PairingProtocol}, byte for byte. */
final class PairingTranscript {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    PairingTranscript add(String field) {
        byte[] utf8 = field.getBytes(StandardCharsets.UTF_8);
        bytes.writeBytes(ByteBuffer.allocate(4).putInt(utf8.length).array());
        bytes.writeBytes(utf8);
        return this;
    }

    byte[] toByteArray() {
        return bytes.toByteArray();
    }

    static byte[] of(String pairingId, String hostId, PairingStartRequest request, PakeRound1 hostRound1,
            PakeRound2 hostRound2, PakeRound2 clientRound2, String hostSpkiSha256) {
        PairingTranscript t = new PairingTranscript().add(PairingProtocol.VERSION)
                .add(pairingId).add(request.clientId()).add(hostId).add(request.deviceName()).add(request.platform())
                .add(String.join(",", request.requestedScopes()))
                .add(sha256Hex(Base64.getUrlDecoder().decode(request.clientKey())));
        addRound1(t, request.round1());
        addRound1(t, hostRound1);
        addRound2(t, hostRound2);
        addRound2(t, clientRound2);
        return t.add(hostSpkiSha256).toByteArray();
    }

    private static void addRound1(PairingTranscript t, PakeRound1 r) {
        t.add(r.participantId()).add(r.gx1()).add(r.gx2()).add(r.zkpX1().v()).add(r.zkpX1().r())
                .add(r.zkpX2().v()).add(r.zkpX2().r());
    }

    private static void addRound2(PairingTranscript t, PakeRound2 r) {
        t.add(r.participantId()).add(r.a()).add(r.zkpX2s().v()).add(r.zkpX2s().r());
    }

    static byte[] macKey(BigInteger keyingMaterial) {
        byte[] raw = keyingMaterial.toByteArray();
        byte[] padded = new byte[32];
        int length = Math.min(raw.length, 32);
        // toByteArray may carry a leading sign byte; keep the low 32 bytes, right-aligned
        System.arraycopy(raw, raw.length - length, padded, 32 - length, length);
        return hmac(padded, PairingProtocol.MAC_KEY_LABEL.getBytes(StandardCharsets.US_ASCII));
    }

    static String confirmation(byte[] macKey, String label, byte[] transcript) {
        byte[] labelBytes = label.getBytes(StandardCharsets.US_ASCII);
        byte[] data = new byte[labelBytes.length + transcript.length];
        System.arraycopy(labelBytes, 0, data, 0, labelBytes.length);
        System.arraycopy(transcript, 0, data, labelBytes.length, transcript.length);
        return HexFormat.of().formatHex(hmac(macKey, data));
    }

    static String resultProof(byte[] macKey, String pairingId) {
        return confirmation(macKey, PairingProtocol.RESULT_LABEL, pairingId.getBytes(StandardCharsets.UTF_8));
    }

    /** Constant-time comparison of two hex MACs. */
    static boolean sameMac(String expected, String received) {
        if (received == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), received.getBytes(StandardCharsets.US_ASCII));
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

    static String sha256Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
