package dev.openwork.host.api.telemetry;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The host's local metrics, read-only. Registered by the telemetry bundle while it runs, also when
 * metrics are switched off (then {@link #enabled()} is false and nothing is counted). Thread-safe;
 * every call reads a consistent snapshot and is cheap (no disk access).
 */
@ProviderType
public interface MetricsService {

    /** Whether metrics are being collected. */
    boolean enabled();

    /** Totals and the last day's and week's buckets. */
    MetricsSummary summary();

    /**
     * Every metric in the Prometheus text exposition format 0.0.4 (names prefixed {@code openwork_}),
     * for a scraper an admin points at the host; nothing is pushed anywhere.
     */
    String prometheusText();
}
