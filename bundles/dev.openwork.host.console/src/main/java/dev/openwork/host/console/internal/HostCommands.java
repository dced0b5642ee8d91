package dev.openwork.host.console.internal;

import dev.openwork.host.api.error.HostException;
import dev.openwork.host.api.health.HealthActionInfo;
import dev.openwork.host.api.health.HealthActionResult;
import dev.openwork.host.api.health.HealthCheckResult;
import dev.openwork.host.api.health.HealthReport;
import dev.openwork.host.api.health.HealthService;
import dev.openwork.host.api.host.HostInfo;
import dev.openwork.host.api.identity.HostIdentity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/** The {@code host:} console commands. Each returns its text so Gogo prints it and scripts can pipe it. */
@Component(service = HostCommands.class, property = {
        "osgi.command.scope=host",
        "osgi.command.function=info",
        "osgi.command.function=health",
        "osgi.command.function=actions",
        "osgi.command.function=fix"})
public final class HostCommands {

    /** The servlet whiteboard runtime advertises its listening URLs under this property. */
    private static final String HTTP_RUNTIME = "org.osgi.service.servlet.runtime.HttpServiceRuntime";
    private static final String HTTP_ENDPOINT = "osgi.http.endpoint";

    private final BundleContext context;
    private final HostInfo hostInfo;
    private final HealthService health;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile HostIdentity identity;

    @Activate
    public HostCommands(BundleContext context, @Reference HostInfo hostInfo, @Reference HealthService health) {
        this.context = context;
        this.hostInfo = hostInfo;
        this.health = health;
    }

    /** Version, data directory, uptime, listening addresses and bundles by state. */
    public String info() {
        StringBuilder out = new StringBuilder();
        line(out, "Version", hostInfo.version());
        line(out, "Data directory", hostInfo.dataDirectory().toString());
        line(out, "Started", hostInfo.startedAt().toString());
        line(out, "Uptime", formatUptime(hostInfo.uptime()));
        HostIdentity currentIdentity = identity;
        if (currentIdentity != null) {
            line(out, "Host id", currentIdentity.hostId());
            line(out, "Host name", currentIdentity.hostName());
            line(out, "Key (SPKI)", groupFingerprint(currentIdentity.spkiSha256()));
            line(out, "LAN (TLS)", currentIdentity.endpoints().isEmpty() ? "(not listening)"
                    : String.join(", ", currentIdentity.endpoints().stream().map(e -> "https://" + e.authority() + "/").toList()));
        }
        List<String> endpoints = endpoints();
        line(out, "Listening", endpoints.isEmpty() ? "(no HTTP listener is running)" : String.join(", ", endpoints));
        Map<String, List<String>> byState = bundlesByState(context.getBundles());
        StringBuilder states = new StringBuilder();
        byState.forEach((state, names) -> states.append(states.length() == 0 ? "" : ", ").append(names.size()).append(' ').append(state));
        line(out, "Bundles", states.toString());
        byState.forEach((state, names) -> {
            if (!"active".equals(state)) {
                line(out, "  " + state, String.join(", ", names));
            }
        });
        return out.toString();
    }

    /** Every health check with its status, cause and recommended action. */
    public String health() {
        HealthReport report = health.report();
        StringBuilder out = new StringBuilder();
        out.append("Host is ").append(report.status()).append(" (version ").append(report.version())
                .append(", up ").append(formatUptime(Duration.ofSeconds(report.uptimeSeconds()))).append(")\n");
        for (HealthCheckResult check : report.checks()) {
            out.append(String.format("  %-8s %-14s %s%n", check.status(), check.name(), check.cause()));
            if (check.action() != null) {
                out.append(String.format("  %-8s %-14s -> %s%n", "", "", check.action()));
            }
            for (String action : check.actions()) {
                out.append(String.format("  %-8s %-14s -> host:fix %s%n", "", "", action));
            }
        }
        return out.toString();
    }

    /** The recovery actions the host offers now. */
    public String actions() {
        List<HealthActionInfo> actions = health.actions();
        if (actions.isEmpty()) {
            return "No recovery action is installed.\n";
        }
        StringBuilder out = new StringBuilder();
        for (HealthActionInfo action : actions) {
            out.append(String.format("  %-24s %-12s %s%n", action.id(), action.check(), action.label()));
        }
        return out.toString();
    }

    /** Runs a recovery action by id ({@code host:fix open-pairing-window}); a refusal comes back as a sentence. */
    public String fix(String actionId) {
        try {
            HealthActionResult result = health.runAction(actionId);
            return result.message() + "\n";
        } catch (HostException e) {
            return e.getMessage() + (e.action() == null ? "" : " " + e.action()) + "\n";
        }
    }

    private List<String> endpoints() {
        List<String> endpoints = new ArrayList<>();
        try {
            ServiceReference<?>[] refs = context.getServiceReferences(HTTP_RUNTIME, null);
            if (refs != null) {
                for (ServiceReference<?> ref : refs) {
                    Object value = ref.getProperty(HTTP_ENDPOINT);
                    if (value instanceof String[] many) {
                        endpoints.addAll(List.of(many));
                    } else if (value instanceof Iterable<?> many) {
                        many.forEach(v -> endpoints.add(String.valueOf(v)));
                    } else if (value != null) {
                        endpoints.add(value.toString());
                    }
                }
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e); // the filter is null, so this cannot happen
        }
        return endpoints;
    }

    /** {@code ab12 cd34 ...}: easier to compare by eye with what a client shows. */
    static String groupFingerprint(String hex) {
        StringBuilder grouped = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 4) {
            grouped.append(i == 0 ? "" : " ").append(hex, i, Math.min(hex.length(), i + 4));
        }
        return grouped.toString();
    }

    static Map<String, List<String>> bundlesByState(Bundle[] bundles) {
        Map<String, List<String>> byState = new TreeMap<>();
        for (Bundle bundle : bundles) {
            byState.computeIfAbsent(stateName(bundle.getState()), k -> new ArrayList<>()).add(bundle.getSymbolicName());
        }
        return byState;
    }

    static String stateName(int state) {
        return switch (state) {
            case Bundle.ACTIVE -> "active";
            case Bundle.RESOLVED -> "resolved";
            case Bundle.INSTALLED -> "installed";
            case Bundle.STARTING -> "starting";
            case Bundle.STOPPING -> "stopping";
            case Bundle.UNINSTALLED -> "uninstalled";
            default -> "unknown";
        };
    }

    static String formatUptime(Duration uptime) {
        long seconds = uptime.toSeconds();
        long days = seconds / 86400;
        long hours = (seconds % 86400) / 3600;
        long minutes = (seconds % 3600) / 60;
        long rest = seconds % 60;
        if (days > 0) {
            return String.format("%dd %02dh %02dm", days, hours, minutes);
        }
        return hours > 0 ? String.format("%dh %02dm %02ds", hours, minutes, rest) : String.format("%dm %02ds", minutes, rest);
    }

    private static void line(StringBuilder out, String label, String value) {
        out.append(String.format("%-16s %s%n", label + ":", value));
    }
}
