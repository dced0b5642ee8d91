package dev.openwork.host.client.internal;

import static org.junit.Assert.assertArrayEquals;

import dev.openwork.host.api.pairing.PairingStartRequest;
import dev.openwork.host.api.pairing.PairingStartResponse;
import dev.openwork.host.api.pairing.PakeRound1;
import dev.openwork.host.api.pairing.PakeRound2;
import dev.openwork.host.api.pairing.SchnorrProof;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

public class PairingTranscriptTest {

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @Test
    public void fieldsAreFourByteBigEndianLengthThenUtf8() {
        byte[] t = new PairingTranscript().field("ab").field("").field("é").toByteArray();
        // "ab" -> 00 00 00 02 61 62 ; "" -> 00 00 00 00 ; "é" (U+00E9) -> 00 00 00 02 c3 a9
        assertArrayEquals(bytes(0, 0, 0, 2, 0x61, 0x62, 0, 0, 0, 0, 0, 0, 0, 2, 0xc3, 0xa9), t);
    }

    @Test
    public void longFieldsUseAllFourLengthBytes() {
        String s = "x".repeat(0x01_02_03);
        byte[] t = new PairingTranscript().field(s).toByteArray();
        assertArrayEquals(bytes(0x00, 0x01, 0x02, 0x03), java.util.Arrays.copyOf(t, 4));
        assertArrayEquals(new byte[0], java.util.Arrays.copyOfRange(t, 4 + 0x010203, t.length));
    }

    @Test
    public void wholeTranscriptIsInTheSpecifiedOrder() {
        // clientKey "AAAA..." (32 zero bytes): its SHA-256 is 66687aad...
        String clientKey = "A".repeat(43);
        PakeRound1 c1 = new PakeRound1("client:c1", "cg1", "cg2", new SchnorrProof("cv1", "cr1"), new SchnorrProof("cv2", "cr2"));
        PakeRound1 h1 = new PakeRound1("host:h1", "hg1", "hg2", new SchnorrProof("hv1", "hr1"), new SchnorrProof("hv2", "hr2"));
        PakeRound2 h2 = new PakeRound2("host:h1", "hA", new SchnorrProof("hv3", "hr3"));
        PakeRound2 c2 = new PakeRound2("client:c1", "cA", new SchnorrProof("cv3", "cr3"));
        PairingStartRequest request = new PairingStartRequest("c1", "Dev", "cli", List.of("b", "a"), clientKey, c1);
        PairingStartResponse response = new PairingStartResponse("p1", "h1", "Host", h1, h2);

        List<String> expected = new ArrayList<>(List.of("openwork-pair-v1", "p1", "c1", "h1", "Dev", "cli", "b,a",
                "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925",
                "client:c1", "cg1", "cg2", "cv1", "cr1", "cv2", "cr2",
                "host:h1", "hg1", "hg2", "hv1", "hr1", "hv2", "hr2",
                "host:h1", "hA", "hv3", "hr3",
                "client:c1", "cA", "cv3", "cr3",
                "ff".repeat(32)));
        ByteArrayOutputStream manual = new ByteArrayOutputStream();
        for (String field : expected) {
            byte[] utf8 = field.getBytes(StandardCharsets.UTF_8);
            manual.write(0);
            manual.write(0);
            manual.write(0);
            manual.write(utf8.length); // every field here is shorter than 256 bytes
            manual.writeBytes(utf8);
        }
        assertArrayEquals(manual.toByteArray(), PairingTranscript.build(request, response, c2, "ff".repeat(32)));
    }
}
