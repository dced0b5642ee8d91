package dev.openwork.host.telemetry.internal;

import dev.openwork.host.api.telemetry.MetricsBucket;
import dev.openwork.host.api.telemetry.MetricsService;
import dev.openwork.host.api.telemetry.MetricsSummary;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code metrics:show}: the local metrics as text. */
@Component(service = TelemetryCommands.class, property = {
        "osgi.command.scope=metrics",
        "osgi.command.function=show"})
public final class TelemetryCommands {

    private final MetricsService metrics;

    @Activate
    public TelemetryCommands(@Reference MetricsService metrics) {
        this.metrics = metrics;
    }

    /** {@code metrics:show}. */
    public String show() {
        return describe(metrics.summary());
    }

    static String describe(MetricsSummary s) {
        if (!s.enabled()) {
            return "Local metrics are switched off (enabled=false in etc/dev.openwork.host.telemetry.cfg).\n";
        }
        StringBuilder out = new StringBuilder();
        line(out, "Counting since", s.since().toString());
        line(out, "Uptime", duration(s.uptimeSeconds()) + " (all runs: " + duration(s.totalUptimeSeconds()) + ")");
        line(out, "Starts", s.starts() + " (" + s.uncleanStops() + " after an unclean stop)");
        line(out, "Connections", counts(s.connections()));
        line(out, "Refused", counts(s.connectionFailures()));
        line(out, "Pairing", s.pairingWindows() + " windows; " + counts(s.pairing()));
        line(out, "Devices", s.devicesPaired() + " paired, " + s.devicesRevoked() + " revoked");
        line(out, "Tasks", counts(s.tasks()));
        line(out, "Task duration", s.taskDurations().count() == 0 ? "-" : String.format(Locale.ROOT,
                "mean %.1f s, longest %.1f s", s.taskDurations().meanSeconds(), s.taskDurations().maxSeconds()));
        line(out, "Permissions", s.permissionPrompts() + " asked; " + counts(s.permissionAnswers()));
        Map<String, Long> dayTasks = new TreeMap<>();
        Map<String, Long> dayFailures = new TreeMap<>();
        for (MetricsBucket bucket : s.lastDay()) {
            bucket.tasks().forEach((k, v) -> dayTasks.merge(k, v, Long::sum));
            bucket.connectionFailures().forEach((k, v) -> dayFailures.merge(k, v, Long::sum));
        }
        line(out, "Last 24 h", "tasks " + counts(dayTasks) + "; refused " + counts(dayFailures));
        out.append("Nothing of this leaves the host. Stored in data/telemetry/metrics.json.\n");
        return out.toString();
    }

    private static String counts(Map<String, Long> counts) {
        if (counts.isEmpty()) {
            return "none";
        }
        StringBuilder text = new StringBuilder();
        new TreeMap<>(counts).forEach((k, v) -> text.append(text.length() == 0 ? "" : ", ").append(v).append(' ').append(k));
        return text.toString();
    }

    private static String duration(long seconds) {
        long days = seconds / 86400;
        long hours = seconds % 86400 / 3600;
        long minutes = seconds % 3600 / 60;
        return days > 0 ? days + "d " + hours + "h" : hours > 0 ? hours + "h " + minutes + "m" : minutes + "m " + seconds % 60 + "s";
    }

    private static void line(StringBuilder out, String label, String value) {
        out.append(String.format("%-16s %s%n", label + ":", value));
    }
}
