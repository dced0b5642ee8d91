package dev.openwork.host.transport.tls.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class ServerTlsTest {

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    @Test
    public void theQuickStartCompilerAloneOrNoAesIntrinsicsMeanNoFastAes() {
        assertTrue(ServerTls.optimizingCompiler(List.of()));
        assertTrue(ServerTls.optimizingCompiler(List.of("-Xmx128m", "-XX:+UseSerialGC")));
        assertFalse(ServerTls.optimizingCompiler(List.of("-Xmx128m", "-XX:TieredStopAtLevel=1")));
        assertTrue("the last flag counts", ServerTls.optimizingCompiler(List.of("-XX:TieredStopAtLevel=1", "-XX:TieredStopAtLevel=4")));
        assertFalse(ServerTls.optimizingCompiler(List.of("-Xint")));
        assertFalse(ServerTls.optimizingCompiler(List.of("-XX:-UseAESIntrinsics")));
        assertTrue(ServerTls.optimizingCompiler(List.of("-XX:-TieredCompilation")));
    }

    @Test
    public void theServerPicksTheSuiteItPrefersWhateverTheClientPrefers() throws Exception {
        SecureRandom random = new SecureRandom();
        HostKey key = new HostKeyStore(folder.getRoot().toPath(), random).loadOrCreate();
        X509Certificate certificate = new HostCertificates(folder.getRoot().toPath(), key.keyPair(), random, Clock.systemUTC())
                .ensure("testhost.local", List.of(InetAddress.getByName("127.0.0.1")), true);
        for (String[] order : List.of(ServerTls.CHACHA_FIRST, ServerTls.AES_FIRST)) {
            Server server = new Server();
            ServerConnector connector = new ServerConnector(server,
                    new SslConnectionFactory(ServerTls.sslContextFactory(key.keyPair().getPrivate(), certificate, random, order),
                            HttpVersion.HTTP_1_1.asString()), new HttpConnectionFactory());
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            server.addConnector(connector);
            server.start();
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {new TrustingAnything()}, null);
                try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", connector.getLocalPort())) {
                    socket.setSoTimeout(3000);
                    socket.setEnabledProtocols(new String[] {"TLSv1.3"});
                    // the client asks for the other order
                    socket.setEnabledCipherSuites(order == ServerTls.CHACHA_FIRST ? ServerTls.AES_FIRST : ServerTls.CHACHA_FIRST);
                    socket.startHandshake();
                    assertEquals(order[0], socket.getSession().getCipherSuite());
                }
            } finally {
                server.stop();
            }
        }
    }

    @Test
    public void theHostUsesTheOrderThatSuitsItsJvm() {
        // the tests run with the JVM's default compilers, the host with the quick-start one only
        assertEquals(ServerTls.optimizingCompiler(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments())
                ? ServerTls.AES_FIRST : ServerTls.CHACHA_FIRST, ServerTls.CIPHER_SUITES);
    }

    private static final class TrustingAnything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("this client-side trust manager checks no clients");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
