package dev.openwork.host.transport.tls.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import dev.openwork.host.api.health.HealthCheckResult;
import dev.openwork.host.api.health.HealthStatus;
import dev.openwork.host.api.identity.LanEndpoint;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EventListener;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.LifeCycle;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class LanTlsListenerTest {

    private static final String HOST = "testhost.local";

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private List<InterfaceSnapshot> network;
    private final List<TlsConnectorFactory> live = new ArrayList<>();
    private final List<ServerConnector> connectors = new ArrayList<>();
    private final AtomicInteger portsPicked = new AtomicInteger();
    private HostCertificates certificates;
    private LanTlsListener listener;

    private static InetAddress ip(String literal) {
        return LanAddresses.parseLiteral(literal);
    }

    private static InterfaceSnapshot nic(String name, String... addresses) {
        return new InterfaceSnapshot(name, true, false, java.util.Arrays.stream(addresses).map(LanTlsListenerTest::ip).toList());
    }

    @Before
    public void setUp() {
        Path dir = temp.getRoot().toPath();
        SecureRandom random = new SecureRandom();
        HostKey key = new HostKeyStore(dir, random).loadOrCreate();
        certificates = new HostCertificates(dir, key.keyPair(), random, Clock.systemUTC());
        network = List.of(nic("eth0", "192.168.1.20"));
        listener = new LanTlsListener(key, HOST, certificates, () -> network, this::publishLikeJetty,
                () -> 40_000 + portsPicked.incrementAndGet(), random);
    }

    /**
     * What Felix's ConnectorFactoryTracker does with a registered factory, except binding: the
     * connector is created and told it started, so the factory sees the events a real start sends.
     */
    private Runnable publishLikeJetty(TlsConnectorFactory factory) {
        ServerConnector connector = (ServerConnector) factory.createConnector(new Server());
        for (EventListener l : connector.getEventListeners()) {
            if (l instanceof LifeCycle.Listener lifeCycle) {
                lifeCycle.lifeCycleStarting(connector);
                lifeCycle.lifeCycleStarted(connector);
            }
        }
        live.add(factory);
        connectors.add(connector);
        return () -> live.remove(factory);
    }

    private Set<String> liveAuthorities() {
        Set<String> result = new HashSet<>();
        live.forEach(f -> result.add(f.endpoint().authority()));
        return result;
    }

    @Test
    public void oneConnectorPerAddressOnTheConfiguredPort() {
        network = List.of(nic("eth0", "192.168.1.20", "2001:db8::20"), nic("wlan0", "10.0.0.7"));
        listener.configure(ListenerSettings.from(Map.of()));

        assertEquals(Set.of("10.0.0.7:4748", "192.168.1.20:4748", "[2001:db8:0:0:0:0:0:20]:4748"), liveAuthorities());
        assertEquals(List.of(new LanEndpoint("10.0.0.7", 4748), new LanEndpoint("192.168.1.20", 4748),
                new LanEndpoint("2001:db8:0:0:0:0:0:20", 4748)), listener.endpoints());
        for (ServerConnector connector : connectors) {
            assertEquals(4748, connector.getPort());
            assertTrue(connector.getProtocols().contains("ssl"));
        }
    }

    @Test
    public void aNewAddressReissuesTheCertificateAndReplacesTheConnectors() throws Exception {
        listener.configure(ListenerSettings.from(Map.of()));
        X509Certificate first = certificates.current();
        TlsConnectorFactory firstFactory = live.get(0);

        listener.rescan();
        assertEquals("nothing changed, nothing replaced", List.of(firstFactory), live);

        network = List.of(nic("eth0", "192.168.1.20"), nic("wlan0", "10.0.0.7"));
        listener.rescan();

        X509Certificate second = certificates.current();
        assertNotEquals(first.getSerialNumber(), second.getSerialNumber());
        assertEquals(first.getPublicKey(), second.getPublicKey());
        assertEquals(Set.of(List.of(2, HOST), List.of(7, "192.168.1.20"), List.of(7, "10.0.0.7")),
                new HashSet<>(second.getSubjectAlternativeNames()));
        assertEquals(Set.of("10.0.0.7:4748", "192.168.1.20:4748"), liveAuthorities());
        assertTrue("the old connector is withdrawn", !live.contains(firstFactory));

        network = List.of();
        listener.rescan();
        assertEquals(List.of(), live);
        assertEquals(List.of(), listener.endpoints());
        HealthCheckResult result = TlsHealthCheck.evaluate(listener.status(), Instant.now());
        assertEquals(HealthStatus.WARNING, result.status());
        assertEquals(TlsHealthCheck.NO_LAN_ADDRESS, result.cause());
    }

    @Test
    public void portZeroPicksOnePortForEveryAddressOncePerActivation() {
        network = List.of(nic("eth0", "192.168.1.20", "192.168.1.21"));
        listener.configure(ListenerSettings.from(Map.of("port", 0)));
        assertEquals(Set.of("192.168.1.20:40001", "192.168.1.21:40001"), liveAuthorities());

        network = List.of(nic("eth0", "192.168.1.20"));
        listener.rescan();
        listener.configure(ListenerSettings.from(Map.of("port", 0, "rescanSeconds", 5)));
        assertEquals(Set.of("192.168.1.20:40001"), liveAuthorities());
        assertEquals(1, portsPicked.get());
    }

    @Test
    public void configurationChangesApplyLive() {
        listener.configure(ListenerSettings.from(Map.of()));
        listener.configure(ListenerSettings.from(Map.of("port", 4800)));
        assertEquals(Set.of("192.168.1.20:4800"), liveAuthorities());

        listener.configure(ListenerSettings.from(Map.of("enabled", false)));
        assertEquals(Set.of(), liveAuthorities());
        assertEquals(HealthStatus.WARNING, TlsHealthCheck.evaluate(listener.status(), Instant.now()).status());

        listener.configure(ListenerSettings.from(Map.of("addresses", "127.0.0.1")));
        assertEquals(Set.of(), liveAuthorities()); // lo is not in this test's network
        network = List.of(new InterfaceSnapshot("lo", true, true, List.of(ip("127.0.0.1"))));
        listener.rescan();
        assertEquals(Set.of("127.0.0.1:4748"), liveAuthorities());
        assertEquals(HealthStatus.OK, TlsHealthCheck.evaluate(listener.status(), Instant.now()).status());
    }

    @Test
    public void badConfigurationClosesNothingButTheBadPartAndIsReported() {
        listener.configure(ListenerSettings.from(Map.of("port", 99_999)));
        assertEquals(Set.of(), liveAuthorities());
        HealthCheckResult result = TlsHealthCheck.evaluate(listener.status(), Instant.now());
        assertEquals(HealthStatus.WARNING, result.status());
        assertTrue(result.cause(), result.cause().contains("99999"));

        listener.configure(ListenerSettings.from(Map.of("addresses", "192.168.1.20,not-an-ip")));
        assertEquals(Set.of("192.168.1.20:4748"), liveAuthorities());
        result = TlsHealthCheck.evaluate(listener.status(), Instant.now());
        assertEquals(HealthStatus.WARNING, result.status());
        assertTrue(result.cause(), result.cause().contains("not-an-ip"));
        assertTrue(result.cause(), result.cause().contains("192.168.1.20:4748"));
    }

    @Test
    public void closeWithdrawsEverything() {
        listener.configure(ListenerSettings.from(Map.of()));
        listener.close();
        listener.rescan();
        assertEquals(List.of(), live);
        assertEquals(List.of(), listener.endpoints());
    }
}
