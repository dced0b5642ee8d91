package dev.openwork.host.devices.internal;

import dev.openwork.host.api.devices.Device;
import dev.openwork.host.api.devices.DeviceRegistry;
import dev.openwork.host.api.error.HostException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code devices:} console commands. Each returns its text so Gogo prints it and scripts can
 * pipe it; a refused request comes back as a sentence, not a stack trace.
 */
@Component(service = DeviceCommands.class, property = {
        "osgi.command.scope=devices",
        "osgi.command.function=list",
        "osgi.command.function=revoke",
        "osgi.command.function=scopes"})
public final class DeviceCommands {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final String[] HEADER = {"ID", "NAME", "PLATFORM", "SCOPES", "PAIRED AT", "LAST SEEN", "LAST ADDRESS"};

    private final DeviceRegistry registry;

    @Activate
    public DeviceCommands(@Reference DeviceRegistry registry) {
        this.registry = registry;
    }

    /** {@code devices:list}: every paired device, oldest first. */
    public String list() {
        List<Device> devices = registry.list();
        if (devices.isEmpty()) {
            return "No devices are paired.\n";
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (Device device : devices) {
            rows.add(new String[] {
                device.id(),
                DeviceInput.printable(device.name()),
                DeviceInput.printable(device.platform()),
                String.join(",", new TreeSet<>(device.scopes())),
                time(device.pairedAt()),
                device.lastSeenAt() == null ? "never" : time(device.lastSeenAt()),
                device.lastAddress() == null ? "-" : device.lastAddress()});
        }
        return table(rows) + devices.size() + " device(s)\n";
    }

    /** {@code devices:revoke <id>}: the device's credential stops working now. */
    public String revoke(String deviceId) {
        Optional<Device> device = registry.find(deviceId);
        try {
            if (!registry.revoke(deviceId)) {
                return unknown(deviceId);
            }
        } catch (HostException e) {
            return refused(e);
        }
        return "Revoked device " + deviceId + device.map(d -> " (" + DeviceInput.printable(d.name()) + ")").orElse("")
                + "; its credential no longer works.\n";
    }

    /**
     * {@code devices:scopes <id> <scope> [<scope>...]}: replaces the device's scopes; when every
     * argument starts with {@code +} or {@code -}, adds and removes those scopes instead
     * ({@code devices:scopes dev_1 +workspace:/home/anna/site -workspace:*}). Scopes may also be
     * separated by commas. Without scopes, shows the device's scopes and the valid ones.
     */
    public String scopes(String deviceId, String... scopes) {
        List<String> words = new ArrayList<>();
        for (String argument : scopes) {
            for (String scope : argument.split(",")) {
                if (!scope.isBlank()) {
                    words.add(scope.strip());
                }
            }
        }
        if (words.isEmpty()) {
            return registry.find(deviceId)
                    .map(d -> "Device " + d.id() + " has the scopes " + String.join(", ", new TreeSet<>(d.scopes()))
                            + ".\nValid scopes: " + String.join(", ", DeviceInput.validScopes()) + ".\n")
                    .orElseGet(() -> unknown(deviceId));
        }
        boolean edits = words.stream().allMatch(w -> w.length() > 1 && (w.startsWith("+") || w.startsWith("-")));
        Set<String> wanted = new LinkedHashSet<>();
        if (edits) {
            Optional<Device> current = registry.find(deviceId);
            if (current.isEmpty()) {
                return unknown(deviceId);
            }
            wanted.addAll(new TreeSet<>(current.get().scopes()));
            for (String word : words) {
                if (word.startsWith("+")) {
                    wanted.add(word.substring(1));
                } else {
                    wanted.remove(word.substring(1));
                }
            }
        } else if (words.stream().anyMatch(w -> w.startsWith("+") || w.startsWith("-"))) {
            return "Either list the new scopes, or give only changes (+scope, -scope); not both.\n";
        } else {
            wanted.addAll(words);
        }
        try {
            Device device = registry.setScopes(deviceId, wanted);
            return "Device " + device.id() + " now has the scopes " + String.join(", ", new TreeSet<>(device.scopes())) + ".\n";
        } catch (HostException e) {
            return refused(e);
        }
    }

    private static String unknown(String deviceId) {
        return "No paired device has the id '" + DeviceInput.printable(deviceId) + "'. devices:list shows the ids.\n";
    }

    private static String refused(HostException e) {
        return e.getMessage() + (e.action() == null ? "" : " " + e.action()) + "\n";
    }

    static String time(Instant instant) {
        return TIME.format(instant);
    }

    static String table(List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].codePointCount(0, row[i].length()));
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]);
                if (i < row.length - 1) {
                    line.append(" ".repeat(widths[i] - row[i].codePointCount(0, row[i].length()) + 2));
                }
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }
}
