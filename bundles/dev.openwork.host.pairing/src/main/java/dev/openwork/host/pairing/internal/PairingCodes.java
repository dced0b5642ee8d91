package dev.openwork.host.pairing.internal;

import java.security.SecureRandom;

/** Eight-digit pairing codes from a CSPRNG, never one a person would guess first. */
final class PairingCodes {

    static final int LENGTH = 8;
    private final SecureRandom random;

    PairingCodes(SecureRandom random) {
        this.random = random;
    }

    String next() {
        while (true) {
            char[] digits = new char[LENGTH];
            for (int i = 0; i < LENGTH; i++) {
                digits[i] = (char) ('0' + random.nextInt(10));
            }
            String code = new String(digits);
            if (!isTrivial(code)) {
                return code;
            }
        }
    }

    /**
     * Codes people try first: few distinct digits (00000000, 12121212), runs (12345678, 98765432,
     * also wrapping 89012345), and repeated halves or quarters (12341234).
     */
    static boolean isTrivial(String code) {
        if (code.chars().distinct().count() <= 2) {
            return true;
        }
        if (isRun(code, 1) || isRun(code, -1)) {
            return true;
        }
        return repeatsWithPeriod(code, 4) || repeatsWithPeriod(code, 2) || isPalindrome(code);
    }

    private static boolean isRun(String code, int step) {
        for (int i = 1; i < code.length(); i++) {
            int previous = code.charAt(i - 1) - '0';
            int current = code.charAt(i) - '0';
            if (Math.floorMod(previous + step, 10) != current) {
                return false;
            }
        }
        return true;
    }

    private static boolean repeatsWithPeriod(String code, int period) {
        for (int i = period; i < code.length(); i++) {
            if (code.charAt(i) != code.charAt(i - period)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isPalindrome(String code) {
        return new StringBuilder(code).reverse().toString().equals(code);
    }
}
