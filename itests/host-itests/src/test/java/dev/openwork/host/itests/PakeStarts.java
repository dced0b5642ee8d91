package dev.openwork.host.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKECurves;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKEParticipant;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKERound1Payload;
import org.bouncycastle.crypto.agreement.ecjpake.ECSchnorrZKP;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.math.ec.ECPoint;

/** A first pairing round trip sent by hand: an attempt that then holds the host's single slot. */
final class PakeStarts {

    private PakeStarts() {
    }

    static Http.Answer start(int lanPort, String code) throws Exception {
        String clientId = "heldattempt01";
        ECJPAKEParticipant participant = new ECJPAKEParticipant("client:" + clientId, code.toCharArray(),
                ECJPAKECurves.NIST_P256, new SHA256Digest(), new SecureRandom());
        ECJPAKERound1Payload round1 = participant.createRound1PayloadToSend();
        String body = "{\"clientId\":\"" + clientId + "\",\"deviceName\":\"holder\",\"platform\":\"cli\","
                + "\"requestedScopes\":[\"status:read\"],\"clientKey\":\"" + "A".repeat(43) + "\",\"round1\":{"
                + "\"participantId\":\"client:" + clientId + "\",\"gx1\":\"" + point(round1.getGx1()) + "\",\"gx2\":\""
                + point(round1.getGx2()) + "\",\"zkpX1\":" + proof(round1.getKnowledgeProofForX1()) + ",\"zkpX2\":"
                + proof(round1.getKnowledgeProofForX2()) + "}}";
        HttpResponse<String> response = HttpClient.newBuilder().sslContext(Tls.recordingContext(new AtomicReference<>()))
                .build().send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + lanPort + "/v1/pairing/start"))
                        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = new ObjectMapper().readTree(response.body());
        return new Http.Answer(response.statusCode(), "application/json", response.body(), json);
    }

    private static String point(ECPoint point) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(point.getEncoded(false));
    }

    private static String proof(ECSchnorrZKP zkp) {
        return "{\"v\":\"" + point(zkp.getV()) + "\",\"r\":\"" + scalar(zkp.getr()) + "\"}";
    }

    private static String scalar(BigInteger value) {
        return value.toString(16);
    }
}
