package dev.openwork.host.pairing.internal;

import dev.openwork.host.api.devices.DeviceRegistry;
import dev.openwork.host.api.devices.Scopes;
import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostException;
import dev.openwork.host.api.pairing.PairingCaps;
import dev.openwork.host.api.pairing.PairingConfirmRequest;
import dev.openwork.host.api.pairing.PairingConfirmResponse;
import dev.openwork.host.api.pairing.PairingProtocol;
import dev.openwork.host.api.pairing.PairingResult;
import dev.openwork.host.api.pairing.PairingStartRequest;
import dev.openwork.host.api.pairing.PairingStartResponse;
import dev.openwork.host.api.pairing.PairingWindow;
import dev.openwork.host.api.pairing.PakeRound1;
import dev.openwork.host.api.pairing.PakeRound2;
import dev.openwork.host.api.pairing.PendingPairing;
import dev.openwork.host.pairing.internal.PakeCodec.BadPakeMessage;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKECurves;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKEParticipant;
import org.bouncycastle.crypto.digests.SHA256Digest;

/**
 * The host side of pairing: one window, one attempt at a time, global failure caps, approval.
 * All state is guarded by this object's monitor; waiting for a result happens outside it.
 */
final class PairingCoordinator {

    /** What the coordinator needs to know about the host, read at each use (the key may be reissued). */
    interface HostFacts {
        String hostId();

        String hostName();

        String spkiSha256();

