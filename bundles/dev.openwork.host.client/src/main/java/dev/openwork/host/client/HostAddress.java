package dev.openwork.host.client;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a host listens: a DNS name or literal IP address (IPv6 without brackets) and a port.
 *
 * @param host name or address
 * @param port TCP port, 1 to 65535
 */
public record HostAddress(String host, int port) {

    /** Default port of the host's TLS listener on the LAN. */
    public static final int DEFAULT_LAN_PORT = 4748;
    /** Default port of the host's plain HTTP listener on 127.0.0.1 (local admin). */
    public static final int DEFAULT_LOCAL_PORT = 4747;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]{0,252})?");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    public HostAddress {
        if (host == null || !(NAME.matcher(host).matches() || isIpv6(host))) {
            throw new HostClientException(HostClientException.Kind.INVALID_INPUT,
                    "'" + dev.openwork.host.client.internal.Text.safe(host, 80) + "' is not a host name or IP address.",
                    "Give the host as a name or address, e.g. 192.168.1.20 or myhost.local, optionally with :port.");
        }
        if (port < 1 || port > 65535) {
            throw new HostClientException(HostClientException.Kind.INVALID_INPUT, "Port " + port + " is out of range.",
                    "Use a port from 1 to 65535 (the host's LAN port is " + DEFAULT_LAN_PORT + " unless changed).");
        }
        host = isIpv6(host) ? host.toLowerCase(Locale.ROOT) : host;
    }

    private static boolean isIpv6(String host) {
        return host.indexOf(':') >= 0 && IPV6.matcher(host).matches();
    }

    /**
     * Parses {@code host}, {@code host:port}, {@code [v6]}, {@code [v6]:port} or a bare IPv6
     * address; the port defaults to {@code defaultPort}.
     */
    public static HostAddress parse(String text, int defaultPort) {
        String s = text == null ? "" : text.trim();
        if (s.isEmpty()) {
            throw new HostClientException(HostClientException.Kind.INVALID_INPUT, "No host was given.",
                    "Give the host as address[:port], e.g. 192.168.1.20:" + DEFAULT_LAN_PORT + ".");
        }
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw invalid(s);
            }
            String host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (rest.isEmpty()) {
                return new HostAddress(host, defaultPort);
            }
            if (!rest.startsWith(":")) {
                throw invalid(s);
            }
            return new HostAddress(host, port(rest.substring(1), s));
        }
        int first = s.indexOf(':');
        if (first >= 0 && first == s.lastIndexOf(':')) {
            return new HostAddress(s.substring(0, first), port(s.substring(first + 1), s));
        }
        return new HostAddress(s, defaultPort);
    }

    private static int port(String digits, String whole) {
        if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw invalid(whole);
        }
        return Integer.parseInt(digits);
    }

    private static HostClientException invalid(String text) {
        return new HostClientException(HostClientException.Kind.INVALID_INPUT,
                "'" + dev.openwork.host.client.internal.Text.safe(text, 80) + "' is not an address.",
                "Give the host as address[:port], e.g. 192.168.1.20:" + DEFAULT_LAN_PORT
                        + " or [fe80::1]:" + DEFAULT_LAN_PORT + ", or paste the openwork-host:// link.");
    }

    /** {@code host:port}, with brackets around an IPv6 address. */
    public String authority() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** {@code scheme://authority} + {@code path} ({@code path} starts with {@code /}). */
    public URI uri(String scheme, String path) {
        return URI.create(scheme + "://" + authority() + path);
    }

    @Override
    public String toString() {
        return authority();
    }
}
