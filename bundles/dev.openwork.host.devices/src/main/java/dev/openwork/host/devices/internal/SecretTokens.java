package dev.openwork.host.devices.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The secrets of this bundle: random tokens in base64url and their SHA-256. Secrets are compared
 * through their hashes with {@link MessageDigest#isEqual}, so the time a comparison takes says
 * nothing about the secret.
 */
final class SecretTokens {

    /** Longest input any check here looks at; longer input is refused before hashing. */
    static final int MAX_INPUT_LENGTH = 200;

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private SecretTokens() {
    }

    /** {@code bytes} random bytes from {@code random}, base64url without padding. */
    static String randomBase64Url(SecureRandom random, int bytes) {
        byte[] raw = new byte[bytes];
        random.nextBytes(raw);
        return BASE64URL.encodeToString(raw);
    }

    /** Length of the base64url form (no padding) of {@code bytes} bytes. */
    static int base64UrlLength(int bytes) {
        return (bytes * 8 + 5) / 6;
    }

    /**
     * Whether {@code value} is {@code prefix} followed by exactly the base64url form of
     * {@code bytes} bytes. Only the shape is checked; this is the fast reject before hashing.
     */
    static boolean hasShape(String value, String prefix, int bytes) {
        if (value == null || value.length() != prefix.length() + base64UrlLength(bytes) || !value.startsWith(prefix)) {
            return false;
        }
        for (int i = prefix.length(); i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** SHA-256 of the UTF-8 bytes of {@code value}. */
    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** {@link #sha256} as 64 lower-case hex digits. */
    static String sha256Hex(String value) {
        return HexFormat.of().formatHex(sha256(value));
    }

    /** Constant-time equality of two hashes. */
    static boolean sameHash(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }
}
