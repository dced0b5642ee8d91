package dev.openwork.host.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Test;

/** The whole pairing over TLS 1.3 against a fake host built on {@link FakeHost}. */
public class PairingClientTest {

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
    public void pairsWithTheRightCodeAndWaitsForApproval() {
        List<String> steps = new CopyOnWriteArrayList<>();
        PairingClient client = new PairingClient(address(), null);
        assertEquals(fake.identity.spkiSha256(), client.probeHostKey());
        KnownHost paired = client.pair(request("48213077"), new PairingClient.Progress() {
            @Override
            public void hostKey(String spki, boolean matchesLink) {
                steps.add("key " + spki.substring(0, 8) + " " + matchesLink);
            }

            @Override
            public void started(String pairingId, String hostId, String hostName) {
                steps.add("started " + hostId + " " + hostName);
            }

            @Override
            public void verifying(String pairingId) {
                steps.add("verifying");
            }

            @Override
            public void verified(String pairingId, String status) {
                steps.add("verified " + status);
            }

            @Override
            public void waiting(String pairingId, Duration elapsed) {
                steps.add("waiting");
            }
        });
        assertEquals(List.of("key " + fake.identity.spkiSha256().substring(0, 8) + " false", "started 0123456789abcdef Test Host",
                "verifying", "verified pending_approval", "waiting", "waiting", "waiting"), steps);
        assertEquals("0123456789abcdef", paired.hostId());
        assertEquals("Test Host", paired.hostName());
        assertEquals("127.0.0.1", paired.address());
        assertEquals(fake.address().port(), paired.port());
        assertEquals(fake.identity.spkiSha256(), paired.spkiSha256());
        assertEquals("dev_1", paired.deviceId());
        assertEquals("credential-0123456789abcdef-XYZ", paired.credential());
        assertEquals(List.of("status:read"), paired.scopes());
        assertEquals(List.of("wait=30", "wait=30", "wait=30"), fake.pollQueries);
    }

    @Test
    public void linkFingerprintThatMatchesIsAccepted() {
        KnownHost paired = new PairingClient(address(), fake.identity.spkiSha256()).pair(request("48213077"), null);
        assertEquals(fake.identity.spkiSha256(), paired.spkiSha256());
    }

    @Test
    public void wrongCodeSaysTheHostShowsANewOne() {
        HostClientException e = pairExpectingFailure(new PairingClient(address(), null), "48213078");
        assertEquals(HostClientException.Kind.WRONG_CODE, e.kind());
        assertEquals("The code was wrong; the host showed a new code: type that one.", e.getMessage());
        assertEquals(0, fake.polls.get());
    }

    @Test
    public void linkFingerprintMismatchAbortsBeforeAnythingIsSent() {
        PairingClient client = new PairingClient(address(), other.spkiSha256());
        try {
            client.probeHostKey();
            fail("the handshake must abort");
        } catch (HostClientException e) {
            assertEquals(HostClientException.Kind.HOST_KEY_MISMATCH, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains("connect link"));
        }
        assertEquals(HostClientException.Kind.HOST_KEY_MISMATCH, pairExpectingFailure(client, "48213077").kind());
        assertEquals(null, fake.host.lastResponse());
    }

    @Test
    public void noWindowOpenTellsHowToOpenOne() {
        fake.startMode = "forbidden";
        HostClientException e = pairExpectingFailure(new PairingClient(address(), null), "48213077");
        assertEquals(403, e.httpStatus());
        assertTrue(e.action(), e.action().startsWith(
                "No pairing window is open on the host: open one with pairing:open on the host console"));
        assertTrue(e.getMessage(), e.getMessage().contains("No pairing window is open on the host."));
    }

    @Test
    public void anotherPairingUnderWay() {
        fake.startMode = "conflict";
        HostClientException e = pairExpectingFailure(new PairingClient(address(), null), "48213077");
        assertEquals("conflict", e.hostErrorCode());
        assertTrue(e.getMessage().contains("Another device is pairing"));
    }

    @Test
    public void nothingListeningSaysWhatToCheck() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = socket.getLocalPort();
        }
        PairingClient client = new PairingClient(new HostAddress("127.0.0.1", port), null);
        try {
            client.probeHostKey();
            fail("nothing listens");
        } catch (HostClientException e) {
            assertEquals(HostClientException.Kind.UNREACHABLE, e.kind());
            assertEquals("Nothing answers at 127.0.0.1:" + port + ": is the host running? is the port right (default 4748)?",
                    e.getMessage());
        }
        assertEquals(HostClientException.Kind.UNREACHABLE, pairExpectingFailure(client, "48213077").kind());
    }

    @Test
    public void invalidInputIsRefusedBeforeAnyConnection() {
        PairingClient client = new PairingClient(address(), null);
        for (PairingClient.Request bad : List.of(
                new PairingClient.Request("1234", "n", "cli", List.of()),
                new PairingClient.Request("12345678", "", "cli", List.of()),
                new PairingClient.Request("12345678", "a\nb", "cli", List.of()),
                new PairingClient.Request("12345678", "evil\u202egnp.exe", "cli", List.of()),
                new PairingClient.Request("12345678", "x".repeat(65), "cli", List.of()),
                new PairingClient.Request("12345678", "n", "CLI!", List.of()))) {
            try {
                client.pair(bad, null);
                fail("accepted " + bad);
            } catch (HostClientException e) {
                assertEquals(HostClientException.Kind.INVALID_INPUT, e.kind());
            }
        }
        assertEquals(null, fake.host.lastResponse());
    }
}
