package dev.openwork.host.transport.tls.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.openwork.host.api.health.HealthCheckResult;
import dev.openwork.host.api.health.HealthStatus;
import dev.openwork.host.api.identity.LanEndpoint;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.Test;

public class TlsHealthCheckTest {

    private static final String SPKI = "0123456789abcdef".repeat(4);
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final Instant VALID = NOW.plus(Duration.ofDays(800));
    private static final TlsStatus.Endpoint LISTENING = new TlsStatus.Endpoint(
            new LanEndpoint("192.168.1.20", 4748), TlsConnectorFactory.State.LISTENING, null);

    private static TlsStatus status(Instant notAfter, boolean enabled, List<TlsStatus.Endpoint> endpoints,
            List<Problem> problems) {
        return new TlsStatus(null, SPKI, "testhost.local", notAfter, enabled, endpoints, problems);
    }

    @Test
    public void okNamesTheFingerprintAndTheEndpoints() {
        HealthCheckResult result = TlsHealthCheck.evaluate(status(VALID, true, List.of(LISTENING), List.of()), NOW);
        assertEquals(HealthStatus.OK, result.status());
        assertEquals("tls", result.name());
        assertTrue(result.cause(), result.cause().contains("192.168.1.20:4748"));
        assertTrue(result.cause(), result.cause().contains(SPKI.substring(0, 16)));
        assertEquals(SPKI, result.details().get("spkiSha256"));
        assertEquals("testhost.local", result.details().get("hostName"));
        assertEquals(List.of("192.168.1.20:4748"), result.details().get("endpoints"));
        assertEquals(VALID.toString(), result.details().get("certificateNotAfter"));
    }

    @Test
    public void noLanAddressIsAWarning() {
        HealthCheckResult result = TlsHealthCheck.evaluate(status(VALID, true, List.of(), List.of()), NOW);
        assertEquals(HealthStatus.WARNING, result.status());
        assertEquals("no LAN address: clients cannot reach the host over the network", result.cause());
        assertTrue(result.action().contains("etc/dev.openwork.host.transport.tls.cfg"));
    }

    @Test
    public void anExpiredCertificateIsCritical() {
        HealthCheckResult result = TlsHealthCheck.evaluate(status(NOW.minusSeconds(1), true, List.of(LISTENING),
                List.of()), NOW);
        assertEquals(HealthStatus.CRITICAL, result.status());
    }

    @Test
    public void anUnreadableKeyIsCriticalAndShowsNoKeyMaterial() {
        HealthCheckResult result = TlsHealthCheck.evaluate(
                TlsStatus.unreadableKey("data/identity/host-key.pem is not a usable P-256 private key.", "h.local"), NOW);
        assertEquals(HealthStatus.CRITICAL, result.status());
        assertTrue(result.action().contains("pair again"));
        assertFalse(result.details().containsKey("spkiSha256"));
    }

    @Test
    public void aDisabledListenerIsAWarning() {
        HealthCheckResult result = TlsHealthCheck.evaluate(status(VALID, false, List.of(), List.of()), NOW);
        assertEquals(HealthStatus.WARNING, result.status());
        assertTrue(result.action().contains("enabled=true"));
    }

    @Test
    public void aConnectorThatCannotBindIsAWarningNamingTheCause() {
        TlsStatus.Endpoint failed = new TlsStatus.Endpoint(new LanEndpoint("10.0.0.7", 4748),
                TlsConnectorFactory.State.FAILED, "BindException: Address already in use");
        HealthCheckResult result = TlsHealthCheck.evaluate(status(VALID, true, List.of(LISTENING, failed), List.of()), NOW);
        assertEquals(HealthStatus.WARNING, result.status());
        assertTrue(result.cause(), result.cause().contains("10.0.0.7:4748 (BindException: Address already in use)"));
        assertEquals(List.of("192.168.1.20:4748"), result.details().get("endpoints"));
    }
}
