package dev.openwork.host.transport.tls.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The self-signed certificate over the host key. It is derived data: clients pin the key, not the
 * certificate, so it is reissued freely (same key) whenever the names it must carry change or it
 * nears its end, and an unreadable stored copy is simply replaced.
 */
final class HostCertificates {

    static final String CERT_FILE = "host-cert.pem";
    /** The longest validity that clients which check it (Apple's platforms) still accept. */
    static final Duration VALIDITY = Duration.ofDays(825);
    static final Duration RENEW_BEFORE = Duration.ofDays(30);
    /** Tolerates clients whose clocks run a little behind. */
    static final Duration BACKDATE = Duration.ofHours(1);
    private static final Logger LOG = LoggerFactory.getLogger(HostCertificates.class);

    private final Path file;
    private final KeyPair keyPair;
    private final SecureRandom random;
    private final Clock clock;
    private volatile X509Certificate current;
    private volatile Problem storageProblem;

    HostCertificates(Path identityDirectory, KeyPair keyPair, SecureRandom random, Clock clock) {
        this.file = identityDirectory.resolve(CERT_FILE);
        this.keyPair = keyPair;
        this.random = random;
        this.clock = clock;
    }

    /**
     * A certificate that is valid for at least {@link #RENEW_BEFORE} and, when {@code namesMustMatch},
     * names exactly {@code hostName} and {@code addresses}: the current one if it fits, else a new
     * one, which is also stored.
     */
    synchronized X509Certificate ensure(String hostName, Collection<InetAddress> addresses, boolean namesMustMatch) {
        if (current == null) {
            current = load();
        }
        if (current == null || needsReissue(current, hostName, addresses, namesMustMatch)) {
            current = issue(hostName, addresses);
            store(current);
        }
        return current;
    }

    /** The certificate served now, or {@code null} before the first {@link #ensure}. */
    X509Certificate current() {
        return current;
    }

    /** Why the certificate could not be stored, or {@code null}. */
    Problem storageProblem() {
        return storageProblem;
    }

    boolean needsReissue(X509Certificate certificate, String hostName, Collection<InetAddress> addresses,
            boolean namesMustMatch) {
        Instant now = clock.instant();
        return !Arrays.equals(certificate.getPublicKey().getEncoded(), keyPair.getPublic().getEncoded())
                || certificate.getNotAfter().toInstant().isBefore(now.plus(RENEW_BEFORE))
                || certificate.getNotBefore().toInstant().isAfter(now)
                || namesMustMatch && !SubjectAltNames.of(certificate).equals(SubjectAltNames.expected(hostName, addresses));
    }

    X509Certificate issue(String hostName, Collection<InetAddress> addresses) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, hostName).build();
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serialNumber(),
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(VALIDITY)), subject, keyPair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, generalNames(hostName, addresses));
            byte[] der = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").setSecureRandom(random)
                    .build(keyPair.getPrivate())).getEncoded();
            X509Certificate certificate = parse(der);
            LOG.info("Issued the host certificate for {} (valid until {})",
                    SubjectAltNames.of(certificate), certificate.getNotAfter().toInstant());
            return certificate;
        } catch (IOException | OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the host certificate: " + e.getMessage(), e);
        }
    }

    private GeneralNames generalNames(String hostName, Collection<InetAddress> addresses) {
        List<GeneralName> names = new ArrayList<>();
        names.add(new GeneralName(GeneralName.dNSName, hostName));
        boolean loopback = false;
        for (InetAddress address : addresses) {
            names.add(new GeneralName(GeneralName.iPAddress, LanAddresses.withoutZone(address).getHostAddress()));
            loopback |= address.isLoopbackAddress();
        }
        if (loopback) {
            names.add(new GeneralName(GeneralName.dNSName, SubjectAltNames.LOCALHOST));
            if (addresses.stream().noneMatch(a -> a.getHostAddress().equals("127.0.0.1"))) {
                names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
            }
        }
        return new GeneralNames(names.toArray(GeneralName[]::new));
    }

    /** 128 random bits, as CA/Browser Forum rules ask, so serials never collide across reissues. */
    private BigInteger serialNumber() {
        BigInteger serial;
        do {
            serial = new BigInteger(128, random);
        } while (serial.signum() == 0);
        return serial;
    }

    private X509Certificate load() {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            return parse(Pem.decode(Pem.CERTIFICATE, Files.readAllBytes(file)));
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            LOG.warn("{} cannot be read ({}); a new certificate is issued for the same key", file, e.getMessage());
            return null;
        }
    }

    private void store(X509Certificate certificate) {
        try {
            OwnerOnlyFiles.write(file, Pem.encode(Pem.CERTIFICATE, certificate.getEncoded()));
            storageProblem = null;
        } catch (IOException | GeneralSecurityException e) {
            LOG.warn("Cannot store the host certificate in {}: {}", file, e.toString());
            storageProblem = new Problem("The host certificate cannot be stored in " + file + " (" + e.getMessage()
                    + "); it is served from memory and issued again at the next start.",
                    "Give the user running the host write permission on " + file.getParent() + ".");
        }
    }

    static X509Certificate parse(byte[] der) throws GeneralSecurityException {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }
}
