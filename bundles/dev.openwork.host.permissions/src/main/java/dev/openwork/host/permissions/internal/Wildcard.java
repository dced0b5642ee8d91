package dev.openwork.host.permissions.internal;

/**
 * Patterns in the OpenCode style: {@code *} matches any text (also none, also {@code /}),
 * {@code ?} one character, everything else itself. A pattern ending in {@code " *"} also matches
 * the text without that tail, so {@code ls *} matches {@code ls} as well as {@code ls -la}.
 */
final class Wildcard {

    private Wildcard() {
    }

    static boolean matches(String pattern, String text) {
        if (pattern == null || text == null) {
            return false;
        }
        if (pattern.endsWith(" *") && text.equals(pattern.substring(0, pattern.length() - 2))) {
            return true;
        }
        return glob(pattern, text);
    }

    /** Iterative matching with one backtrack point: linear in practice, never exponential. */
    private static boolean glob(String pattern, String text) {
        int p = 0;
        int t = 0;
        int star = -1;
        int resume = 0;
        while (t < text.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))
                    && pattern.charAt(p) != '*') {
                p++;
                t++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                resume = t;
            } else if (star >= 0) {
                p = star + 1;
                t = ++resume;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
