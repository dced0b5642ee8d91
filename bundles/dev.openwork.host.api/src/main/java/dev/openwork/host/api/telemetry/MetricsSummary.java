package dev.openwork.host.api.telemetry;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The local metrics in one piece, for the web page and {@code metrics:show}. Counts are totals
 * since {@code since} (the first start with metrics on, or the last reset), kept across restarts.
 * Maps are keyed by a lower-case word (an outcome, a reason) and hold only non-zero counts.
 *
 * @param enabled             whether metrics are being collected now
 * @param since               when counting began
 * @param uptimeSeconds       how long this run of the host has been up
 * @param totalUptimeSeconds  the host's uptime added up over every run since {@code since}
 * @param starts              how often the host started
 * @param uncleanStops        runs that ended without a clean stop (crash, kill -9, power loss)
 * @param connections         connections by kind ({@code tls}: LAN handshakes, {@code stream}: event streams)
 * @param connectionFailures  refused connections and requests by reason ({@code bad_credential},
 *                            {@code tls_handshake}, ...)
 * @param pairing             pairing steps by outcome ({@code started}, {@code failed}, {@code approved}, ...)
 * @param pairingWindows      pairing windows opened
 * @param tasks               finished tasks by outcome ({@code succeeded}, {@code failed}, ...)
 * @param taskDurations       durations of finished tasks
 * @param permissionPrompts   permission prompts asked
 * @param permissionAnswers   permission answers by answer ({@code once}, {@code always}, {@code reject},
 *                            {@code timeout}, ...)
 * @param devicesPaired       devices approved
 * @param devicesRevoked      devices revoked
 * @param lastDay             24 hourly buckets, oldest first, the last one being the current hour
 * @param lastWeek            7 daily buckets (UTC days), oldest first, the last one being today
 */
public record MetricsSummary(boolean enabled, Instant since, long uptimeSeconds, long totalUptimeSeconds, long starts,
        long uncleanStops, Map<String, Long> connections, Map<String, Long> connectionFailures,
        Map<String, Long> pairing, long pairingWindows, Map<String, Long> tasks, TaskDurations taskDurations,
        long permissionPrompts, Map<String, Long> permissionAnswers, long devicesPaired, long devicesRevoked,
        List<MetricsBucket> lastDay, List<MetricsBucket> lastWeek) {

    public MetricsSummary {
        connections = Map.copyOf(connections);
        connectionFailures = Map.copyOf(connectionFailures);
        pairing = Map.copyOf(pairing);
        tasks = Map.copyOf(tasks);
        permissionAnswers = Map.copyOf(permissionAnswers);
        lastDay = List.copyOf(lastDay);
        lastWeek = List.copyOf(lastWeek);
    }

    /**
     * How long finished tasks took, from acceptance to their end.
     *
     * @param count        finished tasks measured
     * @param totalSeconds their durations added up
     * @param maxSeconds   the longest
     */
    public record TaskDurations(long count, double totalSeconds, double maxSeconds) {

        /** The mean duration, 0 when none was measured. */
        public double meanSeconds() {
            return count == 0 ? 0 : totalSeconds / count;
        }
    }
}
