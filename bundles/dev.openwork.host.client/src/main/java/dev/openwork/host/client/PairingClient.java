package dev.openwork.host.client;

import dev.openwork.host.api.error.HostError;
import dev.openwork.host.api.pairing.PairingConfirmRequest;
import dev.openwork.host.api.pairing.PairingConfirmResponse;
import dev.openwork.host.api.pairing.PairingProtocol;
import dev.openwork.host.api.pairing.PairingResult;
import dev.openwork.host.api.pairing.PairingStartRequest;
import dev.openwork.host.api.pairing.PairingStartResponse;
import dev.openwork.host.api.pairing.PakeRound2;
import dev.openwork.host.client.HostClientException.Kind;
import dev.openwork.host.client.internal.ClientPake;
import dev.openwork.host.client.internal.HttpCalls;
import dev.openwork.host.client.internal.Json;
import dev.openwork.host.client.internal.PairingTranscript;
import dev.openwork.host.client.internal.PakeCodec;
import dev.openwork.host.client.internal.Text;
import dev.openwork.host.client.internal.Tls;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Pairs this device with a host over its LAN TLS listener, as {@link PairingProtocol} specifies:
 * EC-J-PAKE with the 8-digit code over two round trips, a confirmation bound to the host key this
 * client saw in TLS, then a long poll for the admin's decision. The host's confirmation is checked
 * before anything else it says is trusted. One instance per pairing; not thread-safe.
 */
public final class PairingClient {

    /**
     * What to pair as.
     *
     * @param code       the 8-digit code the host shows
     * @param deviceName the name the admin will see (1 to 64 printable characters)
     * @param platform   e.g. {@code cli}
     * @param scopes     the scopes to ask for (the admin decides)
     */
    public record Request(String code, String deviceName, String platform, List<String> scopes) {
        public Request {
            scopes = scopes == null ? List.of() : List.copyOf(scopes);
        }

        @Override
        public String toString() {
            return "Request[code=<hidden>, deviceName=" + deviceName + ", platform=" + platform + ", scopes=" + scopes + "]";
        }
    }

    /** Progress of a pairing, for a user interface. Every method has an empty default. */
    public interface Progress {
        /** The host's key as seen in the TLS handshake; {@code matchesLink} when it matched the link's fingerprint. */
        default void hostKey(String spkiSha256, boolean matchesLink) {
        }

        /** The host took the first round trip. */
        default void started(String pairingId, String hostId, String hostName) {
        }

        /** The client is about to send its confirmation. */
        default void verifying(String pairingId) {
        }

        /** The host proved it knows the code and saw the same key; {@code status} is pending or approved. */
        default void verified(String pairingId, String status) {
        }

        /** Still waiting for the admin's decision. */
        default void waiting(String pairingId, Duration elapsed) {
        }
    }

