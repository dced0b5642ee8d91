package dev.openwork.host.client.internal;

import dev.openwork.host.api.pairing.PakeRound1;
import dev.openwork.host.api.pairing.PakeRound2;
import dev.openwork.host.api.pairing.SchnorrProof;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.math.BigInteger;
import java.util.Base64;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKECurve;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKERound1Payload;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKERound2Payload;
import org.bouncycastle.crypto.agreement.ecjpake.ECSchnorrZKP;
import org.bouncycastle.math.ec.ECPoint;

/**
 * Wire encoding of EC-J-PAKE messages (see {@code PairingProtocol}): points as base64url without
 * padding of their uncompressed SEC1 encoding, scalars as lower-case hex. Decoding checks every
 * field and throws {@link BadMessage} naming the field; nothing unchecked reaches BouncyCastle.
 */
public final class PakeCodec {

    /** A PAKE message that cannot be decoded. */
    public static final class BadMessage extends Exception {
        private static final long serialVersionUID = 1L;

        public BadMessage(String message) {
            super(message);
        }
    }

    /** 65 bytes in base64url without padding. */
    private static final int POINT_CHARS = 87;
    private static final int MAX_ID = 128;
    private static final Constructor<ECSchnorrZKP> PROOF;

    static {
        // BouncyCastle's proof type has a package-private constructor: it assumes both participants
        // live in one JVM. Values passed in are decoded and range-checked here, and BouncyCastle
        // still verifies every proof.
        try {
            PROOF = ECSchnorrZKP.class.getDeclaredConstructor(ECPoint.class, BigInteger.class);
            PROOF.setAccessible(true);
        } catch (NoSuchMethodException | RuntimeException e) {
            throw new ExceptionInInitializerError("this BouncyCastle has no usable ECSchnorrZKP constructor: " + e);
        }
    }

    private final ECJPAKECurve curve;

    public PakeCodec(ECJPAKECurve curve) {
        this.curve = curve;
    }

    public static String point(ECPoint point) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(point.getEncoded(false));
    }

    public static String scalar(BigInteger value) {
        return value.toString(16);
    }

    public static PakeRound1 encode(ECJPAKERound1Payload p) {
        return new PakeRound1(p.getParticipantId(), point(p.getGx1()), point(p.getGx2()),
                proof(p.getKnowledgeProofForX1()), proof(p.getKnowledgeProofForX2()));
    }

    public static PakeRound2 encode(ECJPAKERound2Payload p) {
        return new PakeRound2(p.getParticipantId(), point(p.getA()), proof(p.getKnowledgeProofForX2s()));
    }

    private static SchnorrProof proof(ECSchnorrZKP zkp) {
        return new SchnorrProof(point(zkp.getV()), scalar(zkp.getr()));
    }

    public ECJPAKERound1Payload decode(PakeRound1 r, String field) throws BadMessage {
        if (r == null) {
            throw new BadMessage(field + " is missing");
        }
        return new ECJPAKERound1Payload(participantId(r.participantId(), field + ".participantId"),
                decodePoint(r.gx1(), field + ".gx1"), decodePoint(r.gx2(), field + ".gx2"),
                decodeProof(r.zkpX1(), field + ".zkpX1"), decodeProof(r.zkpX2(), field + ".zkpX2"));
    }

    public ECJPAKERound2Payload decode(PakeRound2 r, String field) throws BadMessage {
        if (r == null) {
            throw new BadMessage(field + " is missing");
        }
        return new ECJPAKERound2Payload(participantId(r.participantId(), field + ".participantId"),
                decodePoint(r.a(), field + ".a"), decodeProof(r.zkpX2s(), field + ".zkpX2s"));
    }

    private ECSchnorrZKP decodeProof(SchnorrProof p, String field) throws BadMessage {
        if (p == null) {
            throw new BadMessage(field + " is missing");
        }
        ECPoint v = decodePoint(p.v(), field + ".v");
        BigInteger r = decodeScalar(p.r(), field + ".r");
        try {
            return PROOF.newInstance(v, r);
        } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot rebuild a Schnorr proof with this BouncyCastle", e);
        }
    }

    /** A point: base64url (no padding) of 65 bytes {@code 04 || X || Y} on the curve, not infinity. */
    public ECPoint decodePoint(String text, String field) throws BadMessage {
        if (text == null || text.isEmpty()) {
            throw new BadMessage(field + " is missing");
        }
        if (text.length() != POINT_CHARS || !isBase64Url(text)) {
            throw new BadMessage(field + " is not base64url (no padding) of an uncompressed P-256 point");
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new BadMessage(field + " is not valid base64url");
        }
        if (bytes.length != 65 || bytes[0] != 0x04) {
            throw new BadMessage(field + " is not an uncompressed P-256 point");
        }
        ECPoint point;
        try {
            point = curve.getCurve().decodePoint(bytes);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new BadMessage(field + " is not a point on P-256");
        }
        if (point.isInfinity() || !point.isValid()) {
            throw new BadMessage(field + " is not a valid point on P-256");
        }
        return point;
    }

    /** A scalar: 1 to 64 lower-case hex digits, less than the group order. */
    public BigInteger decodeScalar(String text, String field) throws BadMessage {
        if (text == null || text.isEmpty()) {
            throw new BadMessage(field + " is missing");
        }
        if (text.length() > 64 || !text.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new BadMessage(field + " is not a lower-case hex number of at most 64 digits");
        }
        BigInteger value = new BigInteger(text, 16);
        if (value.compareTo(curve.getN()) >= 0) {
            throw new BadMessage(field + " is not less than the group order");
        }
        return value;
    }

    private static String participantId(String id, String field) throws BadMessage {
        if (id == null || id.isEmpty()) {
            throw new BadMessage(field + " is missing");
        }
        if (id.length() > MAX_ID || id.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new BadMessage(field + " is not a printable id of at most " + MAX_ID + " characters");
        }
        return id;
    }

    private static boolean isBase64Url(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }
}
