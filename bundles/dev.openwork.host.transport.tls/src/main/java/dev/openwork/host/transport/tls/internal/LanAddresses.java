package dev.openwork.host.transport.tls.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides which addresses the TLS listener binds: the configured ones, or else every address a
 * LAN client could use. Loopback is left to the plain HTTP listener, and IPv6 link-local addresses
 * are skipped because they are ambiguous without a zone, which neither a URL a client is given nor
 * a certificate can carry.
 */
final class LanAddresses {

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    /** Stable order (IPv4 first) so that equal sets compare equal and endpoints list predictably. */
    static final Comparator<InetAddress> ORDER = Comparator
            .<InetAddress>comparingInt(a -> a.getAddress().length)
            .thenComparing(InetAddress::getAddress, Arrays::compareUnsigned);

    private LanAddresses() {
    }

    /**
     * An IP address literal, IPv6 optionally in brackets. Never asks DNS: a name here would make the
     * bound address depend on a resolver.
     *
     * @throws IllegalArgumentException with a message that completes "'text' ..."
     */
    static InetAddress parseLiteral(String text) {
        String literal = text.trim();
        if (literal.startsWith("[") && literal.endsWith("]")) {
            literal = literal.substring(1, literal.length() - 1);
        }
        if (literal.indexOf('%') >= 0) {
            throw new IllegalArgumentException("has a zone; link-local IPv6 addresses are not served");
        }
        Matcher v4 = IPV4.matcher(literal);
        try {
            if (v4.matches()) {
                byte[] bytes = new byte[4];
                for (int i = 0; i < 4; i++) {
                    int octet = Integer.parseInt(v4.group(i + 1));
                    if (octet > 255) {
                        throw new IllegalArgumentException("is not an IP address");
                    }
                    bytes[i] = (byte) octet;
                }
                return InetAddress.getByAddress(bytes);
            }
            if (literal.indexOf(':') >= 0 && literal.matches("[0-9A-Fa-f:.]+")) {
                // a string with ':' is parsed as an IPv6 literal, never looked up
                return withoutZone(InetAddress.getByName(literal));
            }
        } catch (UnknownHostException e) {
            // not a literal
        }
        throw new IllegalArgumentException("is not an IP address");
    }

    /** Which addresses to serve, and what stands in the way of serving the configured ones. */
    static Selection select(ListenerSettings settings, List<InterfaceSnapshot> interfaces) {
        List<InetAddress> selected = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        if (settings.addressesConfigured()) {
            for (InetAddress address : settings.addresses()) {
                String reason = unservable(address, interfaces);
                if (reason == null) {
                    selected.add(address);
                } else {
                    problems.add(new Problem("addresses: " + address.getHostAddress() + " " + reason,
                            "Correct " + Problem.CONFIG_FILE + ", or bring up the interface that has this address."));
                }
            }
        } else {
            for (InterfaceSnapshot nic : interfaces) {
                if (!nic.up() || nic.loopback() || !wanted(nic.name(), settings)) {
                    continue;
                }
                for (InetAddress address : nic.addresses()) {
                    if (isLanAddress(address)) {
                        selected.add(withoutZone(address));
                    }
                }
            }
        }
        return new Selection(selection(selected), problems);
    }

    private static String unservable(InetAddress address, List<InterfaceSnapshot> interfaces) {
        if (address.isAnyLocalAddress()) {
            return "is the wildcard address; list the interface addresses to serve instead.";
        }
        if (address.isMulticastAddress()) {
            return "is a multicast address.";
        }
        if (address instanceof Inet6Address && address.isLinkLocalAddress()) {
            return "is an IPv6 link-local address, which is not served.";
        }
        for (InterfaceSnapshot nic : interfaces) {
            if (nic.up() && nic.addresses().stream().map(LanAddresses::withoutZone).anyMatch(address::equals)) {
                return null;
            }
        }
        return "is not an address of any interface that is up; it is served as soon as it is.";
    }

    private static boolean wanted(String name, ListenerSettings settings) {
        return (settings.includeInterfaces().isEmpty() || settings.includeInterfaces().contains(name))
                && !settings.excludeInterfaces().contains(name);
    }

    private static boolean isLanAddress(InetAddress address) {
        return !address.isLoopbackAddress() && !address.isAnyLocalAddress() && !address.isMulticastAddress()
                && !(address instanceof Inet6Address && address.isLinkLocalAddress());
    }

    /** The address without an IPv6 zone, which interfaces report even for global addresses. */
    static InetAddress withoutZone(InetAddress address) {
        if (address instanceof Inet4Address) {
            return address;
        }
        try {
            return InetAddress.getByAddress(address.getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are always an IPv6 address", e);
        }
    }

    private static List<InetAddress> selection(List<InetAddress> addresses) {
        return addresses.stream().distinct().sorted(ORDER).toList();
    }

    /**
     * @param addresses what to serve, without duplicates, in {@link #ORDER}
     * @param problems  configured addresses that cannot be served now
     */
    record Selection(List<InetAddress> addresses, List<Problem> problems) {
    }
}
