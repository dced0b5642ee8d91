package dev.openwork.host.discovery.manual.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Manual discovery's configuration ({@code etc/dev.openwork.host.discovery.manual.cfg}): the
 * addresses clients are told to use, and the port when it differs from the TLS listener's (a
 * forwarded port). Wrong entries are reported in {@link #problems()} and left out.
 *
 * @param addresses host names or IP literals, as given (IPv6 without brackets)
 * @param port      the port to publish, or 0 for the TLS listener's
 * @param problems  what was wrong, in plain words
 */
record ManualSettings(List<String> addresses, int port, List<String> problems) {

    static final String PID = "dev.openwork.host.discovery.manual";
    /** A DNS name (labels of letters, digits and hyphens) or an IPv4 literal. */
    private static final Pattern NAME_OR_IPV4 = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    ManualSettings {
        addresses = List.copyOf(addresses);
        problems = List.copyOf(problems);
    }

    static ManualSettings from(Map<String, ?> config) {
        List<String> problems = new ArrayList<>();
        List<String> addresses = new ArrayList<>();
        for (String item : items(config.get("addresses"))) {
            String address = item.startsWith("[") && item.endsWith("]") ? item.substring(1, item.length() - 1) : item;
            boolean ipv6 = address.indexOf(':') >= 0;
            if (ipv6 ? IPV6.matcher(address).matches() && address.indexOf('%') < 0 : NAME_OR_IPV4.matcher(address).matches()) {
                if (!addresses.contains(address)) {
                    addresses.add(address);
                }
            } else {
                problems.add("addresses: '" + item + "' is not a host name or an IP address (give host names or IP "
                        + "addresses without a port, separated by commas)");
            }
        }
        int port = 0;
        Object portValue = config.get("port");
        if (portValue != null && !portValue.toString().isBlank()) {
            try {
                port = Integer.parseInt(portValue.toString().strip());
                if (port < 1 || port > 65535) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                problems.add("port '" + portValue + "' must be a number from 1 to 65535; the TLS listener's port is used");
                port = 0;
            }
        }
        return new ManualSettings(addresses, port, problems);
    }

    private static List<String> items(Object value) {
        List<String> items = new ArrayList<>();
        if (value instanceof String[] array) {
            Arrays.stream(array).forEach(item -> items.addAll(split(item)));
        } else if (value instanceof Iterable<?> iterable) {
            iterable.forEach(item -> items.addAll(split(String.valueOf(item))));
        } else if (value != null) {
            items.addAll(split(value.toString()));
        }
        return items;
    }

    private static List<String> split(String text) {
        return Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
