package dev.openwork.host.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.openwork.host.api.pairing.PairingConfirmRequest;
import dev.openwork.host.api.pairing.PairingConfirmResponse;
import dev.openwork.host.api.pairing.PairingStartRequest;
import dev.openwork.host.api.pairing.PairingStartResponse;
import dev.openwork.host.api.pairing.PakeRound2;
import dev.openwork.host.client.internal.ClientPake;
import dev.openwork.host.client.internal.PairingTranscript;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.junit.Test;

/** The client's PAKE code against the independent host simulation in {@link FakeHost}. */
public class PakeRoundTripTest {

    private static final String SPKI = "ab".repeat(32);
    private final SecureRandom random = new SecureRandom();

    private record Run(ClientPake pake, PairingStartRequest start, PairingStartResponse response, PakeRound2 round2,
            byte[] transcript, PairingConfirmRequest confirm) {
    }

    private Run clientSide(FakeHost host, String clientCode, String spkiSeen) throws Exception {
        String clientId = "client_ABCdef-123";
        ClientPake pake = new ClientPake(clientId, clientCode, random);
        byte[] key = new byte[32];
        random.nextBytes(key);
        PairingStartRequest start = new PairingStartRequest(clientId, "laptop é", "cli", List.of("status:read", "tasks:run"),
                Base64.getUrlEncoder().withoutPadding().encodeToString(key), pake.round1());
        PairingStartResponse response = host.start(start);
        PakeRound2 round2 = pake.acceptHostRounds(response.hostId(), response.round1(), response.round2());
        byte[] t = PairingTranscript.build(start, response, round2, spkiSeen);
        return new Run(pake, start, response, round2, t,
                new PairingConfirmRequest(response.pairingId(), round2, pake.clientMac(t)));
    }

    @Test
    public void sameCodeBothMacsVerifyAndProofsAgree() throws Exception {
        FakeHost host = new FakeHost("0123456789abcdef", "host.local", "48213077", SPKI);
        Run run = clientSide(host, "48213077", SPKI);
        PairingConfirmResponse confirmed = host.confirm(run.confirm(), "pending_approval");
        assertTrue("host mac must verify", run.pake().hostMacMatches(run.transcript(), confirmed.hostMac()));
        assertEquals(host.resultProof(run.response().pairingId()), run.pake().resultProof(run.response().pairingId()));
        assertEquals("client:client_ABCdef-123", run.start().round1().participantId());
        assertEquals(64, run.confirm().clientMac().length());
        assertTrue(run.confirm().clientMac().matches("[0-9a-f]{64}"));
    }

    @Test
    public void wrongCodeFailsOnBothSides() throws Exception {
        FakeHost host = new FakeHost("0123456789abcdef", "host.local", "48213077", SPKI);
        Run run = clientSide(host, "48213078", SPKI);
        try {
            host.confirm(run.confirm(), "pending_approval");
            fail("the host must reject the client's mac");
        } catch (FakeHost.WrongMac expected) {
            // the host side fails
        }
        FakeHost again = new FakeHost("0123456789abcdef", "host.local", "48213077", SPKI);
        Run second = clientSide(again, "11112222", SPKI);
        String hostMac = again.hostMacAnyway(second.confirm());
        assertFalse("the client must reject the host's mac", second.pake().hostMacMatches(second.transcript(), hostMac));
    }

    @Test
    public void differentHostKeyInTheTranscriptFailsBothMacs() throws Exception {
        // an intercepting proxy: the client saw the proxy's key, the host puts its own
        FakeHost host = new FakeHost("0123456789abcdef", "host.local", "48213077", SPKI);
        Run run = clientSide(host, "48213077", "cd".repeat(32));
        try {
            host.confirm(run.confirm(), "pending_approval");
            fail("the host must reject the client's mac");
        } catch (FakeHost.WrongMac expected) {
            // bound to the key
        }
    }

    @Test
    public void hostMacIsCheckedStrictly() throws Exception {
        FakeHost host = new FakeHost("0123456789abcdef", "host.local", "48213077", SPKI);
        Run run = clientSide(host, "48213077", SPKI);
        PairingConfirmResponse confirmed = host.confirm(run.confirm(), "pending_approval");
        assertTrue(run.pake().hostMacMatches(run.transcript(), confirmed.hostMac().toUpperCase()));
        assertFalse(run.pake().hostMacMatches(run.transcript(), null));
        assertFalse(run.pake().hostMacMatches(run.transcript(), "zz"));
        assertFalse(run.pake().hostMacMatches(run.transcript(), confirmed.hostMac().substring(1) + "0"));
        assertFalse(run.pake().hostMacMatches(run.transcript(), run.confirm().clientMac()));
    }

    @Test
    public void hostParticipantIdMustMatchItsHostId() throws Exception {
        FakeHost host = new FakeHost("0123456789abcdef", "host.local", "48213077", SPKI);
        ClientPake pake = new ClientPake("client_ABCdef-123", "48213077", random);
        PairingStartRequest start = new PairingStartRequest("client_ABCdef-123", "x", "cli", List.of(),
                Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]), pake.round1());
        PairingStartResponse response = host.start(start);
        try {
            pake.acceptHostRounds("another-host", response.round1(), response.round2());
            fail("a host round under another participant id must be refused");
        } catch (dev.openwork.host.client.internal.PakeCodec.BadMessage expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("participantId"));
        }
    }
}
