package dev.openwork.host.client.internal;

/** Makes text that came from the network safe to print on a terminal. */
public final class Text {

    private Text() {
    }

    /**
     * {@code value} with control characters (escape sequences included) replaced by {@code ?} and
     * cut to {@code max} characters; {@code "-"} for null.
     */
    public static String safe(String value, int max) {
        if (value == null) {
            return "-";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), max + 1));
        for (int i = 0; i < value.length() && out.length() < max; i++) {
            char c = value.charAt(i);
            out.append(isHidden(c) ? '?' : c);
        }
        if (value.length() > max) {
            out.append('\u2026');
        }
        return out.toString();
    }

    /** Control, line-separator and (bidi) formatting characters: they can hide or fake text. */
    public static boolean isHidden(int codePoint) {
        int type = Character.getType(codePoint);
        return Character.isISOControl(codePoint) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }

    public static String safe(String value) {
        return safe(value, 500);
    }

    /**
     * A line of a task's output made safe to print: like {@link #safe(String, int)} but keeping
     * tabs and not cut; {@code ""} for null.
     */
    public static String line(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder out = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '\t' && isHidden(c)) {
                if (out == null) {
                    out = new StringBuilder(value.length()).append(value, 0, i);
                }
                out.append('?');
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? value : out.toString();
    }
}
