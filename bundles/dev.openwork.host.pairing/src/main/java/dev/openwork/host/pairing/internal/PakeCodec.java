package dev.openwork.host.pairing.internal;

import dev.openwork.host.api.pairing.PakeRound1;
import dev.openwork.host.api.pairing.PakeRound2;
import dev.openwork.host.api.pairing.SchnorrProof;
import java.math.BigInteger;
import java.util.Base64;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKECurve;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKERound1Payload;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKERound2Payload;
import org.bouncycastle.crypto.agreement.ecjpake.ECSchnorrZKP;
import org.bouncycastle.math.ec.ECPoint;

/**
 * Between BouncyCastle's EC-J-PAKE payloads and the wire records. Decoding checks every field and
 * throws {@link BadPakeMessage} with what was wrong; nothing from a client reaches BouncyCastle
 * unchecked.
 */
final class PakeCodec {

    /** A client sent a PAKE message that cannot be decoded. */
    static final class BadPakeMessage extends Exception {
        private static final long serialVersionUID = 1L;

        BadPakeMessage(String message) {
            super(message);
        }
    }

    private static final int MAX_FIELD = 200;
    private final ECJPAKECurve curve;

    PakeCodec(ECJPAKECurve curve) {
        this.curve = curve;
    }

    static String point(ECPoint point) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(point.getEncoded(false));
    }

    static String scalar(BigInteger value) {
        return value.toString(16);
    }

    static SchnorrProof proof(ECSchnorrZKP zkp) {
        return new SchnorrProof(point(zkp.getV()), scalar(zkp.getr()));
    }

    static PakeRound1 encode(ECJPAKERound1Payload payload) {
        return new PakeRound1(payload.getParticipantId(), point(payload.getGx1()), point(payload.getGx2()),
                proof(payload.getKnowledgeProofForX1()), proof(payload.getKnowledgeProofForX2()));
    }

    static PakeRound2 encode(ECJPAKERound2Payload payload) {
        return new PakeRound2(payload.getParticipantId(), point(payload.getA()), proof(payload.getKnowledgeProofForX2s()));
    }

    ECJPAKERound1Payload decode(PakeRound1 round1) throws BadPakeMessage {
        if (round1 == null) {
            throw new BadPakeMessage("round1 is missing");
        }
        return new ECJPAKERound1Payload(text(round1.participantId(), "round1.participantId"),
                decodePoint(round1.gx1(), "round1.gx1"), decodePoint(round1.gx2(), "round1.gx2"),
                decodeProof(round1.zkpX1(), "round1.zkpX1"), decodeProof(round1.zkpX2(), "round1.zkpX2"));
    }

    ECJPAKERound2Payload decode(PakeRound2 round2) throws BadPakeMessage {
        if (round2 == null) {
            throw new BadPakeMessage("round2 is missing");
        }
        return new ECJPAKERound2Payload(text(round2.participantId(), "round2.participantId"),
                decodePoint(round2.a(), "round2.a"), decodeProof(round2.zkpX2s(), "round2.zkpX2s"));
    }

    private ECSchnorrZKP decodeProof(SchnorrProof proof, String field) throws BadPakeMessage {
        if (proof == null) {
            throw new BadPakeMessage(field + " is missing");
        }
        return SchnorrProofs.of(decodePoint(proof.v(), field + ".v"), decodeScalar(proof.r(), field + ".r"));
    }

    ECPoint decodePoint(String encoded, String field) throws BadPakeMessage {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(text(encoded, field));
        } catch (IllegalArgumentException e) {
            throw new BadPakeMessage(field + " is not base64url");
        }
        if (bytes.length != 65 || bytes[0] != 0x04) {
            throw new BadPakeMessage(field + " is not an uncompressed P-256 point");
        }
        try {
            ECPoint point = curve.getCurve().decodePoint(bytes);
            if (point.isInfinity() || !point.isValid()) {
                throw new BadPakeMessage(field + " is not a valid point on P-256");
            }
            return point;
        } catch (IllegalArgumentException e) {
            throw new BadPakeMessage(field + " is not a point on P-256");
        }
    }

    BigInteger decodeScalar(String hex, String field) throws BadPakeMessage {
        String text = text(hex, field);
        if (text.length() > 64 || !text.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new BadPakeMessage(field + " is not a lower-case hex scalar of at most 64 digits");
        }
        BigInteger value = new BigInteger(text, 16);
        if (value.signum() < 0 || value.compareTo(curve.getN()) >= 0) {
            throw new BadPakeMessage(field + " is out of range");
        }
        return value;
    }

    private static String text(String value, String field) throws BadPakeMessage {
        if (value == null || value.isEmpty()) {
            throw new BadPakeMessage(field + " is missing");
        }
        if (value.length() > MAX_FIELD) {
            throw new BadPakeMessage(field + " is too long");
        }
        return value;
    }
}
