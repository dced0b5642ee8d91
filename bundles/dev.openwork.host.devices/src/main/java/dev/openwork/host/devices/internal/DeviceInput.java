package dev.openwork.host.devices.internal;

import dev.openwork.host.api.devices.Scopes;
import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks of what clients and admins hand to the registry. Every refusal is an
 * {@code INVALID_REQUEST} that says what is wrong and what is allowed; refused input is echoed
 * only in a {@link #printable} form.
 */
final class DeviceInput {

    static final int MAX_NAME_LENGTH = 64;
    static final int MAX_PLATFORM_LENGTH = 32;
    static final int MAX_ADDRESS_LENGTH = 100;
    private static final int MAX_ECHO_LENGTH = 40;

    private DeviceInput() {
    }

    /** The name without surrounding white space: 1 to 64 characters, none of them a control character. */
    static String name(String name) {
        return text(name, "name", MAX_NAME_LENGTH);
    }

    /** The platform without surrounding white space: 1 to 32 characters, none of them a control character. */
    static String platform(String platform) {
        return text(platform, "platform", MAX_PLATFORM_LENGTH);
    }

    private static String text(String value, String what, int maxLength) {
        String action = "Give a device " + what + " of 1 to " + maxLength + " characters without control characters.";
        if (value == null) {
            throw invalid("The device " + what + " is missing.", action);
        }
        String stripped = value.strip();
        int length = stripped.codePointCount(0, stripped.length());
        if (length == 0) {
            throw invalid("The device " + what + " is empty.", action);
        }
        if (length > maxLength) {
            throw invalid("The device " + what + " is " + length + " characters long; at most " + maxLength
                    + " are allowed.", action);
        }
        if (stripped.codePoints().anyMatch(DeviceInput::isControl)) {
            throw invalid("The device " + what + " contains a control character.", action);
        }
        return stripped;
    }

    /**
     * Control characters, line breaks, unpaired surrogates and the invisible bidirectional
     * overrides that can make a name look like another one in a list.
     */
    static boolean isControl(int codePoint) {
        if (Character.isISOControl(codePoint)) {
            return true;
        }
        int type = Character.getType(codePoint);
        if (type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE) {
            return true;
        }
        return codePoint == 0x200E || codePoint == 0x200F || (codePoint >= 0x202A && codePoint <= 0x202E)
                || (codePoint >= 0x2066 && codePoint <= 0x2069);
    }

    /**
     * The scopes as an immutable set: at least one, at most {@link Scopes#MAX_SCOPES}, each valid
     * ({@link Scopes#isValid}). A workspace grant naming an existing directory is stored as its real
     * path, because tasks compare grants with their workspace's real path.
     */
    static Set<String> scopes(Collection<String> scopes) {
        String action = "Use one or more of: " + String.join(", ", validScopes()) + ".";
        if (scopes == null || scopes.isEmpty()) {
            throw invalid("No scope was given.", action);
        }
        if (scopes.size() > Scopes.MAX_SCOPES) {
            throw invalid(scopes.size() + " scopes were given; a device holds at most " + Scopes.MAX_SCOPES + ".", action);
        }
        Set<String> valid = new LinkedHashSet<>();
        for (String scope : scopes) {
            if (scope == null || !Scopes.isValid(scope)) {
                throw invalid("Unknown scope '" + printable(scope) + "'.", action);
            }
            valid.add(realWorkspace(scope));
        }
        return Set.copyOf(valid);
    }

    private static String realWorkspace(String scope) {
        if (!scope.startsWith(Scopes.WORKSPACE_PREFIX) || scope.equals(Scopes.WORKSPACE_ANY)) {
            return scope;
        }
        try {
            return Scopes.workspace(Path.of(scope.substring(Scopes.WORKSPACE_PREFIX.length())).toRealPath());
        } catch (IOException | RuntimeException e) {
            return scope; // not there (yet): kept as given, and it covers what appears there
        }
    }

    /** The valid scope names, sorted, with the two grant forms. */
    static Set<String> validScopes() {
        Set<String> names = new TreeSet<>(Scopes.ALL);
        names.add("runtime:<name>");
        names.add(Scopes.RUNTIME_ANY);
        names.add("workspace:<absolute directory>");
        names.add(Scopes.WORKSPACE_ANY);
        return names;
    }

    /**
     * A remote address as the transport reported it, fit to be stored and shown: control
     * characters replaced, at most {@value #MAX_ADDRESS_LENGTH} characters.
     */
    static String address(String address) {
        StringBuilder out = new StringBuilder();
        address.strip().codePoints().limit(MAX_ADDRESS_LENGTH).forEach(cp -> out.appendCodePoint(isControl(cp) ? '?' : cp));
        return out.toString();
    }

    /** {@code value} fit to be shown: control characters replaced, long values cut. */
    static String printable(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder();
        value.codePoints().limit(MAX_ECHO_LENGTH).forEach(cp -> {
            if (isControl(cp)) {
                out.append('?');
            } else {
                out.appendCodePoint(cp);
            }
        });
        if (value.codePointCount(0, value.length()) > MAX_ECHO_LENGTH) {
            out.append("...");
        }
        return out.toString();
    }

    private static HostException invalid(String message, String action) {
        return new HostException(ErrorCode.INVALID_REQUEST, message, action);
    }
}
