package dev.openwork.host.api.telemetry;

import java.time.Instant;
import java.util.Map;

/**
 * The counts of one time slice, for charts.
 *
 * @param start              when the slice begins (UTC)
 * @param seconds            its length
 * @param tasks              tasks that finished in it, by outcome
 * @param connectionFailures refused connections and requests in it, by reason
 * @param connections        connections in it (all kinds)
 */
public record MetricsBucket(Instant start, long seconds, Map<String, Long> tasks, Map<String, Long> connectionFailures,
        long connections) {

    public MetricsBucket {
        tasks = Map.copyOf(tasks);
        connectionFailures = Map.copyOf(connectionFailures);
    }
}
