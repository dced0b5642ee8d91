package dev.openwork.host.transport.tls.internal;

import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.HexFormat;

/**
 * The host's long-term key pair and id. {@link #toString()} is overridden so that the private key
 * can never reach a log line by accident.
 *
 * @param keyPair    P-256 key pair
 * @param hostId     16 lower-case hex digits
 * @param spkiSha256 what clients pin: SHA-256 of the DER SubjectPublicKeyInfo, 64 lower-case hex digits
 */
record HostKey(KeyPair keyPair, String hostId, String spkiSha256) {

    HostKey(KeyPair keyPair, String hostId) {
        this(keyPair, hostId, spkiSha256(keyPair.getPublic()));
    }

    static String spkiSha256(PublicKey publicKey) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(publicKey.getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The first 16 hex digits: enough to recognise the key in a health report or a log. */
    String fingerprintPrefix() {
        return spkiSha256.substring(0, 16);
    }

    @Override
    public String toString() {
        return "HostKey[hostId=" + hostId + ", spkiSha256=" + spkiSha256 + "]";
    }
}