    private static final Pattern PAIRING_ID = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
    private static final Pattern HOST_ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern PLATFORM = Pattern.compile("[a-z0-9._-]{1,32}");
    private static final Pattern CREDENTIAL = Pattern.compile("[A-Za-z0-9._~+/=-]{16,1024}");
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);

    private final HostAddress address;
    private final String expectedFingerprint;
    private final SpkiTrustManager trust;
    private final HttpCalls calls;
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private int resultWaitSeconds = PairingProtocol.MAX_RESULT_WAIT_SECONDS;
    private Duration approvalTimeout = Duration.ofMinutes(30);

    /**
     * @param address             the host's LAN TLS listener
     * @param expectedFingerprint the host's SPKI SHA-256 from a connect link, or {@code null} when
     *                            the user gave only an address (then the user compares the fingerprint)
     */
    public PairingClient(HostAddress address, String expectedFingerprint) {
        this(address, expectedFingerprint, SpkiTrustManager.forPairing(expectedFingerprint), Clock.systemUTC());
    }

    /**
     * Pairing with a host found by {@link HostBrowser}: the TLS handshake must present a key whose
     * fingerprint starts with the prefix the host advertised, or nothing is sent.
     */
    public static PairingClient forDiscoveredHost(DiscoveredHost host, HostAddress address) {
        return new PairingClient(address, host.fingerprintPrefix(),
                SpkiTrustManager.forAdvertisedHost(host.fingerprintPrefix()), Clock.systemUTC());
    }

    PairingClient(HostAddress address, String expectedFingerprint, Clock clock) {
        this(address, expectedFingerprint, SpkiTrustManager.forPairing(expectedFingerprint), clock);
    }

    private PairingClient(HostAddress address, String expectedFingerprint, SpkiTrustManager trust, Clock clock) {
        this.address = Objects.requireNonNull(address, "address");
        this.expectedFingerprint = expectedFingerprint;
        this.trust = trust;
        this.calls = new HttpCalls(Tls.httpClient(trust, Duration.ofSeconds(10)), address.uri("https", ""), null, trust,
                HostAddress.DEFAULT_LAN_PORT);
        this.clock = clock;
    }

    /** Seconds each result poll may wait on the host (1 to 30). */
    public PairingClient resultWaitSeconds(int seconds) {
        this.resultWaitSeconds = Math.max(1, Math.min(PairingProtocol.MAX_RESULT_WAIT_SECONDS, seconds));
        return this;
    }

    /** How long to wait for the admin's decision in total before giving up. */
    public PairingClient approvalTimeout(Duration timeout) {
        this.approvalTimeout = timeout;
        return this;
    }

    /**
     * Runs one TLS handshake (nothing else) and returns the host key's fingerprint, so the user can
     * compare it before typing the code. Aborts when it does not match the expected fingerprint.
     */
    public String probeHostKey() {
        try {
            Tls.handshake(address, trust, Duration.ofSeconds(10));
        } catch (SocketTimeoutException e) {
            throw new HostClientException(Kind.TIMEOUT, address + " did not answer in time.",
                    "Check the address, that the host is on this network, and that no firewall blocks port "
                            + address.port() + ".", e);
        } catch (IOException e) {
            throw calls.connectionFailure(e);
        }
        return trust.seenSpkiSha256().orElseThrow(() -> new HostClientException(Kind.TLS,
                "The TLS handshake with " + address + " completed without a certificate.", "Check the address."));
    }

    /** Pairs; returns the host to store. */
    public KnownHost pair(Request request, Progress progress) {
        validate(request);
        Progress p = progress == null ? new Progress() { } : progress;
        String clientId = base64Url(16);
        String clientKey = base64Url(32);
        ClientPake pake = new ClientPake(clientId, request.code(), random);
        try {
            PairingStartRequest start = new PairingStartRequest(clientId, request.deviceName(), request.platform(),
                    request.scopes(), clientKey, pake.round1());
            HttpCalls.Answer startAnswer = calls.send(calls.request("/v1/pairing/start", CALL_TIMEOUT)
                    .header("Content-Type", "application/json").POST(HttpCalls.json(start)).build());
            String spki = seenKey(startAnswer);
            p.hostKey(spki, expectedFingerprint != null);
            if (startAnswer.status() != 200) {
                throw startFailure(startAnswer);
            }
            PairingStartResponse response = calls.decode(startAnswer, Json.MAPPER.constructType(PairingStartResponse.class),
                    "the pairing start");
            checkStartResponse(response);
            p.started(response.pairingId(), response.hostId(), response.hostName());

            PakeRound2 clientRound2;
            try {
                clientRound2 = pake.acceptHostRounds(response.hostId(), response.round1(), response.round2());
            } catch (PakeCodec.BadMessage e) {
                throw new HostClientException(Kind.PROTOCOL, "The host's pairing message is not valid: " + e.getMessage() + ".",
                        "Check that owctl and the host are of the same version; if they are, someone may be interfering "
                                + "with this network.");
            }
            byte[] transcript = PairingTranscript.build(start, response, clientRound2, spki);
            p.verifying(response.pairingId());
            PairingConfirmRequest confirm = new PairingConfirmRequest(response.pairingId(), clientRound2,
                    pake.clientMac(transcript));
            HttpCalls.Answer confirmAnswer = calls.send(calls.request("/v1/pairing/confirm", CALL_TIMEOUT)
                    .header("Content-Type", "application/json").POST(HttpCalls.json(confirm)).build());
            if (!spki.equals(seenKey(confirmAnswer))) {
                throw keyChanged();
            }
            if (confirmAnswer.status() != 200) {
                throw confirmFailure(confirmAnswer);
            }
            PairingConfirmResponse confirmed = calls.decode(confirmAnswer,
                    Json.MAPPER.constructType(PairingConfirmResponse.class), "the pairing confirmation");
            // Nothing the host says counts before its confirmation verifies.
            if (!pake.hostMacMatches(transcript, confirmed.hostMac())) {
                throw new HostClientException(Kind.HOST_NOT_VERIFIED, "The host could not prove that it knows the code "
                        + "and saw the same connection: someone may be intercepting it.",
                        "Do not pair on this network; pair where you trust the network, comparing the fingerprint the host shows.");
            }
            if (!response.pairingId().equals(confirmed.pairingId())) {
                throw protocol("the confirmation names another pairing attempt");
            }
            if (!PairingResult.PENDING.equals(confirmed.status()) && !PairingResult.APPROVED.equals(confirmed.status())) {
                throw protocol("the confirmation has an unknown status '" + Text.safe(confirmed.status(), 40) + "'");
            }
            p.verified(response.pairingId(), confirmed.status());
            PairingResult result = awaitDecision(response.pairingId(), pake.resultProof(response.pairingId()), spki, p);
            List<String> scopes = result.scopes() == null ? List.of() : new ArrayList<>(result.scopes());
            return new KnownHost(response.hostId(), Text.safe(response.hostName(), 255), address.host(), address.port(), spki,
                    result.deviceId(), result.credential(), scopes, clock.instant());
        } finally {
            pake.destroy();
        }
    }

    private PairingResult awaitDecision(String pairingId, String proof, String spki, Progress progress) {
        Instant started = clock.instant();
        String path = "/v1/pairing/" + HttpCalls.segment(pairingId) + "/result?wait=" + resultWaitSeconds;
        while (true) {
            Duration elapsed = Duration.between(started, clock.instant());
            if (elapsed.compareTo(approvalTimeout) > 0) {
                throw new HostClientException(Kind.PAIRING_REJECTED, "Nobody approved this device on the host within "
                        + approvalTimeout.toMinutes() + " minutes.", "Ask the host's admin to approve it, then pair again.");
            }
            progress.waiting(pairingId, elapsed);
            HttpCalls.Answer answer = calls.send(calls.request(path, Duration.ofSeconds(resultWaitSeconds + 15L))
                    .header(PairingProtocol.PROOF_HEADER, proof).GET().build());
            if (!spki.equals(seenKey(answer))) {
                throw keyChanged();
            }
            if (answer.status() == 404) {
                throw new HostClientException(Kind.PAIRING_REJECTED, "The host no longer knows this pairing attempt "
                        + "(it expired, or the host restarted).", "Pair again while a pairing window is open.");
            }
            if (answer.status() != 200) {
                throw calls.error(answer, "the pairing result");
            }
            PairingResult result = calls.decode(answer, Json.MAPPER.constructType(PairingResult.class), "the pairing result");
            if (!pairingId.equals(result.pairingId())) {
                throw protocol("the result names another pairing attempt");
            }
            String status = result.status() == null ? "" : result.status();
            switch (status) {
                case PairingResult.PENDING:
                    continue;
                case PairingResult.APPROVED:
                    return checkApproved(result, spki);
                case PairingResult.DENIED:
                    throw new HostClientException(Kind.PAIRING_REJECTED, "The host's admin denied this device.",
                            "Ask the admin why; pair again once they agree.");
                case PairingResult.EXPIRED:
                    throw new HostClientException(Kind.PAIRING_REJECTED,
                            "The pairing attempt expired on the host before anyone approved it.",
                            "Ask the host's admin to open a new window, then pair again and have it approved.");
                default:
                    throw protocol("the result has an unknown status '" + Text.safe(status, 40) + "'");
            }
        }
    }

    private PairingResult checkApproved(PairingResult result, String spki) {
        if (result.deviceId() == null || result.deviceId().isBlank() || result.deviceId().length() > 128) {
            throw protocol("the approval has no valid device id");
        }
        if (result.credential() == null) {
            throw new HostClientException(Kind.PAIRING_REJECTED, "The host approved this device, but its credential was "
                    + "already collected by an earlier request.", "Ask the host's admin to revoke the device "
                    + Text.safe(result.deviceId(), 64) + ", then pair again.");
        }
        if (!CREDENTIAL.matcher(result.credential()).matches()) {
            throw protocol("the credential is not in a form this client can send");
        }
        if (result.hostSpkiSha256() != null && !dev.openwork.host.client.internal.Hex.sameHex(result.hostSpkiSha256(), spki, 64)) {
            throw HttpCalls.hostKeyMismatch(address.toString(), new HostKeyMismatchException(
                    "the host says its key is " + Text.safe(result.hostSpkiSha256(), 64) + " but the connection used " + spki
                            + ": someone may be intercepting", spki, result.hostSpkiSha256()));
        }
        if (result.scopes() != null && result.scopes().stream().anyMatch(s -> s == null || s.length() > 64)) {
            throw protocol("the granted scopes are not valid");
        }
        return result;
    }

    /** The host key of the connection that carried {@code answer}, cross-checked with the trust manager. */
    private String seenKey(HttpCalls.Answer answer) {
        String seen = trust.seenSpkiSha256().orElseThrow(() -> protocol("the TLS handshake recorded no host key"));
        Optional<SSLSession> session = answer.response().sslSession();
        if (session.isPresent()) {
            try {
                Certificate[] peer = session.get().getPeerCertificates();
                if (peer.length > 0 && peer[0] instanceof X509Certificate leaf
                        && !Fingerprints.spkiSha256(leaf).equals(seen)) {
                    throw keyChanged();
                }
            } catch (SSLPeerUnverifiedException e) {
                throw protocol("the TLS session has no verified host key");
            }
        }
        return seen;
    }

    private HostClientException keyChanged() {
        return new HostClientException(Kind.HOST_KEY_MISMATCH, "The host's key changed during pairing: someone may be "
                + "intercepting the connection to " + address + ".", "Do not pair on this network; pair where you trust the "
                + "network, comparing the fingerprint the host shows.");
    }

    private void checkStartResponse(PairingStartResponse r) {
        if (r.pairingId() == null || !PAIRING_ID.matcher(r.pairingId()).matches()) {
            throw protocol("the pairing id is missing or not valid");
        }
        if (r.hostId() == null || !HOST_ID.matcher(r.hostId()).matches()) {
            throw protocol("the host id is missing or not valid");
        }
        if (r.hostName() == null || r.hostName().isBlank() || r.hostName().length() > 255) {
            throw protocol("the host name is missing or too long");
        }
        if (r.round1() == null || r.round2() == null) {
            throw protocol("the host's PAKE rounds are missing");
        }
    }

    private HostClientException startFailure(HttpCalls.Answer answer) {
        HostError error = HttpCalls.hostError(answer);
        switch (answer.status()) {
            case 403:
                return new HostClientException(Kind.HOST_ERROR, "The host refuses pairing now (host says: "
                        + error.message() + ")", "No pairing window is open on the host: open one with pairing:open on the "
                        + "host console (or owctl admin pairing-open on the host), then try again."
                        + (error.action() == null ? "" : " Host suggests: " + error.action()),
                        error, 403, null);
            case 409:
                return new HostClientException(Kind.HOST_ERROR, "Another device is pairing with the host right now.",
                        "Wait until it is done (a minute at most), then try again.", error, 409, null);
            case 400:
                return new HostClientException(Kind.HOST_ERROR, "The host rejected the pairing request: " + error.message(),
                        (error.action() == null ? "" : error.action() + " ")
                                + "The host now shows a new code: use that one when you try again.", error, 400, null);
            case 404:
                return new HostClientException(Kind.HOST_ERROR, address + " has no pairing API (HTTP 404).",
                        "Check the port (the host's LAN port is " + HostAddress.DEFAULT_LAN_PORT
                                + " by default) and that the host's pairing feature is running.", error, 404, null);
            default:
                return calls.error(answer, "the pairing start");
        }
    }

    private HostClientException confirmFailure(HttpCalls.Answer answer) {
        HostError error = HttpCalls.hostError(answer);
        switch (answer.status()) {
            case 400:
                return new HostClientException(Kind.WRONG_CODE, "The code was wrong; the host showed a new code: type that one.",
                        "If you are sure the code was right, something between you and the host may be intercepting the "
                                + "connection: pair on a network you trust. (Host says: " + error.message() + ")",
                        error, 400, null);
            case 404:
                return new HostClientException(Kind.PAIRING_REJECTED, "The pairing attempt expired on the host, or its "
                        + "window closed (host says: " + error.message() + ")",
                        "Open a new pairing window on the host, then pair again.", error, 404, null);
            case 403:
                return startFailure(answer);
            default:
                return calls.error(answer, "the pairing confirmation");
        }
    }

    private HostClientException protocol(String what) {
        return new HostClientException(Kind.PROTOCOL, "The host's pairing answer is not valid: " + what + ".",
                "Check that owctl and the host are of the same version; if they are, someone may be interfering with "
                        + "this network.");
    }

    private static void validate(Request r) {
        if (r == null || !PairingCode.isCode(r.code())) {
            throw new HostClientException(Kind.INVALID_INPUT, "The pairing code must be 8 digits.",
                    "Type the 8 digits the host shows.");
        }
        checkDevice(r.deviceName(), r.platform(), r.scopes());
    }

    /**
     * Checks what a device would send about itself, so a user interface can refuse bad input before
     * connecting; throws {@code INVALID_INPUT}.
     */
    public static void checkDevice(String deviceName, String platform, List<String> scopes) {
        if (deviceName == null || deviceName.isBlank() || deviceName.length() > 64
                || deviceName.codePoints().anyMatch(Text::isHidden)) {
            throw new HostClientException(Kind.INVALID_INPUT, "The device name must be 1 to 64 printable characters.",
                    "Give another name with --name.");
        }
        if (platform == null || !PLATFORM.matcher(platform).matches()) {
            throw new HostClientException(Kind.INVALID_INPUT, "The platform must be 1 to 32 of a-z, 0-9, '.', '_', '-'.",
                    "Use e.g. cli or linux.");
        }
        for (String scope : scopes == null ? List.<String>of() : scopes) {
            if (scope == null || !dev.openwork.host.api.devices.Scopes.isValid(scope)) {
                throw new HostClientException(Kind.INVALID_INPUT, "The scope '" + Text.safe(scope, 64) + "' is not one the "
                        + "host knows.", "List scopes separated by commas, e.g. status:read,tasks:run,runtime:shell,"
                        + "workspace:/home/me/projects.");
            }
        }
    }

    private String base64Url(int bytes) {
        byte[] raw = new byte[bytes];
        random.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }
}
