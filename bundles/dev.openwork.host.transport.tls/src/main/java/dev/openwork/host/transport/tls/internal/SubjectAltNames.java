package dev.openwork.host.transport.tls.internal;

import java.net.InetAddress;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The names a certificate must carry, in one comparable form ({@code DNS:name}, {@code IP:literal}),
 * so that "does the stored certificate still fit what we serve" is a set comparison.
 */
final class SubjectAltNames {

    static final String LOCALHOST = "localhost";
    private static final int DNS = 2;
    private static final int IP = 7;

    private SubjectAltNames() {
    }

    /**
     * The host name, every served address and, when loopback is served, the names a local client
     * uses for it.
     */
    static Set<String> expected(String hostName, Collection<InetAddress> addresses) {
        Set<String> names = new TreeSet<>();
        names.add(dns(hostName));
        for (InetAddress address : addresses) {
            names.add(ip(address));
            if (address.isLoopbackAddress()) {
                names.add(dns(LOCALHOST));
                names.add("IP:127.0.0.1");
            }
        }
        return names;
    }

    /** The DNS and IP names of {@code certificate}; other kinds are kept verbatim so they never match. */
    static Set<String> of(X509Certificate certificate) {
        Set<String> names = new TreeSet<>();
        Collection<List<?>> entries;
        try {
            entries = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return Set.of("unparsable");
        }
        if (entries == null) {
            return names;
        }
        for (List<?> entry : entries) {
            int type = (Integer) entry.get(0);
            Object value = entry.get(1);
            if (type == DNS) {
                names.add(dns(value.toString()));
            } else if (type == IP) {
                try {
                    names.add(ip(LanAddresses.parseLiteral(value.toString())));
                } catch (IllegalArgumentException e) {
                    names.add("IP?" + value);
                }
            } else {
                names.add("type" + type + ":" + value);
            }
        }
        return names;
    }

    static String dns(String name) {
        return "DNS:" + name.toLowerCase(Locale.ROOT);
    }

    static String ip(InetAddress address) {
        return "IP:" + LanAddresses.withoutZone(address).getHostAddress();
    }
}
