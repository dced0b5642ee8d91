package dev.openwork.host.client;

import dev.openwork.host.client.internal.Hex;
import java.security.PublicKey;
import java.security.cert.X509Certificate;

/** SPKI fingerprints: SHA-256 of the DER SubjectPublicKeyInfo, 64 lower-case hex digits. */
public final class Fingerprints {

    private Fingerprints() {
    }

    public static String spkiSha256(PublicKey key) {
        return Hex.sha256Hex(key.getEncoded());
    }

    public static String spkiSha256(X509Certificate certificate) {
        return spkiSha256(certificate.getPublicKey());
    }

    /** {@code ab12 cd34 ...}: groups of four for people to compare. */
    public static String grouped(String hex) {
        StringBuilder out = new StringBuilder(hex.length() + hex.length() / 4);
        for (int i = 0; i < hex.length(); i += 4) {
            if (i > 0) {
                out.append(' ');
            }
            out.append(hex, i, Math.min(hex.length(), i + 4));
        }
        return out.toString();
    }
}
