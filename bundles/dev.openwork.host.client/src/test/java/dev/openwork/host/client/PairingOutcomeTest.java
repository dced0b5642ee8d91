package dev.openwork.host.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Test;

/** Pairings the host or the network makes fail after the first round trip. */
public class PairingOutcomeTest {

    private static TestCerts.Identity other;
    private static FakeHostServer fake;

    @BeforeClass
    public static void startHost() throws Exception {
        fake = new FakeHostServer();
        other = TestCerts.generate("other.local");
    }

    @AfterClass
    public static void stopHost() {
        fake.close();
    }

    @Before
    public void reset() {
        fake.reset();
    }

    private static HostAddress address() {
        return fake.address();
    }

    private static PairingClient.Request request(String code) {
        return new PairingClient.Request(code, "my laptop", "cli", List.of("status:read", "tasks:run"));
    }

    private static HostClientException pairExpectingFailure(PairingClient client, String code) {
        try {
            client.pair(request(code), null);
            fail("pairing must fail");
            return null;
        } catch (HostClientException e) {
            return e;
        }
    }

    @Test
    public void aHostThatCannotProveTheCodeIsNotTrusted() {
        fake.confirmMode = "badHostMac";
        HostClientException e = pairExpectingFailure(new PairingClient(address(), null), "48213077");
        assertEquals(HostClientException.Kind.HOST_NOT_VERIFIED, e.kind());
        assertEquals("nothing after an unverified confirmation may be fetched", 0, fake.polls.get());
    }

    @Test
    public void aHostWhoseTranscriptHasAnotherKeyFails() {
        fake.host.spkiSha256 = other.spkiSha256(); // as if a proxy had terminated TLS with another key
        HostClientException e = pairExpectingFailure(new PairingClient(address(), null), "48213077");
        assertEquals(HostClientException.Kind.WRONG_CODE, e.kind());
        assertTrue(e.action(), e.action().contains("intercepting"));
    }

    @Test
    public void deniedAndExpiredAreReported() {
        fake.finalStatus = "denied";
        HostClientException denied = pairExpectingFailure(new PairingClient(address(), null), "48213077");
        assertEquals(HostClientException.Kind.PAIRING_REJECTED, denied.kind());
        assertTrue(denied.getMessage().contains("denied"));
        fake.reset();
        fake.finalStatus = "expired";
        HostClientException expired = pairExpectingFailure(new PairingClient(address(), null), "48213077");
        assertTrue(expired.getMessage().contains("expired"));
    }

    @Test
    public void malformedHostMessagesGiveAClearError() {
        fake.startMode = "garbage";
        HostClientException e = pairExpectingFailure(new PairingClient(address(), null), "48213077");
        assertEquals(HostClientException.Kind.PROTOCOL, e.kind());
        assertTrue(e.getMessage(), e.getMessage().contains("round1.gx1"));
    }
}
