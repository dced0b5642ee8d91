package dev.openwork.host.discovery.mdns.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The mDNS advertiser's configuration ({@code etc/dev.openwork.host.discovery.mdns.cfg}), read
 * leniently: a wrong value is reported in {@link #problems()} and replaced by its default, so a typo
 * never silences discovery.
 *
 * @param include      interface name patterns to advertise on ({@code *} matches any run of
 *                     characters); empty means every eligible interface
 * @param exclude      interface name patterns never advertised on; wins over {@code include}
 * @param instanceName the service instance name; blank means the machine's name
 * @param rescanSeconds how often interfaces are looked at again
 * @param problems     what was wrong in the configuration, in plain words
 */
record MdnsSettings(List<String> include, List<String> exclude, String instanceName, int rescanSeconds,
        List<String> problems) {

    static final String PID = "dev.openwork.host.discovery.mdns";
    static final List<String> DEFAULT_EXCLUDE = List.of("docker*", "virbr*", "br-*", "veth*");
    static final int DEFAULT_RESCAN_SECONDS = 5;
    private static final Pattern NAME_PATTERN = Pattern.compile("[A-Za-z0-9._*:@-]{1,64}");

    MdnsSettings {
        include = List.copyOf(include);
        exclude = List.copyOf(exclude);
        problems = List.copyOf(problems);
    }

    static MdnsSettings from(Map<String, ?> config) {
        List<String> problems = new ArrayList<>();
        List<String> include = patterns(config.get("interfaces.include"), List.of(), "interfaces.include", problems);
        List<String> exclude = patterns(config.get("interfaces.exclude"), DEFAULT_EXCLUDE, "interfaces.exclude", problems);
        String instanceName = "";
        Object name = config.get("instanceName");
        if (name != null && !name.toString().isBlank()) {
            String value = name.toString().strip();
            // a DNS label: at most 63 bytes, and no dot or control character
            if (value.length() > 63 || value.indexOf('.') >= 0 || value.chars().anyMatch(Character::isISOControl)) {
                problems.add("instanceName '" + value + "' must be 1-63 characters without dots; the machine's name is used");
            } else {
                instanceName = value;
            }
        }
        int rescan = DEFAULT_RESCAN_SECONDS;
        Object rescanValue = config.get("rescanSeconds");
        if (rescanValue != null && !rescanValue.toString().isBlank()) {
            try {
                rescan = Integer.parseInt(rescanValue.toString().strip());
                if (rescan < 1 || rescan > 3600) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                problems.add("rescanSeconds '" + rescanValue + "' must be a whole number from 1 to 3600; "
                        + DEFAULT_RESCAN_SECONDS + " is used");
                rescan = DEFAULT_RESCAN_SECONDS;
            }
        }
        return new MdnsSettings(include, exclude, instanceName, rescan, problems);
    }

    private static List<String> patterns(Object value, List<String> fallback, String key, List<String> problems) {
        if (value == null) {
            return fallback;
        }
        List<String> items = new ArrayList<>();
        if (value instanceof String[] array) {
            Arrays.stream(array).forEach(item -> items.addAll(split(item)));
        } else if (value instanceof Iterable<?> iterable) {
            iterable.forEach(item -> items.addAll(split(String.valueOf(item))));
        } else {
            items.addAll(split(value.toString()));
        }
        List<String> valid = new ArrayList<>();
        for (String item : items) {
            if (NAME_PATTERN.matcher(item).matches()) {
                valid.add(item);
            } else {
                problems.add(key + ": '" + item + "' is not an interface name pattern (letters, digits, . _ - : @ and *); "
                        + "it is ignored");
            }
        }
        return valid;
    }

    private static List<String> split(String text) {
        return Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** Whether {@code name} matches {@code pattern}, where {@code *} stands for any run of characters. */
    static boolean matches(String pattern, String name) {
        String regex = Arrays.stream(pattern.split("\\*", -1)).map(Pattern::quote)
                .reduce((a, b) -> a + ".*" + b).orElse("");
        return name.matches(regex);
    }
}
