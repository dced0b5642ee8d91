package dev.openwork.host.client;

import dev.openwork.host.client.internal.Hex;
import dev.openwork.host.client.internal.Text;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A connect link as the host shows it (also the QR code's payload):
 * {@code openwork-host://<addr>:<port>?fp=<64-hex SPKI SHA-256>&code=<8 digits>}; the code is optional.
 *
 * @param address     where the host's TLS listener is
 * @param fingerprint the host's SPKI SHA-256, 64 lower-case hex digits
 * @param code        the pairing code, or {@code null}
 */
public record ConnectLink(HostAddress address, String fingerprint, String code) {

    public static final String SCHEME = "openwork-host";
    private static final int MAX_LENGTH = 512;

    /** Whether {@code text} looks like a connect link (and should be parsed with {@link #parse}). */
    public static boolean isLink(String text) {
        return text != null && text.trim().toLowerCase(Locale.ROOT).startsWith(SCHEME + ":");
    }

    /** Parses a link; throws {@link HostClientException} ({@code INVALID_INPUT}) saying what is wrong. */
    public static ConnectLink parse(String text) {
        String s = text == null ? "" : text.trim();
        if (s.length() > MAX_LENGTH) {
            throw bad("it is too long");
        }
        String prefix = SCHEME + "://";
        if (!s.toLowerCase(Locale.ROOT).startsWith(prefix)) {
            throw bad("it does not start with " + prefix);
        }
        String rest = s.substring(prefix.length());
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            rest = rest.substring(0, hash);
        }
        int question = rest.indexOf('?');
        String authority = question < 0 ? rest : rest.substring(0, question);
        String query = question < 0 ? "" : rest.substring(question + 1);
        if (authority.endsWith("/")) {
            authority = authority.substring(0, authority.length() - 1);
        }
        if (authority.isEmpty() || authority.indexOf('/') >= 0 || authority.indexOf('@') >= 0) {
            throw bad("the address part '" + Text.safe(authority, 80) + "' is not host:port");
        }
        HostAddress address;
        try {
            address = HostAddress.parse(authority, HostAddress.DEFAULT_LAN_PORT);
        } catch (HostClientException e) {
            throw bad("the address part '" + Text.safe(authority, 80) + "' is not host:port");
        }
        Map<String, String> params = new HashMap<>();
        if (!query.isEmpty()) {
            for (String pair : query.split("&", -1)) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : pair.substring(eq + 1);
                if (params.put(key, value) != null) {
                    throw bad("it has '" + Text.safe(key, 20) + "' twice");
                }
            }
        }
        String fp = params.get("fp");
        if (fp == null) {
            throw bad("it has no host fingerprint (fp=...)");
        }
        if (!Hex.isHex(fp, 64)) {
            throw bad("the fingerprint fp must be 64 hex digits");
        }
        String code = params.get("code");
        if (code != null) {
            if (code.isEmpty()) {
                code = null;
            } else if (!PairingCode.isCode(code)) {
                throw bad("the code must be 8 digits");
            }
        }
        return new ConnectLink(address, fp.toLowerCase(Locale.ROOT), code);
    }

    private static HostClientException bad(String why) {
        return new HostClientException(HostClientException.Kind.INVALID_INPUT, "The connect link is not valid: " + why + ".",
                "Copy the whole link the host shows (openwork-host://address:port?fp=...&code=...), or give address:port "
                        + "and type the code.");
    }

    /** The link as text. */
    public String toLink() {
        return SCHEME + "://" + address.authority() + "?fp=" + fingerprint + (code == null ? "" : "&code=" + code);
    }

    @Override
    public String toString() {
        return "ConnectLink[" + address + ", fp=" + fingerprint + (code == null ? "" : ", code=<hidden>") + "]";
    }
}
