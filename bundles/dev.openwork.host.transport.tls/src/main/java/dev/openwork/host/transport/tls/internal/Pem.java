package dev.openwork.host.transport.tls.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The PEM text form (RFC 7468) that openssl and every TLS tool read, so admins can inspect the files. */
final class Pem {

    static final String PRIVATE_KEY = "PRIVATE KEY";
    static final String CERTIFICATE = "CERTIFICATE";

    private Pem() {
    }

    static byte[] encode(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return ("-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The DER bytes of the first block with this label.
     *
     * @throws IllegalArgumentException naming what is wrong, never quoting the content (it may be a key)
     */
    static byte[] decode(String label, byte[] pem) {
        String text = new String(pem, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int start = text.indexOf(begin);
        int stop = start < 0 ? -1 : text.indexOf(end, start + begin.length());
        if (start < 0 || stop < 0) {
            throw new IllegalArgumentException("it has no PEM block '" + label + "'");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(start + begin.length(), stop).trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("its PEM block '" + label + "' is not valid Base64");
        }
    }
}
