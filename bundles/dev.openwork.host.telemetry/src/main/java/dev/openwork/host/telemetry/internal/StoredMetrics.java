package dev.openwork.host.telemetry.internal;

import java.util.Map;
import java.util.TreeMap;

/**
 * The on-disk form of the metrics ({@code data/telemetry/metrics.json}), a plain JSON object so an
 * admin can read it. Field names are the file format: rename none without migrating.
 */
final class StoredMetrics {

    /** Format version of the file. */
    public int version = 1;
    /** When counting began (epoch seconds). */
    public long since;
    /** The process start (epoch millis) of the run that wrote the file last. */
    public long runStartedAtMillis;
    /** Whether that run was still going when it last wrote (true at a start means it ended uncleanly). */
    public boolean running;
    /** Uptime of that run when it last wrote. */
    public long runUptimeSeconds;
    /** Uptime of all runs before it, added up. */
    public long earlierRunsUptimeSeconds;
    public long starts;
    public long uncleanStops;
    /** metric -> label -> count, totals since {@link #since}. */
    public Map<String, Map<String, Long>> counters = new TreeMap<>();
    /** Finished tasks' durations: count, sum and max in milliseconds, and a histogram. */
    public long taskDurationCount;
    public long taskDurationTotalMillis;
    public long taskDurationMaxMillis;
    /** Counts per upper bound of {@link MetricsStore#DURATION_BOUNDS_SECONDS} (not cumulative), the last one +Inf. */
    public long[] taskDurationBuckets = new long[MetricsStore.DURATION_BOUNDS_SECONDS.length + 1];
    /** hour start (epoch seconds) -> metric -> label -> count, for the charts. */
    public TreeMap<Long, Map<String, Map<String, Long>>> hours = new TreeMap<>();
}
