package dev.openwork.host.client;

import dev.openwork.host.client.internal.Hex;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a host by the SHA-256 of its certificate's SubjectPublicKeyInfo, not by a CA or a name.
 * Being an {@link X509ExtendedTrustManager}, it is responsible for endpoint identification and
 * deliberately does none: the pin identifies the host, whatever address it is reached at.
 *
 * <ul>
 * <li>{@link #pinned(String)}: after pairing. Only the pinned key is accepted; any other aborts the
 *     handshake with {@link HostKeyMismatchException}.</li>
 * <li>{@link #forPairing(String)}: during pairing. The first handshake's key is recorded as
 *     {@link #seenSpkiSha256()} (it goes into the pairing transcript). When the user supplied the
 *     fingerprint (from a connect link) it must match; in any case every later handshake of the same
 *     pairing must present the same key.</li>
 * </ul>
 * Thread-safe.
 */
public final class SpkiTrustManager extends X509ExtendedTrustManager {

    private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];

    private final boolean pairing;
    private final String expected;
    private String seen;
    private CertificateException lastFailure;

    private SpkiTrustManager(boolean pairing, String expected) {
        this.pairing = pairing;
        this.expected = expected == null ? null : expected.toLowerCase(Locale.ROOT);
    }

    /** Accepts only the key with this fingerprint (64 hex digits). */
    public static SpkiTrustManager pinned(String spkiSha256) {
        if (!Hex.isHex(spkiSha256, 64)) {
            throw new IllegalArgumentException("a pin is 64 hex digits");
        }
        return new SpkiTrustManager(false, spkiSha256);
    }

    /**
     * Accepts the key the host presents and records it; when {@code expectedSpkiSha256} is not
     * null, only that key.
     */
    public static SpkiTrustManager forPairing(String expectedSpkiSha256) {
        if (expectedSpkiSha256 != null && !Hex.isHex(expectedSpkiSha256, 64)) {
            throw new IllegalArgumentException("a fingerprint is 64 hex digits");
        }
        return new SpkiTrustManager(true, expectedSpkiSha256);
    }

    /**
     * For pairing with a host found by discovery: accepts only a key whose fingerprint starts with
     * the prefix the host advertised (16 to 64 hex digits), so a spoofed advertisement that points
     * at another key is refused before anything is sent.
     */
    public static SpkiTrustManager forAdvertisedHost(String advertisedPrefix) {
        if (advertisedPrefix == null || advertisedPrefix.length() < 16 || !Hex.isHex(advertisedPrefix, advertisedPrefix.length())) {
            throw new IllegalArgumentException("an advertised fingerprint is 16 to 64 hex digits");
        }
        return new SpkiTrustManager(true, advertisedPrefix);
    }

    /** The fingerprint of the key presented in the first accepted handshake, if any. */
    public synchronized Optional<String> seenSpkiSha256() {
        return Optional.ofNullable(seen);
    }

    /** Why the last handshake was refused, if one was; lets callers report it when TLS wraps it away. */
    public synchronized Optional<CertificateException> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    /** Checks the server's chain; exposed for callers that run their own handshake. */
    public void check(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0 || chain[0] == null) {
            throw remember(new CertificateException("the host sent no certificate"));
        }
        String actual = Fingerprints.spkiSha256(chain[0]);
        synchronized (this) {
            if (expected != null && expected.length() < 64 && !actual.startsWith(expected)) {
                throw remember(new HostKeyMismatchException("the host's key does not match the fingerprint it advertised "
                        + "on the network (fp=" + expected + "): someone may be spoofing the host; got " + actual,
                        expected, actual));
            }
            if (expected != null && expected.length() == 64 && !Hex.sameHex(expected, actual, 64)) {
                if (pairing) {
                    throw remember(new HostKeyMismatchException("the host's key does not match the fingerprint in the "
                            + "connect link: someone may be intercepting: expected " + expected + ", got " + actual,
                            expected, actual));
                }
                throw remember(new HostKeyMismatchException("the host's key changed or someone is intercepting: "
                        + "expected " + expected + ", got " + actual, expected, actual));
            }
            if (seen != null && !Hex.sameHex(seen, actual, 64)) {
                throw remember(new HostKeyMismatchException("the host's key changed during pairing or someone is "
                        + "intercepting: first " + seen + ", now " + actual, seen, actual));
            }
            seen = actual;
            lastFailure = null;
        }
    }

    private synchronized CertificateException remember(CertificateException e) {
        lastFailure = e;
        return e;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("this trust manager is for clients only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("this trust manager is for clients only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("this trust manager is for clients only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return NO_ISSUERS;
    }
}
