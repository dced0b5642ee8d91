package dev.openwork.host.client;

import dev.openwork.host.api.pairing.PairingConfirmRequest;
import dev.openwork.host.api.pairing.PairingConfirmResponse;
import dev.openwork.host.api.pairing.PairingResult;
import dev.openwork.host.api.pairing.PairingStartRequest;
import dev.openwork.host.api.pairing.PairingStartResponse;
import dev.openwork.host.api.pairing.PakeRound1;
import dev.openwork.host.api.pairing.PakeRound2;
import dev.openwork.host.api.pairing.SchnorrProof;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.lang.reflect.Constructor;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKECurve;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKECurves;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKEParticipant;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKERound1Payload;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKERound2Payload;
import org.bouncycastle.crypto.agreement.ecjpake.ECSchnorrZKP;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.math.ec.ECPoint;

/**
 * The host's side of the pairing protocol, written from the spec for the tests with BouncyCastle
 * directly: it shares no code with the client but the wire records. Spells the protocol's strings
 * out instead of using the api constants, so a typo in either would show.
 */
final class FakeHost {

    /** A confirmation that did not verify (wrong code or different transcript). */
    static final class WrongMac extends Exception {
        private static final long serialVersionUID = 1L;
    }

    static final ECJPAKECurve CURVE = ECJPAKECurves.NIST_P256;

    final String hostId;
    final String hostName;
    volatile String code;
    /** The key the host puts in its transcript: its own. */
    volatile String spkiSha256;

    private ECJPAKEParticipant participant;
    private PairingStartRequest request;
    private PairingStartResponse response;
    private byte[] macKey;
    private int attempts;

    FakeHost(String hostId, String hostName, String code, String spkiSha256) {
        this.hostId = hostId;
        this.hostName = hostName;
        this.code = code;
        this.spkiSha256 = spkiSha256;
    }

    synchronized PairingStartResponse start(PairingStartRequest req) throws Exception {
        if (!req.round1().participantId().equals("client:" + req.clientId())) {
            throw new IllegalArgumentException("participant id");
        }
        participant = new ECJPAKEParticipant("host:" + hostId, code.toCharArray(), CURVE, new SHA256Digest(), new SecureRandom());
        PakeRound1 mine = round1(participant.createRound1PayloadToSend());
        participant.validateRound1PayloadReceived(decode(req.round1()));
        PakeRound2 mine2 = round2(participant.createRound2PayloadToSend());
        request = req;
        response = new PairingStartResponse("pair_" + (++attempts) + "_x", hostId, hostName, mine, mine2);
        return response;
    }

    synchronized PairingConfirmResponse confirm(PairingConfirmRequest c, String status) throws Exception {
        participant.validateRound2PayloadReceived(decode(c.round2()));
        BigInteger k = participant.calculateKeyingMaterial();
        byte[] kb = new byte[32];
        byte[] raw = k.toByteArray();
        int n = Math.min(32, raw.length);
        System.arraycopy(raw, raw.length - n, kb, 32 - n, n);
        macKey = hmac(kb, "openwork-pair-v1 mac key".getBytes(StandardCharsets.US_ASCII));
        byte[] t = transcript(response.pairingId(), c.round2(), spkiSha256);
        String expected = hex(hmac(macKey, concat("client-confirm".getBytes(StandardCharsets.US_ASCII), t)));
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                c.clientMac().getBytes(StandardCharsets.US_ASCII))) {
            throw new WrongMac();
        }
        return new PairingConfirmResponse(response.pairingId(),
                hex(hmac(macKey, concat("host-confirm".getBytes(StandardCharsets.US_ASCII), t))), status);
    }

    /** What the host would answer as hostMac even after a failed check (for the client-side test). */
    synchronized String hostMacAnyway(PairingConfirmRequest c) throws Exception {
        participant.validateRound2PayloadReceived(decode(c.round2()));
        BigInteger k = participant.calculateKeyingMaterial();
        byte[] kb = org.bouncycastle.util.BigIntegers.asUnsignedByteArray(32, k);
        macKey = hmac(kb, "openwork-pair-v1 mac key".getBytes(StandardCharsets.US_ASCII));
        byte[] t = transcript(response.pairingId(), c.round2(), spkiSha256);
        return hex(hmac(macKey, concat("host-confirm".getBytes(StandardCharsets.US_ASCII), t)));
    }

    synchronized String resultProof(String pairingId) throws Exception {
        return hex(hmac(macKey, concat("result-proof".getBytes(StandardCharsets.US_ASCII),
                pairingId.getBytes(StandardCharsets.UTF_8))));
    }

    PairingStartResponse lastResponse() {
        return response;
    }

    PairingResult approved(String pairingId) {
        return new PairingResult(pairingId, "approved", "dev_1", "credential-0123456789abcdef-XYZ", List.of("status:read"),
                spkiSha256);
    }

    private byte[] transcript(String pairingId, PakeRound2 clientRound2, String spki) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        List<String> fields = new java.util.ArrayList<>(List.of("openwork-pair-v1", pairingId, request.clientId(), hostId,
                request.deviceName(), request.platform(), String.join(",", request.requestedScopes()),
                hex(sha256(Base64.getUrlDecoder().decode(request.clientKey())))));
        for (PakeRound1 r : List.of(request.round1(), response.round1())) {
            fields.addAll(List.of(r.participantId(), r.gx1(), r.gx2(), r.zkpX1().v(), r.zkpX1().r(), r.zkpX2().v(), r.zkpX2().r()));
        }
        for (PakeRound2 r : List.of(response.round2(), clientRound2)) {
            fields.addAll(List.of(r.participantId(), r.a(), r.zkpX2s().v(), r.zkpX2s().r()));
        }
        fields.add(spki);
        for (String f : fields) {
            byte[] b = f.getBytes(StandardCharsets.UTF_8);
            out.writeInt(b.length);
            out.write(b);
        }
        return bytes.toByteArray();
    }

    // ---- an independent codec ----

    static PakeRound1 round1(ECJPAKERound1Payload p) {
        return new PakeRound1(p.getParticipantId(), pt(p.getGx1()), pt(p.getGx2()), zkp(p.getKnowledgeProofForX1()),
                zkp(p.getKnowledgeProofForX2()));
    }

    static PakeRound2 round2(ECJPAKERound2Payload p) {
        return new PakeRound2(p.getParticipantId(), pt(p.getA()), zkp(p.getKnowledgeProofForX2s()));
    }

    private static String pt(ECPoint p) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(p.getEncoded(false));
    }

    private static SchnorrProof zkp(ECSchnorrZKP z) {
        return new SchnorrProof(pt(z.getV()), z.getr().toString(16));
    }

    static ECJPAKERound1Payload decode(PakeRound1 r) throws Exception {
        return new ECJPAKERound1Payload(r.participantId(), point(r.gx1()), point(r.gx2()), zkp(r.zkpX1()), zkp(r.zkpX2()));
    }

    static ECJPAKERound2Payload decode(PakeRound2 r) throws Exception {
        return new ECJPAKERound2Payload(r.participantId(), point(r.a()), zkp(r.zkpX2s()));
    }

    private static ECPoint point(String s) {
        return CURVE.getCurve().decodePoint(Base64.getUrlDecoder().decode(s));
    }

    private static ECSchnorrZKP zkp(SchnorrProof p) throws Exception {
        Constructor<ECSchnorrZKP> c = ECSchnorrZKP.class.getDeclaredConstructor(ECPoint.class, BigInteger.class);
        c.setAccessible(true);
        return c.newInstance(point(p.v()), new BigInteger(p.r(), 16));
    }

    static byte[] hmac(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
