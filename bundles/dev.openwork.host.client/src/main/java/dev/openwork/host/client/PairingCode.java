package dev.openwork.host.client;

/** Pairing codes: exactly 8 ASCII digits, shown on the host only. */
public final class PairingCode {

    private PairingCode() {
    }

    public static boolean isCode(String s) {
        return s != null && s.length() == 8 && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /**
     * The code the user typed without the spaces or dashes people put in ({@code "1234 5678"},
     * {@code "1234-5678"}); {@code null} when it is not 8 digits.
     */
    public static String normalize(String typed) {
        if (typed == null) {
            return null;
        }
        String digits = typed.strip().replace(" ", "").replace("-", "");
        return isCode(digits) ? digits : null;
    }
}
