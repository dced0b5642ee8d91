package dev.openwork.host.client.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.openwork.host.api.pairing.PakeRound1;
import dev.openwork.host.api.pairing.SchnorrProof;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKECurves;
import org.bouncycastle.math.ec.ECPoint;
import org.junit.Test;

public class PakeCodecTest {

    private final PakeCodec codec = new PakeCodec(ECJPAKECurves.NIST_P256);
    private final ECPoint g = ECJPAKECurves.NIST_P256.getG();

    private void rejectsPoint(String text, String expectedWords) {
        try {
            codec.decodePoint(text, "round1.gx1");
            fail("accepted " + text);
        } catch (PakeCodec.BadMessage e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("round1.gx1 "));
            assertTrue(e.getMessage(), e.getMessage().contains(expectedWords));
        }
    }

    private void rejectsScalar(String text) {
        try {
            codec.decodeScalar(text, "zkp.r");
            fail("accepted " + text);
        } catch (PakeCodec.BadMessage e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("zkp.r "));
        }
    }

    @Test
    public void roundTripsPointsAndScalars() throws Exception {
        ECPoint p = g.multiply(BigInteger.valueOf(12345)).normalize();
        String encoded = PakeCodec.point(p);
        assertEquals(87, encoded.length());
        assertTrue(encoded.matches("[A-Za-z0-9_-]+"));
        assertEquals(p, codec.decodePoint(encoded, "p"));
        assertEquals("ff", PakeCodec.scalar(BigInteger.valueOf(255)));
        assertEquals(BigInteger.valueOf(255), codec.decodeScalar("ff", "s"));
    }

    @Test
    public void rejectsBadPoints() {
        String good = PakeCodec.point(g.multiply(BigInteger.TEN).normalize());
        rejectsPoint(null, "missing");
        rejectsPoint("", "missing");
        rejectsPoint(good + "=", "base64url");
        rejectsPoint(good.substring(1) + "+", "base64url");
        rejectsPoint(good.substring(0, 86), "base64url");
        byte[] compressed = new byte[65];
        compressed[0] = 0x02;
        rejectsPoint(Base64.getUrlEncoder().withoutPadding().encodeToString(compressed), "uncompressed");
        byte[] offCurve = g.getEncoded(false);
        offCurve[64] ^= 1;
        rejectsPoint(Base64.getUrlEncoder().withoutPadding().encodeToString(offCurve), "P-256");
        byte[] random = new byte[65];
        new SecureRandom().nextBytes(random);
        random[0] = 0x04;
        rejectsPoint(Base64.getUrlEncoder().withoutPadding().encodeToString(random), "P-256");
    }

    @Test
    public void rejectsBadScalars() {
        rejectsScalar(null);
        rejectsScalar("");
        rejectsScalar("FF");
        rejectsScalar("-1");
        rejectsScalar("0x1");
        rejectsScalar("1".repeat(65));
        rejectsScalar(ECJPAKECurves.NIST_P256.getN().toString(16));
    }

    @Test
    public void rejectsBadRounds() {
        String p = PakeCodec.point(g);
        SchnorrProof proof = new SchnorrProof(p, "1");
        try {
            codec.decode((PakeRound1) null, "round1");
            fail();
        } catch (PakeCodec.BadMessage e) {
            assertEquals("round1 is missing", e.getMessage());
        }
        try {
            codec.decode(new PakeRound1("host:x", p, p, proof, null), "round1");
            fail();
        } catch (PakeCodec.BadMessage e) {
            assertEquals("round1.zkpX2 is missing", e.getMessage());
        }
        try {
            codec.decode(new PakeRound1("host:\u001b[2J", p, p, proof, proof), "round1");
            fail();
        } catch (PakeCodec.BadMessage e) {
            assertTrue(e.getMessage().startsWith("round1.participantId"));
        }
    }
}
