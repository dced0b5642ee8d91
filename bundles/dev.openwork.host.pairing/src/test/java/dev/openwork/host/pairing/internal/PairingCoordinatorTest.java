package dev.openwork.host.pairing.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.openwork.host.api.devices.Device;
import dev.openwork.host.api.devices.DeviceRegistry;
import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostException;
import dev.openwork.host.api.pairing.PairingCaps;
import dev.openwork.host.api.pairing.PairingConfirmRequest;
import dev.openwork.host.api.pairing.PairingConfirmResponse;
import dev.openwork.host.api.pairing.PairingResult;
import dev.openwork.host.api.pairing.PairingStartRequest;
import dev.openwork.host.api.pairing.PairingStartResponse;
import dev.openwork.host.api.pairing.PakeRound1;
import dev.openwork.host.api.pairing.SchnorrProof;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class PairingCoordinatorTest {

    private static final String SPKI = "ab".repeat(32);
    private static final String OTHER_SPKI = "cd".repeat(32);

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private final List<DeviceRegistry.Registration> registered = new ArrayList<>();
    private MutableClock clock;
    private Path failuresFile;
    private PairingCoordinator coordinator;

    @Before
    public void createCoordinator() throws Exception {
        clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
        failuresFile = folder.getRoot().toPath().resolve("pairing/failures");
        coordinator = newCoordinator();
    }

    private PairingCoordinator newCoordinator() {
        return new PairingCoordinator(new FakeHost(), new FakeRegistry(), new LifetimeFailures(failuresFile), clock,
                new SecureRandom());
    }

    private String openWindow() {
        return coordinator.open(Duration.ofMinutes(5), Set.of(), null).code();
    }

    @Test
    public void theRightCodeWithTheRightKeyPairsAfterApproval() throws Exception {
        String code = openWindow();
        PakeTestClient client = new PakeTestClient(code, "Anna's phone");
        PairingStartResponse start = coordinator.start(client.startRequest, "192.0.2.7");
        assertEquals("host-1234", start.hostId());
        PairingConfirmResponse confirmed = coordinator.confirm(client.confirm(start, SPKI));
        assertEquals(client.expectedHostMac(), confirmed.hostMac());
        assertEquals(PairingResult.PENDING, confirmed.status());
        assertTrue("a window serves one pairing", coordinator.window().isEmpty());

        assertEquals(1, coordinator.pending().size());
        assertEquals("Anna's phone", coordinator.pending().get(0).deviceName());
        PairingResult waiting = coordinator.result(start.pairingId(), client.resultProof(start.pairingId()), Duration.ZERO);
        assertEquals(PairingResult.PENDING, waiting.status());
        assertNull(waiting.credential());

        CompletableFuture<PairingResult> longPoll = CompletableFuture.supplyAsync(
                () -> coordinator.result(start.pairingId(), client.resultProof(start.pairingId()), Duration.ofSeconds(20)));
        coordinator.approve(start.pairingId(), Set.of());
        PairingResult approved = longPoll.get(10, TimeUnit.SECONDS);
        assertEquals(PairingResult.APPROVED, approved.status());
        assertEquals("credential-0", approved.credential());
        assertEquals(SPKI, approved.hostSpkiSha256());
        assertEquals(Set.of("status:read", "tasks:run"), Set.copyOf(approved.scopes()));
        PairingResult again = coordinator.result(start.pairingId(), client.resultProof(start.pairingId()), Duration.ZERO);
        assertNull("the credential is handed out once", again.credential());
        assertTrue(coordinator.pending().isEmpty());
        assertEquals(0, coordinator.caps().failuresLifetime());
    }

    @Test
    public void everyWayAWindowOpensOrClosesIsTold() throws Exception {
        List<String> changes = new java.util.ArrayList<>();
        coordinator.onWindowChange((open, closesAt) -> changes.add(open ? "open " + closesAt : "closed"));
        openWindow();
        assertEquals(List.of("open 2026-11-25T10:05:00Z"), changes);
        coordinator.close();
        coordinator.close();
        assertEquals("closing a closed window is not news", List.of("open 2026-11-25T10:05:00Z", "closed"), changes);

        openWindow();
        clock.advance(Duration.ofMinutes(5));
        assertTrue(coordinator.window().isEmpty());
        assertEquals("closed", changes.get(changes.size() - 1));

        String code = openWindow();
        PakeTestClient client = new PakeTestClient(code, "phone");
        PairingStartResponse start = coordinator.start(client.startRequest, "192.0.2.7");
        coordinator.confirm(client.confirm(start, SPKI));
        assertEquals("a pairing closes the window", "closed", changes.get(changes.size() - 1));
        assertEquals(6, changes.size());
    }

    @Test
    public void aWrongCodeFailsCountsAndReplacesTheCode() throws Exception {
        String code = openWindow();
        PakeTestClient client = new PakeTestClient(otherCode(code), "phone");
        PairingStartResponse start = coordinator.start(client.startRequest, "192.0.2.7");
        assertRefused(ErrorCode.INVALID_REQUEST, () -> coordinator.confirm(client.confirm(start, SPKI)));
        assertEquals(1, coordinator.caps().failuresLifetime());
        assertEquals(1, coordinator.caps().failuresThisWindow());
        String newCode = coordinator.window().orElseThrow().code();
        assertNotEquals(code, newCode);
        assertTrue(registered.isEmpty());
    }

    @Test
    public void anInterceptingProxyWithAnotherKeyFailsOnBothSides() throws Exception {
        String code = openWindow();
        PakeTestClient client = new PakeTestClient(code, "phone");
        PairingStartResponse start = coordinator.start(client.startRequest, "192.0.2.7");
        // the client saw the proxy's key in TLS, so its transcript differs from the host's
        assertRefused(ErrorCode.INVALID_REQUEST, () -> coordinator.confirm(client.confirm(start, OTHER_SPKI)));
        assertEquals(1, coordinator.caps().failuresLifetime());
        assertTrue(registered.isEmpty());
    }

    @Test
    public void aSecondPairingWhileOneIsUnderWayIsAConflict() throws Exception {
        String code = openWindow();
        coordinator.start(new PakeTestClient(code, "first").startRequest, "192.0.2.7");
        assertRefused(ErrorCode.CONFLICT, () -> coordinator.start(new PakeTestClient(code, "second").startRequest, "192.0.2.8"));
        clock.advance(PairingCoordinator.ATTEMPT_TIMEOUT.plusSeconds(1));
        assertNotNull(coordinator.start(new PakeTestClient(code, "third").startRequest, "192.0.2.8"));
    }

    @Test
    public void noWindowMeansNoPairingAndWindowsExpire() {
        assertRefused(ErrorCode.FORBIDDEN, () -> coordinator.start(new PakeTestClient("31415926", "x").startRequest, "a"));
        coordinator.open(Duration.ofMinutes(1), Set.of(), null);
        clock.advance(Duration.ofSeconds(61));
        assertTrue(coordinator.window().isEmpty());
        assertRefused(ErrorCode.INVALID_REQUEST, () -> coordinator.open(Duration.ofMinutes(6), Set.of(), null));
    }

    @Test
    public void tenFailuresCloseTheWindowAndTheLifetimeCapSurvivesARestart() throws Exception {
        for (int round = 0; round < 10; round++) {
            if (coordinator.window().isEmpty()) {
                openWindow();
            }
            for (int i = 0; i < PairingCaps.MAX_PER_WINDOW; i++) {
                String code = coordinator.window().orElseThrow().code();
                PakeTestClient client = new PakeTestClient(otherCode(code), "attacker");
                PairingStartResponse start = coordinator.start(client.startRequest, "198.51.100.1");
                assertRefused(ErrorCode.INVALID_REQUEST, () -> coordinator.confirm(client.confirm(start, SPKI)));
            }
            assertTrue("the window closes at 10 failures", coordinator.window().isEmpty());
        }
        assertEquals(100, coordinator.caps().failuresLifetime());
        assertTrue(coordinator.caps().lifetimeExhausted());
        PairingCoordinator restarted = newCoordinator();
        assertTrue("persisted across a restart", restarted.caps().lifetimeExhausted());
        assertRefused(ErrorCode.FORBIDDEN, () -> restarted.open(Duration.ofMinutes(5), Set.of(), null));
        restarted.resetCaps();
        assertFalse(newCoordinator().caps().lifetimeExhausted());
    }

    @Test
    public void aWindowWithScopesPreApproves() throws Exception {
        String code = coordinator.open(Duration.ofMinutes(5), Set.of("status:read"), "kitchen tablet").code();
        PakeTestClient client = new PakeTestClient(code, "kitchen tablet");
        PairingStartResponse start = coordinator.start(client.startRequest, "192.0.2.9");
        assertEquals(PairingResult.APPROVED, coordinator.confirm(client.confirm(start, SPKI)).status());
        PairingResult result = coordinator.result(start.pairingId(), client.resultProof(start.pairingId()), Duration.ZERO);
        assertEquals(List.of("status:read"), result.scopes());
        assertNotNull(result.credential());
    }

    @Test
    public void deniedAndExpiredAttemptsGetNoCredential() throws Exception {
        String code = openWindow();
        PakeTestClient client = new PakeTestClient(code, "phone");
        PairingStartResponse start = coordinator.start(client.startRequest, "192.0.2.7");
        coordinator.confirm(client.confirm(start, SPKI));
        coordinator.deny(start.pairingId());
        assertEquals(PairingResult.DENIED,
                coordinator.result(start.pairingId(), client.resultProof(start.pairingId()), Duration.ZERO).status());

        String code2 = openWindow();
        PakeTestClient late = new PakeTestClient(code2, "late");
        PairingStartResponse start2 = coordinator.start(late.startRequest, "192.0.2.7");
        coordinator.confirm(late.confirm(start2, SPKI));
        clock.advance(PairingCoordinator.APPROVAL_TIMEOUT.plusSeconds(1));
        assertEquals(PairingResult.EXPIRED,
                coordinator.result(start2.pairingId(), late.resultProof(start2.pairingId()), Duration.ZERO).status());
        assertRefused(ErrorCode.NOT_FOUND, () -> { coordinator.approve(start2.pairingId(), Set.of()); return null; });
        assertTrue(registered.isEmpty());
    }

    @Test
    public void theResultNeedsTheProof() throws Exception {
        String code = openWindow();
        PakeTestClient client = new PakeTestClient(code, "phone");
        PairingStartResponse start = coordinator.start(client.startRequest, "192.0.2.7");
        coordinator.confirm(client.confirm(start, SPKI));
        assertRefused(ErrorCode.NOT_FOUND, () -> coordinator.result(start.pairingId(), "00".repeat(32), Duration.ZERO));
        assertRefused(ErrorCode.NOT_FOUND, () -> coordinator.result(start.pairingId(), null, Duration.ZERO));
    }

    @Test
    public void malformedPakeMessagesAreRefusedAndCounted() {
        String code = openWindow();
        PairingStartRequest good = new PakeTestClient(code, "phone").startRequest;
        PakeRound1 r = good.round1();
        List<PakeRound1> bad = List.of(
                new PakeRound1(r.participantId(), "not base64!", r.gx2(), r.zkpX1(), r.zkpX2()),
                new PakeRound1(r.participantId(), r.gx1(), "AAAA", r.zkpX1(), r.zkpX2()),
                new PakeRound1(r.participantId(), r.gx1(), r.gx2(), new SchnorrProof(r.zkpX1().v(), "zz"), r.zkpX2()),
                new PakeRound1(r.participantId(), r.gx1(), r.gx2(), new SchnorrProof(r.zkpX1().v(), "f".repeat(65)), r.zkpX2()),
                new PakeRound1(r.participantId(), r.gx1(), r.gx2(), null, r.zkpX2()),
                new PakeRound1("client:someone-else", r.gx1(), r.gx2(), r.zkpX1(), r.zkpX2()),
                new PakeRound1(r.participantId(), r.gx2(), r.gx1(), r.zkpX1(), r.zkpX2()));
        int failures = 0;
        for (PakeRound1 round1 : bad) {
            PairingStartRequest request = new PairingStartRequest(good.clientId(), good.deviceName(), good.platform(),
                    good.requestedScopes(), good.clientKey(), round1);
            assertRefused(ErrorCode.INVALID_REQUEST, () -> coordinator.start(request, "a"));
            failures++;
            assertEquals(failures, coordinator.caps().failuresLifetime());
        }
        PairingStartRequest badName = new PairingStartRequest(good.clientId(), "", good.platform(), good.requestedScopes(),
                good.clientKey(), r);
        assertRefused(ErrorCode.INVALID_REQUEST, () -> coordinator.start(badName, "a"));
        PairingStartRequest badScope = new PairingStartRequest(good.clientId(), "x", good.platform(), List.of("root"),
                good.clientKey(), r);
        assertRefused(ErrorCode.INVALID_REQUEST, () -> coordinator.start(badScope, "a"));
        assertRefused(ErrorCode.NOT_FOUND, () -> coordinator.confirm(new PairingConfirmRequest("pair_x", null, "00")));
    }

    private static String otherCode(String code) {
        char last = code.charAt(7);
        return code.substring(0, 7) + (char) ('0' + (last - '0' + 1) % 10);
    }

    private interface Call {
        Object run() throws Exception;
    }

    private static void assertRefused(ErrorCode expected, Call call) {
        try {
            call.run();
            fail("expected " + expected);
        } catch (HostException e) {
            assertEquals(e.getMessage(), expected, e.code());
            assertNotNull(e.action());
        } catch (Exception e) {
            throw new AssertionError("expected a HostException " + expected + ", got " + e, e);
        }
    }

    private static final class FakeHost implements PairingCoordinator.HostFacts {
        @Override
        public String hostId() {
            return "host-1234";
        }

        @Override
        public String hostName() {
            return "test.local";
        }

        @Override
        public String spkiSha256() {
            return SPKI;
        }

        @Override
        public List<String> authorities() {
            return List.of("192.0.2.1:4748");
        }
    }

    private final class FakeRegistry implements DeviceRegistry {
        @Override
        public List<Device> list() {
            return registered.stream().map(Registration::device).toList();
        }

        @Override
        public Optional<Device> find(String deviceId) {
            return list().stream().filter(d -> d.id().equals(deviceId)).findFirst();
        }

        @Override
        public Registration register(String name, String platform, Set<String> scopes) {
            Device device = new Device("dev_" + registered.size(), name, platform, scopes, Instant.now(), null, null);
            Registration registration = new Registration(device, "credential-" + registered.size());
            registered.add(registration);
            return registration;
        }

        @Override
        public Optional<Device> authenticate(String credential, String remoteAddress) {
            return Optional.empty();
        }

        @Override
        public boolean revoke(String deviceId) {
            return false;
        }

        @Override
        public Device setScopes(String deviceId, Set<String> scopes) {
            throw new UnsupportedOperationException("not needed by these tests");
        }
    }

    private static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    public void everyStepIsReportedWithoutTheCode() throws Exception {
        List<String> steps = new ArrayList<>();
        coordinator = new PairingCoordinator(new FakeHost(), new FakeRegistry(), new LifetimeFailures(failuresFile), clock,
                new SecureRandom(), (topic, properties) -> steps.add(topic.substring(topic.lastIndexOf('/') + 1)
                        + (properties.containsKey("outcome") ? ":" + properties.get("outcome") : "")
                        + (properties.containsKey("cause") ? "(" + properties.get("cause") + ")" : "")));
        String code = openWindow();
        PakeTestClient wrong = new PakeTestClient(otherCode(code), "phone");
        PairingStartResponse failing = coordinator.start(wrong.startRequest, "192.0.2.7");
        assertRefused(ErrorCode.INVALID_REQUEST, () -> coordinator.confirm(wrong.confirm(failing, SPKI)));
        String newCode = coordinator.window().orElseThrow().code();
        PakeTestClient right = new PakeTestClient(newCode, "phone");
        PairingStartResponse start = coordinator.start(right.startRequest, "192.0.2.7");
        coordinator.confirm(right.confirm(start, SPKI));
        coordinator.approve(start.pairingId(), Set.of());
        assertRefused(ErrorCode.FORBIDDEN, () -> coordinator.start(right.startRequest, "192.0.2.7"));
        assertEquals(List.of("WINDOW_OPENED", "ATTEMPT:started", "ATTEMPT:failed(wrong code or intercepted)",
                "ATTEMPT:started", "ATTEMPT:confirmed", "ATTEMPT:approved", "ATTEMPT:refused(no window open)"), steps);
        assertTrue(steps.stream().noneMatch(s -> s.contains(code) || s.contains(newCode)));
    }

    @Test
    public void theHealthCheckOffersTheActionThatHelps() {
        assertEquals(List.of(PairingActions.OPEN_WINDOW),
                PairingHealthCheck.evaluate(coordinator.caps(), coordinator.window(), coordinator.pending()).actions());
        openWindow();
        var open = PairingHealthCheck.evaluate(coordinator.caps(), coordinator.window(), coordinator.pending());
        assertEquals(dev.openwork.host.api.health.HealthStatus.OK, open.status());
        assertTrue(open.cause(), open.cause().contains("window is open"));
        var warning = PairingHealthCheck.evaluate(new dev.openwork.host.api.pairing.PairingCaps(0, 60), Optional.empty(), List.of());
        assertEquals(dev.openwork.host.api.health.HealthStatus.WARNING, warning.status());
        assertEquals(List.of(PairingActions.RESET_CAPS), warning.actions());
        var locked = PairingHealthCheck.evaluate(new dev.openwork.host.api.pairing.PairingCaps(0, 100), Optional.empty(), List.of());
        assertEquals(dev.openwork.host.api.health.HealthStatus.CRITICAL, locked.status());
        assertEquals(List.of(PairingActions.RESET_CAPS), locked.actions());
    }
}
