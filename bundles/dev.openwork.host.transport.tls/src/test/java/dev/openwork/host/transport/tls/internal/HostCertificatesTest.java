package dev.openwork.host.transport.tls.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class HostCertificatesTest {

    private static final String HOST = "testhost.local";
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private Path dir;
    private HostKey key;

    @Before
    public void createKey() {
        dir = temp.getRoot().toPath();
        key = new HostKeyStore(dir, new SecureRandom()).loadOrCreate();
    }

    private HostCertificates certificates(Instant now) {
        return new HostCertificates(dir, key.keyPair(), new SecureRandom(), Clock.fixed(now, ZoneOffset.UTC));
    }

    private static InetAddress ip(String literal) {
        return LanAddresses.parseLiteral(literal);
    }

    /** The stored file, parsed by the JDK alone. */
    private X509Certificate stored() throws Exception {
        try (InputStream in = Files.newInputStream(dir.resolve(HostCertificates.CERT_FILE))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static Set<List<?>> sans(X509Certificate certificate) throws Exception {
        return new HashSet<>(certificate.getSubjectAlternativeNames());
    }

    @Test
    public void certificateNamesTheHostAndEveryServedAddress() throws Exception {
        certificates(NOW).ensure(HOST, List.of(ip("192.168.1.20"), ip("fd00::20")), true);
        X509Certificate certificate = stored();

        assertEquals(Set.of(List.of(2, HOST), List.of(7, "192.168.1.20"), List.of(7, "fd00:0:0:0:0:0:0:20")),
                sans(certificate));
        assertEquals("CN=" + HOST, certificate.getSubjectX500Principal().getName());
        assertEquals(certificate.getSubjectX500Principal(), certificate.getIssuerX500Principal());
        assertEquals(3, certificate.getVersion());
        assertTrue("digitalSignature only", certificate.getKeyUsage()[0]);
        assertFalse(certificate.getKeyUsage()[5]);
        assertEquals(List.of("1.3.6.1.5.5.7.3.1"), certificate.getExtendedKeyUsage());
        assertEquals(-1, certificate.getBasicConstraints());
        assertEquals("SHA256withECDSA", certificate.getSigAlgName());
        assertEquals(NOW.minus(Duration.ofHours(1)), certificate.getNotBefore().toInstant());
        assertEquals(NOW.plus(Duration.ofDays(825)), certificate.getNotAfter().toInstant());
        assertTrue("a random 128-bit serial", certificate.getSerialNumber().bitLength() > 64
                && certificate.getSerialNumber().bitLength() <= 128);
        certificate.verify(key.keyPair().getPublic());
    }

    @Test
    public void servingLoopbackAddsTheNamesLocalClientsUse() throws Exception {
        certificates(NOW).ensure(HOST, List.of(ip("127.0.0.1")), true);
        assertEquals(Set.of(List.of(2, HOST), List.of(2, "localhost"), List.of(7, "127.0.0.1")), sans(stored()));
    }

    @Test
    public void fingerprintEqualsTheSha256OfTheCertificatesPublicKey() throws Exception {
        certificates(NOW).ensure(HOST, List.of(ip("192.168.1.20")), true);
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(stored().getPublicKey().getEncoded());
        assertEquals(key.spkiSha256(), HexFormat.of().formatHex(digest));
    }

    @Test
    public void aChangedAddressSetGetsANewCertificateForTheSameKey() throws Exception {
        HostCertificates certificates = certificates(NOW);
        X509Certificate first = certificates.ensure(HOST, List.of(ip("192.168.1.20")), true);
        assertSame("same names: no reissue", first, certificates.ensure(HOST, List.of(ip("192.168.1.20")), true));

        X509Certificate second = certificates.ensure(HOST, List.of(ip("192.168.1.20"), ip("10.0.0.7")), true);

        assertNotEquals(first.getSerialNumber(), second.getSerialNumber());
        assertEquals(Set.of(List.of(2, HOST), List.of(7, "192.168.1.20"), List.of(7, "10.0.0.7")), sans(stored()));
        assertArrayEquals(first.getPublicKey().getEncoded(), stored().getPublicKey().getEncoded());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(stored().getPublicKey().getEncoded())), key.spkiSha256());
    }

    @Test
    public void theStoredCertificateIsReusedAfterARestart() throws Exception {
        X509Certificate first = certificates(NOW).ensure(HOST, List.of(ip("192.168.1.20")), true);
        X509Certificate again = certificates(NOW.plus(Duration.ofDays(1))).ensure(HOST, List.of(ip("192.168.1.20")), true);
        assertEquals(first.getSerialNumber(), again.getSerialNumber());
    }

    @Test
    public void aCertificateThatExpiresWithin30DaysIsReissued() throws Exception {
        X509Certificate old = certificates(NOW).ensure(HOST, List.of(ip("192.168.1.20")), true);

        Instant later = NOW.plus(Duration.ofDays(825 - 29));
        X509Certificate renewed = certificates(later).ensure(HOST, List.of(ip("192.168.1.20")), true);

        assertNotEquals(old.getSerialNumber(), renewed.getSerialNumber());
        assertEquals(later.plus(Duration.ofDays(825)), stored().getNotAfter().toInstant());
        assertArrayEquals(old.getPublicKey().getEncoded(), renewed.getPublicKey().getEncoded());
    }

    @Test
    public void withoutAddressesAnyValidCertificateIsKept() throws Exception {
        X509Certificate first = certificates(NOW).ensure(HOST, List.of(ip("192.168.1.20")), true);
        assertEquals(first.getSerialNumber(),
                certificates(NOW).ensure(HOST, List.of(), false).getSerialNumber());
    }

    @Test
    public void anUnreadableStoredCertificateIsReplaced() throws Exception {
        Files.writeString(dir.resolve(HostCertificates.CERT_FILE), "garbage");
        certificates(NOW).ensure(HOST, List.of(ip("192.168.1.20")), true);
        assertEquals(Set.of(List.of(2, HOST), List.of(7, "192.168.1.20")), sans(stored()));
    }
}
