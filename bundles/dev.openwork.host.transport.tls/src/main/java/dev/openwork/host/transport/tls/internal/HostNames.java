package dev.openwork.host.transport.tls.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * The {@code <host>.local} name the certificate carries: the name mDNS announces on the LAN, so a
 * client that connects by name can verify it like any other certificate name.
 */
final class HostNames {

    static final String FALLBACK = "openwork-host";

    private HostNames() {
    }

    static String localHostName() {
        String name = null;
        try {
            name = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException | SecurityException e) {
            // fall through to the environment
        }
        String label = firstLabel(name);
        if (label == null) {
            label = firstLabel(System.getenv("HOSTNAME"));
        }
        return (label != null ? label : FALLBACK) + ".local";
    }

    /**
     * The first DNS label of {@code name}, lower-cased, with characters a DNS label cannot hold
     * replaced by '-'; {@code null} when nothing usable remains, or the name is an IP address or
     * {@code localhost}.
     */
    static String firstLabel(String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        String trimmed = name.trim().toLowerCase(Locale.ROOT);
        if (trimmed.indexOf(':') >= 0 || trimmed.matches("[0-9.]+")) {
            return null;
        }
        int dot = trimmed.indexOf('.');
        String label = (dot >= 0 ? trimmed.substring(0, dot) : trimmed).replaceAll("[^a-z0-9-]", "-");
        label = label.replaceAll("^-+|-+$", "");
        if (label.length() > 63) {
            label = label.substring(0, 63).replaceAll("-+$", "");
        }
        // "localhost" would name every machine; the environment may know better
        return label.isEmpty() || label.equals("localhost") ? null : label;
    }
}
