package dev.openwork.host.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.sun.net.httpserver.HttpsServer;
import dev.openwork.host.api.health.HealthReport;
import dev.openwork.host.api.health.HealthStatus;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

public class SpkiTrustManagerTest {

    private static TestCerts.Identity host;
    private static TestCerts.Identity other;
    private static HttpsServer server;

    @BeforeClass
    public static void certificates() throws Exception {
        host = TestCerts.generate("host.local");
        other = TestCerts.generate("mallory.local");
        server = host.httpsServer();
        server.createContext("/v1/health", exchange -> {
            byte[] body = ("{\"status\":\"OK\",\"version\":\"0.1.0\",\"startedAt\":\"2026-01-01T00:00:00Z\","
                    + "\"uptimeSeconds\":5,\"checks\":[{\"name\":\"storage\",\"status\":\"OK\",\"cause\":\"fine\","
                    + "\"action\":null,\"details\":{}}],\"future\":1}").getBytes(StandardCharsets.UTF_8);
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            int status = "Bearer good-credential-0123456789".equals(auth) ? 200 : 401;
            if (status == 401) {
                body = "{\"code\":\"unauthenticated\",\"message\":\"Unknown credential.\",\"action\":null}"
                        .getBytes(StandardCharsets.UTF_8);
            }
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterClass
    public static void stop() {
        server.stop(0);
    }

    private static HostAddress address() {
        return new HostAddress("127.0.0.1", server.getAddress().getPort());
    }

    @Test
    public void pinnedAcceptsOnlyItsKey() throws Exception {
        SpkiTrustManager pinned = SpkiTrustManager.pinned(host.spkiSha256());
        pinned.checkServerTrusted(new X509Certificate[] {host.certificate()}, "EC");
        try {
            pinned.checkServerTrusted(new X509Certificate[] {other.certificate()}, "EC");
            fail("another key must be refused");
        } catch (HostKeyMismatchException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("the host's key changed or someone is intercepting: "));
            assertEquals(host.spkiSha256(), e.expected());
            assertEquals(other.spkiSha256(), e.actual());
        }
        try {
            pinned.checkServerTrusted(new X509Certificate[0], "EC");
            fail("no certificate must be refused");
        } catch (CertificateException e) {
            assertTrue(e.getMessage().contains("no certificate"));
        }
        try {
            pinned.checkClientTrusted(new X509Certificate[] {host.certificate()}, "EC");
            fail("not for client certificates");
        } catch (CertificateException expected) {
            // fine
        }
        assertEquals(0, pinned.getAcceptedIssuers().length);
    }

    @Test
    public void pairingRecordsTheFirstKeyAndHoldsToIt() throws Exception {
        SpkiTrustManager pairing = SpkiTrustManager.forPairing(null);
        assertTrue(pairing.seenSpkiSha256().isEmpty());
        pairing.checkServerTrusted(new X509Certificate[] {host.certificate()}, "EC");
        assertEquals(host.spkiSha256(), pairing.seenSpkiSha256().orElseThrow());
        pairing.checkServerTrusted(new X509Certificate[] {host.certificate()}, "EC");
        try {
            pairing.checkServerTrusted(new X509Certificate[] {other.certificate()}, "EC");
            fail("a key change during pairing must be refused");
        } catch (HostKeyMismatchException e) {
            assertTrue(e.getMessage().contains("intercepting"));
        }
        SpkiTrustManager fromLink = SpkiTrustManager.forPairing(host.spkiSha256().toUpperCase());
        try {
            fromLink.checkServerTrusted(new X509Certificate[] {other.certificate()}, "EC");
            fail("a key other than the link's must be refused");
        } catch (HostKeyMismatchException e) {
            assertTrue(e.getMessage().contains("connect link"));
        }
        fromLink.checkServerTrusted(new X509Certificate[] {host.certificate()}, "EC");
    }

    @Test
    public void aDiscoveredHostMustPresentTheKeyItAdvertised() throws Exception {
        String prefix = host.spkiSha256().substring(0, 16);
        SpkiTrustManager advertised = SpkiTrustManager.forAdvertisedHost(prefix);
        try {
            advertised.checkServerTrusted(new X509Certificate[] {other.certificate()}, "EC");
            fail("a key other than the advertised one must be refused");
        } catch (HostKeyMismatchException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("advertised") && e.getMessage().contains(prefix));
        }
        advertised.checkServerTrusted(new X509Certificate[] {host.certificate()}, "EC");
        assertEquals(host.spkiSha256(), advertised.seenSpkiSha256().orElseThrow());
        assertThrows(IllegalArgumentException.class, () -> SpkiTrustManager.forAdvertisedHost("abc"));
        assertThrows(IllegalArgumentException.class, () -> SpkiTrustManager.forAdvertisedHost("zz".repeat(8)));
    }

    @Test
    public void tlsWithThePinnedKeyWorksOverAnIpAddressWithoutSan() throws Exception {
        HostClient client = new HostClient(address(), host.spkiSha256(), "good-credential-0123456789");
        HealthReport report = client.health();
        assertEquals(HealthStatus.OK, report.status());
        assertEquals("storage", report.checks().get(0).name());
        assertEquals(5, report.uptimeSeconds());
    }

    @Test
    public void tlsWithAnotherPinAbortsTheHandshake() {
        HostClient client = new HostClient(address(), other.spkiSha256(), "good-credential-0123456789");
        try {
            client.health();
            fail("the handshake must abort");
        } catch (HostClientException e) {
            assertEquals(HostClientException.Kind.HOST_KEY_MISMATCH, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains("the host's key changed or someone is intercepting"));
            assertTrue(e.action(), e.action().contains("pair again"));
        }
    }

    @Test
    public void aRejectedCredentialSaysSo() {
        HostClient client = new HostClient(address(), host.spkiSha256(), "revoked-credential-0123456789");
        try {
            client.health();
            fail("401 must fail");
        } catch (HostClientException e) {
            assertEquals(HostClientException.Kind.UNAUTHENTICATED, e.kind());
            assertTrue(e.action(), e.action().contains("pair again"));
        }
    }

    @Test
    public void tls12OnlyServerIsRefused() throws Exception {
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLSv1.2");
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("SunX509");
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("h", host.keys().getPrivate(), "p".toCharArray(), new java.security.cert.Certificate[] {host.certificate()});
        kmf.init(ks, "p".toCharArray());
        context.init(kmf.getKeyManagers(), null, null);
        try (javax.net.ssl.SSLServerSocket socket = (javax.net.ssl.SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            Thread acceptor = new Thread(() -> {
                try (java.net.Socket s = socket.accept()) {
                    ((javax.net.ssl.SSLSocket) s).startHandshake();
                } catch (java.io.IOException expected) {
                    // the client refuses TLS 1.2
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            PairingClient client = new PairingClient(new HostAddress("127.0.0.1", socket.getLocalPort()), null);
            try {
                client.probeHostKey();
                fail("TLS 1.2 must be refused");
            } catch (HostClientException e) {
                assertEquals(HostClientException.Kind.TLS, e.kind());
                assertTrue(e.action(), e.action().contains("TLS 1.3"));
            }
        }
    }
}