        /** {@code addr:port} clients can connect to, best first; empty when none. */
        List<String> authorities();
    }

    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(60);
    static final Duration APPROVAL_TIMEOUT = Duration.ofMinutes(10);
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9_-]{8,64}");
    private static final Pattern PLATFORM = Pattern.compile("[a-z0-9._-]{1,32}");
    private static final int MAX_PENDING = 16;

    private final HostFacts host;
    private final DeviceRegistry devices;
    private final LifetimeFailures lifetimeFailures;
    private final Clock clock;
    private final SecureRandom random;
    private final PairingCodes codes;
    private final PakeCodec codec = new PakeCodec(ECJPAKECurves.NIST_P256);
    private volatile WindowListener windowListener = (open, closesAt) -> { };
    private final PairingEvents events;

    private OpenWindow window;
    private Attempt attempt;
    private final List<Confirmed> confirmed = new ArrayList<>();

    PairingCoordinator(HostFacts host, DeviceRegistry devices, LifetimeFailures lifetimeFailures, Clock clock,
            SecureRandom random) {
        this(host, devices, lifetimeFailures, clock, random, PairingEvents.NONE);
    }

    PairingCoordinator(HostFacts host, DeviceRegistry devices, LifetimeFailures lifetimeFailures, Clock clock,
            SecureRandom random, PairingEvents events) {
        this.events = events;
        this.host = host;
        this.devices = devices;
        this.lifetimeFailures = lifetimeFailures;
        this.clock = clock;
        this.random = random;
        this.codes = new PairingCodes(random);
    }

    /** Told whenever the window opens or closes, for whatever reason; called under the coordinator's lock. */
    interface WindowListener {
        /** @param closesAt when the window closes at the latest, or {@code null} when it closed */
        void windowChanged(boolean open, Instant closesAt);
    }

    void onWindowChange(WindowListener listener) {
        this.windowListener = listener;
    }

    private void closeWindow() {
        if (window != null) {
            window = null;
            windowListener.windowChanged(false, null);
        }
    }

    private static final class OpenWindow {
        String code;
        final Instant openedAt;
        final Instant closesAt;
        final Set<String> preApprovedScopes;
        final String nameHint;
        int failures;

        OpenWindow(String code, Instant openedAt, Instant closesAt, Set<String> preApprovedScopes, String nameHint) {
            this.code = code;
            this.openedAt = openedAt;
            this.closesAt = closesAt;
            this.preApprovedScopes = preApprovedScopes;
            this.nameHint = nameHint;
        }
    }

    private record Attempt(String pairingId, PairingStartRequest request, ECJPAKEParticipant participant,
            PakeRound1 hostRound1, PakeRound2 hostRound2, Instant startedAt, String address) {
    }

    private static final class Confirmed {
        final String pairingId;
        final PairingStartRequest request;
        final String address;
        final Instant since;
        final byte[] macKey;
        final CompletableFuture<PairingResult> decision = new CompletableFuture<>();
        boolean credentialDelivered;

        Confirmed(String pairingId, PairingStartRequest request, String address, Instant since, byte[] macKey) {
            this.pairingId = pairingId;
            this.request = request;
            this.address = address;
            this.since = since;
            this.macKey = macKey;
        }
    }

    // ---- window -------------------------------------------------------------------------------

    synchronized PairingWindow open(Duration duration, Set<String> preApprovedScopes, String nameHint) {
        if (duration == null || duration.isNegative() || duration.isZero()
                || duration.compareTo(dev.openwork.host.api.pairing.PairingService.MAX_WINDOW) > 0) {
            throw new HostException(ErrorCode.INVALID_REQUEST, "A pairing window lasts from 1 second to 5 minutes.",
                    "Open it with a duration of at most 5 minutes.");
        }
        Set<String> scopes = validScopes(preApprovedScopes == null ? Set.of() : preApprovedScopes);
        if (lifetimeFailures.count() >= PairingCaps.MAX_LIFETIME) {
            throw capsExhausted();
        }
        Instant now = clock.instant();
        String hint = nameHint == null || nameHint.isBlank() ? null : nameHint.strip();
        window = new OpenWindow(codes.next(), now, now.plus(duration), Set.copyOf(scopes), hint);
        attempt = null;
        windowListener.windowChanged(true, window.closesAt);
        events.windowOpened();
        return describe(window);
    }

    synchronized Optional<PairingWindow> window() {
        return Optional.ofNullable(liveWindow()).map(this::describe);
    }

    synchronized void close() {
        closeWindow();
        attempt = null;
    }

    private OpenWindow liveWindow() {
        if (window != null && !clock.instant().isBefore(window.closesAt)) {
            closeWindow();
            attempt = null;
        }
        return window;
    }

    private PairingWindow describe(OpenWindow w) {
        List<String> authorities = host.authorities();
        String link = authorities.isEmpty() ? null
                : "openwork-host://" + authorities.get(0) + "?fp=" + host.spkiSha256() + "&code=" + w.code;
        return new PairingWindow(w.code, w.openedAt, w.closesAt, w.preApprovedScopes, w.nameHint, link, w.failures);
    }

    // ---- round trip 1 -------------------------------------------------------------------------

    synchronized PairingStartResponse start(PairingStartRequest request, String address) {
        OpenWindow current = liveWindow();
        if (current == null) {
            events.attempt("refused", "no window open");
            throw new HostException(ErrorCode.FORBIDDEN, "No pairing window is open on the host.",
                    "Ask the host's admin to open one (pairing:open on the host console), then try again.");
        }
        if (lifetimeFailures.count() >= PairingCaps.MAX_LIFETIME) {
            events.attempt("refused", "locked");
            throw capsExhausted();
        }
        if (attempt != null && clock.instant().isBefore(attempt.startedAt().plus(ATTEMPT_TIMEOUT))) {
            events.attempt("refused", "busy");
            throw new HostException(ErrorCode.CONFLICT, "Another device is pairing with the host right now.",
                    "Wait a minute and try again.");
        }
        validate(request);
        String hostId = host.hostId();
        String pairingId = "pair_" + HexFormat.of().formatHex(randomBytes(12));
        ECJPAKEParticipant participant = new ECJPAKEParticipant(PairingProtocol.HOST_PARTICIPANT_PREFIX + hostId,
                current.code.toCharArray(), ECJPAKECurves.NIST_P256, new SHA256Digest(), random);
        try {
            var clientRound1 = codec.decode(request.round1());
            if (!clientRound1.getParticipantId().equals(PairingProtocol.CLIENT_PARTICIPANT_PREFIX + request.clientId())) {
                throw new BadPakeMessage("round1.participantId must be client:<clientId>");
            }
            PakeRound1 hostRound1 = PakeCodec.encode(participant.createRound1PayloadToSend());
            participant.validateRound1PayloadReceived(clientRound1);
            PakeRound2 hostRound2 = PakeCodec.encode(participant.createRound2PayloadToSend());
            attempt = new Attempt(pairingId, request, participant, hostRound1, hostRound2, clock.instant(), address);
            events.attempt("started", null);
            return new PairingStartResponse(pairingId, hostId, host.hostName(), hostRound1, hostRound2);
        } catch (BadPakeMessage | CryptoException | IllegalArgumentException | IllegalStateException e) {
            fail(current, "bad message");
            throw new HostException(ErrorCode.INVALID_REQUEST, "The pairing message was not valid: " + reason(e) + ".",
                    "Update the OpenWork app or owctl; the host shows a new code, start again with it.");
        }
    }

    // ---- round trip 2 -------------------------------------------------------------------------

    PairingConfirmResponse confirm(PairingConfirmRequest request) {
        Confirmed done;
        String hostMac;
        synchronized (this) {
            OpenWindow current = liveWindow();
            if (request == null || request.pairingId() == null || attempt == null || current == null
                    || !attempt.pairingId().equals(request.pairingId())) {
                throw new HostException(ErrorCode.NOT_FOUND, "This pairing attempt is unknown or has expired.",
                        "Start pairing again while the host's pairing window is open.");
            }
            Attempt a = attempt;
            attempt = null; // one confirmation per attempt, right or wrong
            byte[] macKey;
            try {
                var clientRound2 = codec.decode(request.round2());
                a.participant().validateRound2PayloadReceived(clientRound2);
                macKey = PairingTranscript.macKey(a.participant().calculateKeyingMaterial());
            } catch (BadPakeMessage | CryptoException | IllegalArgumentException | IllegalStateException e) {
                fail(current, "bad message");
                throw new HostException(ErrorCode.INVALID_REQUEST, "The pairing message was not valid: " + reason(e) + ".",
                        "The host shows a new code: start again with it.");
            }
            byte[] transcript = PairingTranscript.of(a.pairingId(), host.hostId(), a.request(), a.hostRound1(),
                    a.hostRound2(), request.round2(), host.spkiSha256());
            String expected = PairingTranscript.confirmation(macKey, PairingProtocol.CLIENT_LABEL, transcript);
            if (!PairingTranscript.sameMac(expected, request.clientMac())) {
                fail(current, "wrong code or intercepted");
                throw new HostException(ErrorCode.INVALID_REQUEST,
                        "Pairing failed: the code was wrong, or something between you and the host intercepts the connection.",
                        "Check the code the host shows now (it changed) and try again; if it fails with the right code, "
                                + "connect on a network you trust.");
            }
            hostMac = PairingTranscript.confirmation(macKey, PairingProtocol.HOST_LABEL, transcript);
            done = new Confirmed(a.pairingId(), a.request(), a.address(), clock.instant(), macKey);
            Set<String> preApproved = current.preApprovedScopes;
            closeWindow(); // a window serves one successful pairing
            confirmed.removeIf(c -> c.decision.isDone() && c.credentialDelivered);
            if (confirmed.size() >= MAX_PENDING) {
                Confirmed oldest = confirmed.remove(0);
                oldest.decision.complete(outcome(oldest, PairingResult.EXPIRED, null, null, List.of()));
            }
            confirmed.add(done);
            events.attempt("confirmed", null);
            if (!preApproved.isEmpty()) {
                approveLocked(done, preApproved);
            }
        }
        String status = done.decision.isDone() ? PairingResult.APPROVED : PairingResult.PENDING;
        return new PairingConfirmResponse(done.pairingId, hostMac, status);
    }

    // ---- result and approval ------------------------------------------------------------------

    PairingResult result(String pairingId, String proof, Duration wait) {
        Confirmed c;
        synchronized (this) {
            c = find(pairingId);
            if (c == null || !PairingTranscript.sameMac(PairingTranscript.resultProof(c.macKey, c.pairingId), proof)) {
                throw new HostException(ErrorCode.NOT_FOUND, "No confirmed pairing with this id and proof.",
                        "Start pairing again.");
            }
            expireIfStale(c);
        }
        long waitMillis = Math.max(0, Math.min(wait.toMillis(), PairingProtocol.MAX_RESULT_WAIT_SECONDS * 1000L));
        PairingResult decided = await(c.decision, waitMillis);
        synchronized (this) {
            if (decided == null) {
                return outcome(c, PairingResult.PENDING, null, null, List.of());
            }
            if (PairingResult.APPROVED.equals(decided.status()) && c.credentialDelivered) {
                return new PairingResult(decided.pairingId(), decided.status(), decided.deviceId(), null, decided.scopes(),
                        decided.hostSpkiSha256());
            }
            c.credentialDelivered = true;
            return decided;
        }
    }

    private static PairingResult await(CompletableFuture<PairingResult> decision, long millis) {
        try {
            return decision.get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    synchronized List<PendingPairing> pending() {
        List<PendingPairing> list = new ArrayList<>();
        for (Confirmed c : confirmed) {
            expireIfStale(c);
            if (!c.decision.isDone()) {
                list.add(new PendingPairing(c.pairingId, c.request.deviceName(), c.request.platform(),
                        List.copyOf(c.request.requestedScopes()), c.address, c.since));
            }
        }
        return list;
    }

    synchronized void approve(String pairingId, Set<String> scopes) {
        Confirmed c = pendingOrThrow(pairingId);
        Set<String> granted = scopes == null || scopes.isEmpty() ? new LinkedHashSet<>(c.request.requestedScopes()) : scopes;
        if (granted.isEmpty()) {
            granted = Scopes.DEFAULT_DEVICE;
        }
        approveLocked(c, validScopes(granted));
    }

    synchronized void deny(String pairingId) {
        Confirmed c = pendingOrThrow(pairingId);
        c.decision.complete(outcome(c, PairingResult.DENIED, null, null, List.of()));
        events.attempt("denied", null);
    }

    private void approveLocked(Confirmed c, Set<String> scopes) {
        DeviceRegistry.Registration registration = devices.register(c.request.deviceName(), c.request.platform(), scopes);
        c.decision.complete(outcome(c, PairingResult.APPROVED, registration.device().id(), registration.credential(),
                List.copyOf(registration.device().scopes())));
        events.attempt("approved", null);
    }

    private Confirmed pendingOrThrow(String pairingId) {
        Confirmed c = find(pairingId);
        if (c != null) {
            expireIfStale(c);
        }
        if (c == null || c.decision.isDone()) {
            throw new HostException(ErrorCode.NOT_FOUND, "No device waits for approval under " + pairingId + ".",
                    "List waiting devices with pairing:pending.");
        }
        return c;
    }

    private Confirmed find(String pairingId) {
        for (Confirmed c : confirmed) {
            if (c.pairingId.equals(pairingId)) {
                return c;
            }
        }
        return null;
    }

    private void expireIfStale(Confirmed c) {
        if (!c.decision.isDone() && !clock.instant().isBefore(c.since.plus(APPROVAL_TIMEOUT))) {
            c.decision.complete(outcome(c, PairingResult.EXPIRED, null, null, List.of()));
            events.attempt("expired", null);
        }
    }

    private PairingResult outcome(Confirmed c, String status, String deviceId, String credential, List<String> scopes) {
        return new PairingResult(c.pairingId, status, deviceId, credential, scopes, host.spkiSha256());
    }

    // ---- caps ---------------------------------------------------------------------------------

    synchronized PairingCaps caps() {
        OpenWindow current = liveWindow();
        return new PairingCaps(current == null ? 0 : current.failures, lifetimeFailures.count());
    }

    synchronized void resetCaps() {
        lifetimeFailures.reset();
    }

    /** A failed attempt: count it everywhere, replace the code, close the window at its cap. */
    private void fail(OpenWindow current, String cause) {
        events.attempt("failed", cause);
        attempt = null;
        current.failures++;
        int lifetime = lifetimeFailures.increment();
        if (current.failures >= PairingCaps.MAX_PER_WINDOW || lifetime >= PairingCaps.MAX_LIFETIME) {
            closeWindow();
        } else {
            current.code = codes.next();
        }
    }

    private static HostException capsExhausted() {
        return new HostException(ErrorCode.FORBIDDEN,
                "Pairing is locked: too many failed attempts over the host's life (" + PairingCaps.MAX_LIFETIME + ").",
                "On the host, check who tried to pair, then reset the counter with pairing:reset.");
    }

    // ---- validation ---------------------------------------------------------------------------

    private void validate(PairingStartRequest r) {
        if (r == null) {
            throw invalid("The body is missing.");
        }
        if (r.clientId() == null || !CLIENT_ID.matcher(r.clientId()).matches()) {
            throw invalid("clientId must be 8 to 64 letters, digits, '-' or '_'.");
        }
        if (r.deviceName() == null || r.deviceName().isBlank() || r.deviceName().length() > 64
                || r.deviceName().codePoints().anyMatch(PairingCoordinator::isHiddenCharacter)) {
            throw invalid("deviceName must be 1 to 64 printable characters, without control or formatting characters.");
        }
        if (r.platform() == null || !PLATFORM.matcher(r.platform()).matches()) {
            throw invalid("platform must be 1 to 32 of a-z, 0-9, '.', '_' or '-' (e.g. ios, android, linux, cli).");
        }
        if (r.requestedScopes() == null || r.requestedScopes().size() > Scopes.MAX_SCOPES) {
            throw invalid("requestedScopes must list at most " + Scopes.MAX_SCOPES + " scopes.");
        }
        validScopes(new LinkedHashSet<>(r.requestedScopes()));
        byte[] key;
        try {
            key = r.clientKey() == null ? new byte[0] : Base64.getUrlDecoder().decode(r.clientKey());
        } catch (IllegalArgumentException e) {
            key = new byte[0];
        }
        if (key.length != 32) {
            throw invalid("clientKey must be 32 random bytes in base64url.");
        }
    }

    /** Control, line-separator and bidi-formatting characters can make one name look like another. */
    private static boolean isHiddenCharacter(int codePoint) {
        int type = Character.getType(codePoint);
        return Character.isISOControl(codePoint) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }

    private static Set<String> validScopes(Set<String> scopes) {
        for (String scope : scopes) {
            if (scope == null || !Scopes.isValid(scope)) {
                throw invalid("Unknown scope '" + printable(scope) + "'; known scopes: " + String.join(", ", new java.util.TreeSet<>(Scopes.ALL))
                        + ", runtime:<name>, runtime:*, workspace:<absolute directory>, workspace:*.");
            }
        }
        return scopes;
    }

    /** A refused value fit to echo: hidden characters replaced, at most 64 characters. */
    private static String printable(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder();
        value.codePoints().limit(64).forEach(cp -> out.appendCodePoint(isHiddenCharacter(cp) ? '?' : cp));
        return value.length() > 64 ? out + "..." : out.toString();
    }

    private static HostException invalid(String message) {
        return new HostException(ErrorCode.INVALID_REQUEST, message, "Fix the request; see docs/pairing.md.");
    }

    private static String reason(Exception e) {
        return e instanceof BadPakeMessage ? e.getMessage() : "a proof or participant id did not check out";
    }

    private byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }
}
