package dev.openwork.host.transport.tls.internal;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The listener's configuration, validated. Read from the raw properties rather than through the
 * typed {@link TlsTransportComponent.Config}: DS fails a typed read of a value it cannot convert
 * (say {@code port=abc}), and a typo in a .cfg file must become a warning in the tls check, not a
 * component that never starts. List values may also be one comma-separated string, which is what
 * a plain {@code addresses=a,b} line in a .cfg file gives.
 *
 * @param enabled             whether to listen at all
 * @param port                TCP port, 0 for a free one; -1 when the configured value is unusable
 * @param addressesConfigured whether the admin listed addresses (even if none of them was valid):
 *                            then the interfaces are not scanned for more
 * @param addresses           the valid configured addresses
 * @param includeInterfaces   when not empty, only these interfaces are scanned
 * @param excludeInterfaces   interfaces never scanned
 * @param rescanSeconds       how often the interfaces are scanned again
 * @param problems            what was wrong with the configuration
 */
record ListenerSettings(boolean enabled, int port, boolean addressesConfigured, List<InetAddress> addresses,
        List<String> includeInterfaces, List<String> excludeInterfaces, int rescanSeconds, List<Problem> problems) {

    static final int MAX_RESCAN_SECONDS = 86_400;

    ListenerSettings {
        addresses = List.copyOf(addresses);
        includeInterfaces = List.copyOf(includeInterfaces);
        excludeInterfaces = List.copyOf(excludeInterfaces);
        problems = List.copyOf(problems);
    }

    boolean portValid() {
        return port >= 0;
    }

    static ListenerSettings from(Map<String, ?> properties) {
        List<Problem> problems = new ArrayList<>();
        boolean enabled = bool(properties.get("enabled"), TlsTransportComponent.DEFAULT_ENABLED, "enabled", problems);

        int port = TlsTransportComponent.DEFAULT_PORT;
        Object rawPort = properties.get("port");
        if (rawPort != null) {
            Long value = integer(rawPort);
            if (value == null || value < 0 || value > 65_535) {
                problems.add(Problem.inConfiguration("port '" + display(rawPort)
                        + "' is not a TCP port (0 to 65535, 0 = any free port); the TLS listener is closed."));
                port = -1;
            } else {
                port = value.intValue();
            }
        }

        List<String> rawAddresses = strings(properties.get("addresses"));
        List<InetAddress> addresses = new ArrayList<>();
        for (String text : rawAddresses) {
            try {
                InetAddress address = LanAddresses.parseLiteral(text);
                if (!addresses.contains(address)) {
                    addresses.add(address);
                }
            } catch (IllegalArgumentException e) {
                problems.add(Problem.inConfiguration("addresses: '" + text + "' " + e.getMessage() + "; it is not served."));
            }
        }

        int rescanSeconds = TlsTransportComponent.DEFAULT_RESCAN_SECONDS;
        Object rawRescan = properties.get("rescanSeconds");
        if (rawRescan != null) {
            Long value = integer(rawRescan);
            if (value == null || value < 1 || value > MAX_RESCAN_SECONDS) {
                problems.add(Problem.inConfiguration("rescanSeconds '" + display(rawRescan) + "' is not between 1 and "
                        + MAX_RESCAN_SECONDS + "; interfaces are scanned every " + rescanSeconds + " s."));
            } else {
                rescanSeconds = value.intValue();
            }
        }

        return new ListenerSettings(enabled, port, !rawAddresses.isEmpty(), addresses,
                strings(properties.get("includeInterfaces")), strings(properties.get("excludeInterfaces")),
                rescanSeconds, problems);
    }

    private static boolean bool(Object value, boolean fallback, String name, List<Problem> problems) {
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        String text = display(value).trim().toLowerCase(Locale.ROOT);
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        problems.add(Problem.inConfiguration(name + " '" + display(value) + "' is neither true nor false; "
                + fallback + " is used."));
        return fallback;
    }

    private static Long integer(Object value) {
        if (value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        if (value instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** Every non-blank entry of a String, String[] or collection, each also split at commas and blanks. */
    static List<String> strings(Object value) {
        Collection<?> items;
        if (value == null) {
            return List.of();
        } else if (value instanceof Object[] array) {
            items = Arrays.asList(array);
        } else if (value instanceof Collection<?> collection) {
            items = collection;
        } else {
            items = List.of(value);
        }
        List<String> result = new ArrayList<>();
        for (Object item : items) {
            if (item == null) {
                continue;
            }
            for (String part : item.toString().split("[,\\s]+")) {
                if (!part.isEmpty() && !result.contains(part)) {
                    result.add(part);
                }
            }
        }
        return result;
    }

    private static String display(Object value) {
        return value instanceof Object[] array ? Arrays.toString(array) : String.valueOf(value);
    }
}
