package dev.openwork.host.transport.tls.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.openwork.host.api.identity.LanEndpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * A real Jetty 12 server with the connector the bundle hands to Felix's Jetty, on 127.0.0.1, and
 * real JDK clients: what SECURITY.md requirement 8 asks of the transport.
 */
public class TlsHandshakeTest {

    private static final String HOST = "testhost.local";
    private static final TemporaryFolder TEMP = new TemporaryFolder();
    private static HostKey key;
    private static X509Certificate certificate;
    private static TlsConnectorFactory factory;
    private static Server server;
    private static int port;

    @BeforeClass
    public static void startServer() throws Exception {
        TEMP.create();
        SecureRandom random = new SecureRandom();
        key = new HostKeyStore(TEMP.getRoot().toPath(), random).loadOrCreate();
        certificate = new HostCertificates(TEMP.getRoot().toPath(), key.keyPair(), random, Clock.systemUTC())
                .ensure(HOST, List.of(InetAddress.getByName("127.0.0.1")), true);
        factory = new TlsConnectorFactory(new LanEndpoint("127.0.0.1", 0), key.keyPair().getPrivate(), certificate, random);

        server = new Server();
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.setStatus(200);
                Content.Sink.write(response, true, "hello over " + request.getConnectionMetaData().getProtocol(), callback);
                return true;
            }
        });
        server.start();
        // as Felix's ConnectorFactoryTracker does it
        ServerConnector connector = (ServerConnector) factory.createConnector(server);
        server.addConnector(connector);
        connector.start();
        port = connector.getLocalPort();
    }

    @AfterClass
    public static void stopServer() throws Exception {
        if (server != null) {
            server.stop();
        }
        TEMP.delete();
    }

    @Test
    public void theConnectorListensOnTheConfiguredAddress() {
        assertEquals(TlsConnectorFactory.State.LISTENING, factory.state());
        assertEquals("127.0.0.1", ((ServerConnector) server.getConnectors()[0]).getHost());
    }

    @Test
    public void aTls13ClientThatTrustsOnlyTheHostCertificateConnectsAndVerifiesTheAddress() throws Exception {
        try (SSLSocket socket = connect(trustingOnly(certificate), "TLSv1.3", null)) {
            socket.startHandshake();
            assertEquals("TLSv1.3", socket.getSession().getProtocol());
            X509Certificate served = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            assertArrayEquals(certificate.getEncoded(), served.getEncoded());
            assertEquals(key.spkiSha256(), spkiSha256(served));

            String response = exchange(socket, "127.0.0.1:" + port);
            assertTrue(response, response.startsWith("HTTP/1.1 200 "));
            assertFalse("no Server header", response.toLowerCase().contains("\nserver:"));
        }
    }

    @Test
    public void aClientLimitedToTls12FailsTheHandshake() throws Exception {
        try (SSLSocket socket = connect(trustingOnly(certificate), "TLSv1.2", null)) {
            socket.startHandshake();
            fail("TLS 1.2 was accepted: " + socket.getSession().getProtocol());
        } catch (SSLHandshakeException expected) {
            // the server offers TLS 1.3 only
            assertTrue(expected.getMessage(), expected.getMessage().contains("protocol_version"));
        }
    }

    @Test
    public void aClientPinningTheSpkiConnectsAndOnePinningAnotherKeyAborts() throws Exception {
        try (SSLSocket socket = connect(pinning(key.spkiSha256()), "TLSv1.3", null)) {
            socket.startHandshake();
            assertEquals("TLSv1.3", socket.getSession().getProtocol());
        }
        String otherPin = spkiSha256(P256.generate(new SecureRandom()).getPublic().getEncoded());
        try (SSLSocket socket = connect(pinning(otherPin), "TLSv1.3", null)) {
            socket.startHandshake();
            fail("a client pinning another key completed the handshake");
        } catch (SSLHandshakeException expected) {
            assertTrue(String.valueOf(expected.getCause()), expected.getCause() instanceof CertificateException);
        }
    }

    @Test
    public void theConnectorLeavesTheHostCheckToTheRestLayer() throws Exception {
        // The REST layer refuses foreign Host headers with the typed JSON error (HostRuntime and
        // SecureChannel integration tests); Jetty's SNI check would answer first with HTML.
        try (SSLSocket socket = connect(trustingOnly(certificate), "TLSv1.3", HOST)) {
            String response = exchange(socket, "evil.example");
            assertTrue(response, response.startsWith("HTTP/1.1 200 "));
        }
    }

    @Test
    public void aClientUsingTheHostNameSendsSniAndIsServed() throws Exception {
        try (SSLSocket socket = connect(trustingOnly(certificate), "TLSv1.3", HOST)) {
            String response = exchange(socket, HOST + ":" + port);
            assertTrue(response, response.startsWith("HTTP/1.1 200 "));
        }
    }

    private static SSLSocket connect(TrustManager trustManager, String protocol, String sniHost) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {trustManager}, null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
        socket.setSoTimeout(3000);
        socket.setEnabledProtocols(new String[] {protocol});
        SSLParameters parameters = socket.getSSLParameters();
        // hostname verification as a browser does it: the certificate must name what we dialled
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (sniHost != null) {
            parameters.setServerNames(List.of(new SNIHostName(sniHost)));
        }
        socket.setSSLParameters(parameters);
        return socket;
    }

    private static String exchange(Socket socket, String hostHeader) throws IOException {
        socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + hostHeader + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            out.write(buffer, 0, n);
        }
        return out.toString(StandardCharsets.US_ASCII);
    }

    private static TrustManager trustingOnly(X509Certificate trusted) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("host", trusted);
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(store);
        return factory.getTrustManagers()[0];
    }

    /** What a paired client does: trust exactly one public key, whatever certificate carries it. */
    private static TrustManager pinning(String expectedSpkiSha256) {
        return new X509ExtendedTrustManager() {
            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                if (!spkiSha256(chain[0]).equals(expectedSpkiSha256)) {
                    throw new CertificateException("the host key does not match the pin");
                }
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                    throws CertificateException {
                checkServerTrusted(chain, authType);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                    throws CertificateException {
                checkServerTrusted(chain, authType);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("client side only");
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                    throws CertificateException {
                throw new CertificateException("client side only");
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                    throws CertificateException {
                throw new CertificateException("client side only");
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
    }

    private static String spkiSha256(X509Certificate certificate) {
        return spkiSha256(certificate.getPublicKey().getEncoded());
    }

    private static String spkiSha256(byte[] spki) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(spki));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
