package dev.openwork.host.client;

import java.security.cert.CertificateException;

/**
 * Thrown by {@link SpkiTrustManager} when the host presents a key other than the pinned or
 * expected one; the TLS handshake is aborted.
 */
public final class HostKeyMismatchException extends CertificateException {

    private static final long serialVersionUID = 1L;

    private final String expected;
    private final String actual;

    public HostKeyMismatchException(String message, String expected, String actual) {
        super(message);
        this.expected = expected;
        this.actual = actual;
    }

    /** The fingerprint that was required. */
    public String expected() {
        return expected;
    }

    /** The fingerprint the host presented. */
    public String actual() {
        return actual;
    }
}
