package dev.openwork.host.client.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/** Lower-case hex and SHA-256 helpers. */
public final class Hex {

    private static final HexFormat HEX = HexFormat.of();

    private Hex() {
    }

    public static String encode(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    /** Whether {@code text} is exactly {@code digits} hex digits (either case). */
    public static boolean isHex(String text, int digits) {
        if (text == null || text.length() != digits) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (Character.digit(text.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Decodes hex already checked with {@link #isHex}. */
    public static byte[] decode(String text) {
        return HEX.parseHex(text.toLowerCase(java.util.Locale.ROOT));
    }

    public static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    public static String sha256Hex(byte[] data) {
        return encode(sha256(data));
    }

    /** Constant-time equality of two hex strings, ignoring case; false when either is malformed. */
    public static boolean sameHex(String a, String b, int digits) {
        if (!isHex(a, digits) || !isHex(b, digits)) {
            return false;
        }
        return MessageDigest.isEqual(a.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII),
                b.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    }
}
